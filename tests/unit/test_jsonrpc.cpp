// JSON-RPC 2.0 framing of `mailng-agent stdio`: requests, notifications, every error
// code, the line limit, response lines and typed params.
#include <gtest/gtest.h>

#include <string>

#include "mailng/jsonrpc.h"

namespace mailng::jsonrpc {
namespace {

using nlohmann::json;

struct GoodRequest {
    std::string line;
    json id;
    bool notification;
    std::string method;
    json params;
};

TEST(JsonRpcParse, AcceptsRequestsAndNotifications) {
    const GoodRequest cases[] = {
        {R"({"jsonrpc":"2.0","id":1,"method":"agent.hello"})", 1, false, "agent.hello", nullptr},
        {R"({"jsonrpc":"2.0","id":"a-7","method":"queue.list","params":{"queue":"deferred"}})",
         "a-7", false, "queue.list", {{"queue", "deferred"}}},
        {R"({"jsonrpc":"2.0","id":null,"method":"host.status"})", nullptr, false, "host.status", nullptr},
        {R"({"jsonrpc":"2.0","method":"queue.flush"})", nullptr, true, "queue.flush", nullptr},
        {R"({"method":"x.y","params":[1,2],"jsonrpc":"2.0","id":-3,"extra":true})", -3, false, "x.y",
         json::array({1, 2})},
        {"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"agent.hello\"}\r", 2, false, "agent.hello", nullptr},
        {R"(  {"jsonrpc":"2.0","id":18446744073709551615,"method":"m"}  )", 18446744073709551615ull,
         false, "m", nullptr},
    };
    for (const auto& c : cases) {
        auto request = parse_request(c.line);
        ASSERT_TRUE(request) << c.line << ": " << request.error().error.message;
        EXPECT_EQ(request->id, c.id) << c.line;
        EXPECT_EQ(request->notification, c.notification) << c.line;
        EXPECT_EQ(request->method, c.method) << c.line;
        EXPECT_EQ(request->params, c.params) << c.line;
    }
}

struct BadRequest {
    std::string line;
    int code;
    json id;
};

TEST(JsonRpcParse, RefusesWithTheRightCodeAndId) {
    const BadRequest cases[] = {
        {"", parse_error, nullptr},
        {"{", parse_error, nullptr},
        {R"({"jsonrpc":"2.0","id":1,"method":"a"} x)", parse_error, nullptr},
        {std::string("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\0\"}", 35), parse_error, nullptr},
        {"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}", parse_error, nullptr},
        {"[]", invalid_request, nullptr},
        {R"([{"jsonrpc":"2.0","id":1,"method":"a"}])", invalid_request, nullptr},
        {"42", invalid_request, nullptr},
        {R"("text")", invalid_request, nullptr},
        {R"({"jsonrpc":"1.0","id":5,"method":"a"})", invalid_request, 5},
        {R"({"id":5,"method":"a"})", invalid_request, 5},
        {R"({"jsonrpc":"2.0","id":"k","method":1})", invalid_request, "k"},
        {R"({"jsonrpc":"2.0","id":"k","method":""})", invalid_request, "k"},
        {R"({"jsonrpc":"2.0","id":"k"})", invalid_request, "k"},
        {R"({"jsonrpc":"2.0","id":"k","method":"a","params":"bar"})", invalid_request, "k"},
        {R"({"jsonrpc":"2.0","id":"k","method":"a","params":3})", invalid_request, "k"},
        {R"({"jsonrpc":"2.0","id":1.5,"method":"a"})", invalid_request, nullptr},
        {R"({"jsonrpc":"2.0","id":[1],"method":"a"})", invalid_request, nullptr},
        {R"({"jsonrpc":"2.0","id":{},"method":"a"})", invalid_request, nullptr},
        {R"({"jsonrpc":"2.0","method":1,"params":"bar"})", invalid_request, nullptr},
    };
    for (const auto& c : cases) {
        auto request = parse_request(c.line);
        ASSERT_FALSE(request) << c.line;
        EXPECT_EQ(request.error().error.code, c.code) << c.line;
        EXPECT_EQ(request.error().id, c.id) << c.line;
        EXPECT_FALSE(request.error().error.message.empty());
    }
}

TEST(JsonRpcParse, RefusesDeepNesting) {
    std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"a","params":)";
    deep += std::string(100000, '[') + std::string(100000, ']') + "}";
    auto request = parse_request(deep);
    ASSERT_FALSE(request);
    EXPECT_EQ(request.error().error.code, invalid_request);

