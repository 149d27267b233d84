// The agent's dispatcher: access checks, the audit log written for changes and
// refusals, and every failure answered as a JSON-RPC error with the session going on.
#include "dispatcher.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <unistd.h>

using namespace mailng::agent;
using nlohmann::json;

namespace {

class DispatcherTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("mailng-dispatcher-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        config_ = default_agent_config();
        config_.host = "testhost";
        config_.state_dir = (dir_ / "state").string();
        config_.access = {{"ann", Access::admin}, {"olga", Access::operator_},
                          {"vic", Access::viewer}};
        methods_.add({"t.read", Access::viewer, false,
                      [](const CallContext& context, const json&) -> MethodResult {
                          return json{{"caller", context.caller}, {"now", context.now}};
                      }});
        methods_.add({"t.change", Access::operator_, true,
                      [this](const CallContext&, const json&) -> MethodResult {
                          ++changes_;
                          return json{{"affected", 2}};
                      }});
        methods_.add({"t.fail", Access::operator_, true,
                      [](const CallContext&, const json&) -> MethodResult {
                          return mailng::unexpected(
                              mailng::jsonrpc::tool_failed_error("postsuper", 1, "fatal: x"));
                      }});
        methods_.add({"t.throw", Access::viewer, false,
                      [](const CallContext&, const json&) -> MethodResult {
                          throw std::runtime_error("boom");
                      }});
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    json ask(Dispatcher& dispatcher, const std::string& method, json params = json::object()) {
        json request{{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", params}};
        return json::parse(dispatcher.handle_line(request.dump()));
    }

    Dispatcher as(const std::string& user) {
        return Dispatcher(config_, methods_, user, [] { return std::int64_t{1700000000}; });
    }

    std::vector<AuditEntry> audit() {
        auto log = AuditLog::open(config_.audit_db(), "testhost");
        EXPECT_TRUE(log);
        auto listed = (*log)->list({});
        EXPECT_TRUE(listed);
        return listed->second;
    }

    std::filesystem::path dir_;
    AgentConfig config_;
    MethodTable methods_;
    int changes_ = 0;
};

TEST_F(DispatcherTest, ReadsNeedViewerAndGetTheCaller) {
    auto vic = as("vic");
    auto answer = ask(vic, "t.read");
    EXPECT_EQ(answer["id"], 7);
    EXPECT_EQ(answer["result"]["caller"], "vic");
    EXPECT_EQ(answer["result"]["now"], 1700000000);
}

TEST_F(DispatcherTest, ChangesAreAuditedWithTheirCount) {
    auto olga = as("olga");
    auto answer = ask(olga, "t.change", {{"queue_ids", {"ABC123"}}});
    EXPECT_EQ(answer["result"]["affected"], 2);
    auto entries = audit();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].user, "olga");
    EXPECT_EQ(entries[0].method, "t.change");
    EXPECT_EQ(entries[0].outcome, "ok");
    EXPECT_EQ(entries[0].affected, 2);
    EXPECT_EQ(entries[0].params, (json{{"queue_ids", {"ABC123"}}}));
    EXPECT_EQ(entries[0].host, "testhost");
    EXPECT_EQ(std::filesystem::status(config_.audit_db()).permissions() &
                  std::filesystem::perms::others_all,
              std::filesystem::perms::none);
}

TEST_F(DispatcherTest, RefusalNamesTheRoleRunsNothingAndIsAudited) {
    auto vic = as("vic");
    auto answer = ask(vic, "t.change");
    EXPECT_EQ(answer["error"]["code"], mailng::jsonrpc::permission_denied);
    EXPECT_EQ(answer["error"]["data"]["required_role"], "operator");
    EXPECT_EQ(changes_, 0);
    auto entries = audit();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].outcome, "denied");
}

TEST_F(DispatcherTest, UnknownUsersHaveNoAccess) {
    auto stranger = as("mallory");
    EXPECT_EQ(ask(stranger, "t.read")["error"]["code"], mailng::jsonrpc::permission_denied);
}

TEST_F(DispatcherTest, ToolFailuresAreAuditedAndReturned) {
    auto ann = as("ann");
    auto answer = ask(ann, "t.fail");
    EXPECT_EQ(answer["error"]["code"], mailng::jsonrpc::tool_failed);
    EXPECT_EQ(answer["error"]["data"]["stderr"], "fatal: x");
    auto entries = audit();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].outcome, "error");
}

TEST_F(DispatcherTest, ExceptionsBecomeInternalErrors) {
    auto ann = as("ann");
    auto answer = ask(ann, "t.throw");
    EXPECT_EQ(answer["error"]["code"], mailng::jsonrpc::internal_error);
    EXPECT_EQ(ask(ann, "t.read")["result"]["caller"], "ann");
}

TEST_F(DispatcherTest, ProtocolErrors) {
    auto ann = as("ann");
    EXPECT_EQ(json::parse(ann.handle_line("{oops"))["error"]["code"], -32700);
    EXPECT_EQ(ask(ann, "t.nothing")["error"]["code"], -32601);
    EXPECT_EQ(json::parse(ann.handle_too_long())["error"]["code"], -32700);
    EXPECT_EQ(ann.handle_line(R"({"jsonrpc":"2.0","method":"t.read"})"), "");
}

TEST_F(DispatcherTest, NoChangeRunsWithoutAnAuditLog) {
    config_.state_dir = "/proc/mailng-cannot-be-created";
    auto ann = as("ann");
    auto answer = ask(ann, "t.change");
    EXPECT_EQ(answer["error"]["code"], mailng::jsonrpc::internal_error);
    EXPECT_EQ(changes_, 0);
    EXPECT_EQ(ask(ann, "t.read")["result"]["caller"], "ann");
}

} // namespace