    std::string ok = R"({"jsonrpc":"2.0","id":1,"method":"a","params":)";
    ok += std::string(kMaxDepth - 1, '[') + std::string(kMaxDepth - 1, ']') + "}";
    EXPECT_TRUE(parse_request(ok));
}

TEST(JsonRpcParse, RefusesOverlongLinesWithoutParsing) {
    std::string line = R"({"jsonrpc":"2.0","id":1,"method":"a"})";
    EXPECT_TRUE(parse_request(line, line.size()));
    auto refused = parse_request(line, line.size() - 1);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().error.code, parse_error);
    EXPECT_EQ(refused.error().error.data["max_line"], line.size() - 1);
    // Valid JSON over the default limit: refused although it would parse.
    std::string big = R"({"jsonrpc":"2.0","id":1,"method":"a","params":{"x":")" +
                      std::string(kMaxLineBytes, 'x') + "\"}}";
    EXPECT_EQ(parse_request(big).error().error.code, parse_error);
}

TEST(JsonRpcLines, SplitsAnyChunkingAndDropsOverlongLines) {
    const std::string stream = "short\r\n" + std::string(20, 'x') + "\n\nlast";
    for (std::size_t split = 0; split <= stream.size(); ++split) {
        LineSplitter splitter(10);
        auto lines = splitter.feed(std::string_view(stream).substr(0, split));
        for (auto& line : splitter.feed(std::string_view(stream).substr(split)))
            lines.push_back(std::move(line));
        auto tail = splitter.finish();
        ASSERT_EQ(lines.size(), 3u) << split;
        EXPECT_EQ(lines[0].text, "short\r");
        EXPECT_FALSE(lines[0].too_long);
        EXPECT_TRUE(lines[1].too_long);
        EXPECT_EQ(lines[1].text, "");
        EXPECT_EQ(lines[2].text, "");
        EXPECT_FALSE(lines[2].too_long);
        ASSERT_TRUE(tail);
        EXPECT_EQ(tail->text, "last");
        EXPECT_FALSE(splitter.finish());
    }
    LineSplitter splitter(4);
    EXPECT_TRUE(splitter.feed("12345").empty());  // 4 bytes + room for a CR
    EXPECT_TRUE(splitter.feed("6").empty());
    auto unterminated = splitter.finish();
    ASSERT_TRUE(unterminated);
    EXPECT_TRUE(unterminated->too_long);
}

TEST(JsonRpcFormat, ResponsesAreSingleLines) {
    EXPECT_EQ(format_result(7, {{"affected", 3}}),
              "{\"id\":7,\"jsonrpc\":\"2.0\",\"result\":{\"affected\":3}}\n");
    EXPECT_EQ(format_error(nullptr, Error{parse_error, "parse error", nullptr}),
              "{\"error\":{\"code\":-32700,\"message\":\"parse error\"},\"id\":null,\"jsonrpc\":\"2.0\"}\n");
    // Text from tools and mail: newlines escaped, invalid UTF-8 replaced, never a throw.
    std::string line = format_result("x", {{"text", "a\nb\r\n\xff\xfe end"}});
    EXPECT_EQ(line.find('\n'), line.size() - 1);
    EXPECT_NE(line.find("a\\nb\\r\\n"), std::string::npos);
    EXPECT_NE(line.find("\xef\xbf\xbd"), std::string::npos);
    EXPECT_TRUE(json::accept(line));
}

TEST(JsonRpcFormat, ErrorBuildersCarryCodesAndData) {
    auto denied = permission_denied_error("queue.delete", "operator");
    EXPECT_EQ(denied.code, -32001);
    EXPECT_EQ(denied.message, "queue.delete needs the operator role");
    EXPECT_EQ(denied.data["required_role"], "operator");

    auto missing = not_found_error("queue id", "4C1F1B30B2");
    EXPECT_EQ(missing.code, -32002);
    EXPECT_EQ(missing.data["id"], "4C1F1B30B2");

    auto failed = tool_failed_error("postsuper", 75, "postsuper: fatal: bad\n");
    EXPECT_EQ(failed.code, -32003);
    EXPECT_EQ(failed.message, "postsuper failed with exit status 75");
    EXPECT_EQ(failed.data["exit_status"], 75);
    EXPECT_EQ(failed.data["stderr"], "postsuper: fatal: bad\n");
    EXPECT_EQ(failed.data["stderr_truncated"], false);

    auto timeout = tool_failed_error("postcat", -1, std::string(kMaxStderrBytes + 5, 'e'),
                                     "timed out after 30 s");
    EXPECT_EQ(timeout.message, "postcat failed: timed out after 30 s");
    EXPECT_EQ(timeout.data["stderr"].get<std::string>().size(), kMaxStderrBytes);
    EXPECT_EQ(timeout.data["stderr_truncated"], true);

    EXPECT_EQ(not_supported_error("director").code, -32004);
    EXPECT_EQ(method_not_found_error("queue.nuke").code, -32601);
    EXPECT_EQ(method_not_found_error("queue.nuke").data["method"], "queue.nuke");
    EXPECT_EQ(internal_error_error("oops").code, -32603);

    std::string line = format_error(3, failed);
    EXPECT_EQ(json::parse(line)["error"]["data"]["tool"], "postsuper");
}

TEST(JsonRpcParams, TypedAccessWithClearMessages) {
    json params = {{"queue_ids", {"A", "B"}}, {"queue", "hold"}, {"limit", 50},
                   {"all", true},          {"bad_ids", {"A", 1}}, {"big", 1e3}};
    EXPECT_EQ(*required_string_array(params, "queue_ids"), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(required_string_array(params, "bad_ids").error().message,
              "bad_ids must be an array of strings");
    EXPECT_EQ(required_string_array(params, "queue").error().message,
              "queue must be an array of strings");
    EXPECT_EQ(required_string_array(params, "nothing").error().message, "missing parameter nothing");
    EXPECT_EQ(required_string_array(params, "nothing").error().code, invalid_params);
    EXPECT_EQ(**optional_string(params, "queue"), "hold");
    EXPECT_FALSE(*optional_string(params, "sender"));
    EXPECT_EQ(optional_string(params, "limit").error().message, "limit must be a string");
    EXPECT_EQ(**optional_integer(params, "limit", 1, 1000), 50);
    EXPECT_EQ(optional_integer(params, "limit", 1, 10).error().message,
              "limit must be an integer from 1 to 10");
    EXPECT_FALSE(optional_integer(params, "big", 0, 10000));
    EXPECT_TRUE(**optional_bool(params, "all"));
    EXPECT_FALSE(optional_bool(params, "limit"));
    EXPECT_FALSE(*optional_bool(json(nullptr), "all"));
    EXPECT_EQ(required_string(json::array({1}), "x").error().message,
              "params must be an object of named parameters");
    json huge = {{"n", 18446744073709551615ull}};
    EXPECT_FALSE(optional_integer(huge, "n", 0, INT64_MAX));
}

TEST(JsonRpcParams, UnknownParamsAreNamed) {
    json params = {{"queue", "hold"}, {"sendr", "x"}};
    auto error = unknown_param(params, {"queue", "sender"});
    ASSERT_TRUE(error);
    EXPECT_EQ(error->message, "unknown parameter sendr");
    EXPECT_FALSE(unknown_param(json(nullptr), {}));
    EXPECT_FALSE(unknown_param(json::object(), {}));
    EXPECT_TRUE(unknown_param(json::array(), {}));
}

} // namespace
} // namespace mailng::jsonrpc
