// The policy decision against real sockets: the bridges here are real policy servers
// (mailng's own PolicyServer) on 127.0.0.1, port 0, answering in the bridge's reply
// format; a "down" bridge is a port with nothing listening.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "mailng/policy_server.h"
#include "policy_service.h"

namespace mailng::policyd {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

PolicyServerOptions server_options(std::chrono::seconds idle_timeout) {
    PolicyServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 1;
    options.idle_timeout = idle_timeout;
    return options;
}

/// A bridge as policyd sees it: a policy server that answers with mailng_status and
/// mailng_ttl from the recipient's local part (unknown, disabled, full, list, or any
/// other: deliverable), or misbehaves as told.
class TestBridge {
public:
    enum class Mode { normal, broken, silent, try_again };

    explicit TestBridge(std::chrono::seconds ttl = 60s, std::chrono::seconds idle_timeout = 300s)
        : ttl_(ttl),
          server_(server_options(idle_timeout), [this](PolicyRequest request, PolicyReply reply) {
              on_request(std::move(request), std::move(reply));
          }, nullptr) {
        auto started = server_.start();
        EXPECT_TRUE(started) << (started ? "" : started.error());
    }

    std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
    int requests() const { return requests_.load(); }
    void set_mode(Mode mode) { mode_.store(mode); }
    std::uint64_t last_size() const { return last_size_.load(); }

private:
    void on_request(PolicyRequest request, PolicyReply reply) {
        ++requests_;
        last_size_ = request.size;
        switch (mode_.load()) {
        case Mode::broken: return reply("action=OK\n\n");
        case Mode::try_again:
            return reply("action=DEFER_IF_PERMIT 4.3.0 LDAP down\nmailng_status=try_again\n\n");
        case Mode::silent: {
            const std::scoped_lock lock(mutex_);
            held_.push_back(std::move(reply)); // answered never; closed at the end
            return;
        }
        case Mode::normal: break;
        }
        reply(answer_for(request.recipient));
    }

    std::string answer_for(const std::string& recipient) const {
        std::string local = recipient.substr(0, recipient.find_first_of("+@"));
        std::transform(local.begin(), local.end(), local.begin(), [](unsigned char c) {
            return static_cast<char>(std::tolower(c));
        });
        std::string action = dunno(), status = "deliverable";
        if (local == "unknown") {
            action = reject_unknown_user(recipient), status = "unknown";
        } else if (local == "disabled") {
            action = reject_disabled(recipient), status = "disabled";
        } else if (local == "full") {
            action = reject_over_quota(recipient), status = "over_quota";
        } else if (local == "list") {
            status = "not_ours";
        }
        return format_reply(action, {{"mailng_status", status},
                                     {"mailng_ttl", std::to_string(ttl_.count())}}).value();
    }

    std::chrono::seconds ttl_;
    std::atomic<int> requests_{0};
    std::atomic<Mode> mode_{Mode::normal};
    std::atomic<std::uint64_t> last_size_{0};
    std::mutex mutex_;
    std::vector<PolicyReply> held_;
    PolicyServer server_; // last: stopped first, before what its handler uses
};

/// A port on 127.0.0.1 with nothing listening: connections are refused.
std::string closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

BridgeAddress bridge(const std::string& text) {
    const auto colon = text.rfind(':');
    return {text, text.substr(0, colon), static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))};
}

PolicydConfig config_for(std::vector<std::string> bridges) {
    PolicydConfig config;
    for (const auto& text : bridges) {
        config.bridges.push_back(bridge(text));
    }
    config.domains = {"example.edu"};
    config.backend_timeout = 300ms;
    config.breaker_open = 1s;
    config.cache_max_entries = 1000;
    return config;
}

PolicyRequest rcpt(const std::string& recipient, std::uint64_t size = 0) {
    PolicyRequest request;
    request.request = "smtpd_access_policy";
    request.protocol_state = "RCPT";
    request.protocol_name = "ESMTP";
    request.client_address = "192.0.2.7";
    request.sender = "sender@client.test";
    request.recipient = recipient;
    request.instance = "5a5b.6b074723.9c758.0";
    request.size = size;
    return request;
}

/// Collects log lines from any thread.
struct LogLines {
    std::mutex mutex;
    std::vector<std::string> lines;
    PolicyLog sink() {
        return [this](std::string_view line) {
            const std::scoped_lock lock(mutex);
            lines.emplace_back(line);
        };
    }
    std::string all() {
        const std::scoped_lock lock(mutex);
        std::string text;
        for (const auto& line : lines) {
            text += line + "\n";
        }
        return text;
    }
};

/// The reply bytes for one request, waiting at most 5 s.
std::string ask(PolicyService& service, PolicyRequest request) {
    auto promise = std::make_shared<std::promise<std::string>>();
    auto future = promise->get_future();
    service.handle(std::move(request), [promise](std::string bytes) { promise->set_value(std::move(bytes)); });
    if (future.wait_for(5s) != std::future_status::ready) {
        return "no reply";
    }
    return future.get();
}

std::string action(const std::string& text) { return "action=" + text + "\n\n"; }

const std::string kDefer = "action=DEFER_IF_PERMIT 4.3.0 <u@example.edu>: Temporary lookup failure\n\n";

TEST(PolicyService, BridgeAnswersBecomeTheContractAnswers) {
    TestBridge bridge;
    LogLines log;
    PolicyService service(config_for({bridge.address()}), log.sink());
    EXPECT_EQ(ask(service, rcpt("Unknown@Example.EDU")),
              action("550 5.1.1 <Unknown@Example.EDU>: Recipient address rejected: User unknown"));
    EXPECT_EQ(ask(service, rcpt("disabled@example.edu")),
              action("550 5.2.1 <disabled@example.edu>: Mailbox disabled"));
    EXPECT_EQ(ask(service, rcpt("full@example.edu")), action("552 5.2.2 <full@example.edu>: Mailbox full"));
    EXPECT_EQ(ask(service, rcpt("list@example.edu")), action("DUNNO"));
    EXPECT_EQ(ask(service, rcpt("alice@example.edu")), action("DUNNO"));
    const auto stats = service.stats();
    EXPECT_EQ(stats.reject_unknown, 1u);
    EXPECT_EQ(stats.reject_disabled, 1u);
    EXPECT_EQ(stats.reject_over_quota, 1u);
    EXPECT_EQ(stats.dunno, 2u);
    const std::string logged = log.all();
    EXPECT_NE(logged.find("reject: instance=5a5b.6b074723.9c758.0 client=192.0.2.7 "
                          "sender=sender@client.test recipient=Unknown@Example.EDU reason=user unknown"),
              std::string::npos) << logged;
}

TEST(PolicyService, ForeignDomainAndOtherStatesGetDunnoWithoutAQuestion) {
    TestBridge bridge;
    PolicyService service(config_for({bridge.address()}), nullptr);
    EXPECT_EQ(ask(service, rcpt("unknown@elsewhere.org")), action("DUNNO"));
    auto at_data = rcpt("unknown@example.edu");
    at_data.protocol_state = "DATA";
    EXPECT_EQ(ask(service, at_data), action("DUNNO"));
    EXPECT_EQ(ask(service, rcpt("\"quoted local\"@example.edu")), action("DUNNO"));
    EXPECT_EQ(ask(service, rcpt("")), action("DUNNO"));
    EXPECT_EQ(bridge.requests(), 0);
}

TEST(PolicyService, CacheHitDoesNotAskTheBridgeAgain) {
    TestBridge bridge;
    PolicyService service(config_for({bridge.address()}), nullptr);
    ask(service, rcpt("unknown@example.edu"));
    EXPECT_EQ(ask(service, rcpt("UNKNOWN+tag@example.edu")),
              action("550 5.1.1 <UNKNOWN+tag@example.edu>: Recipient address rejected: User unknown"));
    EXPECT_EQ(bridge.requests(), 1);
    EXPECT_EQ(service.stats().cache_hits, 1u);
}

TEST(PolicyService, BiggerMessageThanTheCachedOneAsksAgainWithItsSize) {
    TestBridge bridge;
    PolicyService service(config_for({bridge.address()}), nullptr);
    ask(service, rcpt("alice@example.edu"));
    ask(service, rcpt("alice@example.edu"));
    EXPECT_EQ(bridge.requests(), 1);
    ask(service, rcpt("alice@example.edu", 1'000'000));
    EXPECT_EQ(bridge.requests(), 2);
    EXPECT_EQ(bridge.last_size(), 1'000'000u);
}

TEST(PolicyService, FirstBridgeDownSecondAnswers) {
    TestBridge second;
    PolicyService service(config_for({closed_port(), second.address()}), nullptr);
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")),
              action("550 5.1.1 <unknown@example.edu>: Recipient address rejected: User unknown"));
    EXPECT_EQ(second.requests(), 1);
    EXPECT_EQ(service.stats().bridges.at(0).failures, 1u);
}

TEST(PolicyService, AllBridgesDownGiveTheFailureActionInTime) {
    LogLines log;
    PolicyService service(config_for({closed_port(), closed_port()}), log.sink());
    const auto started = Clock::now();
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer);
    EXPECT_LT(Clock::now() - started, 300ms + 200ms);
    EXPECT_EQ(service.stats().failure_action, 1u);
    EXPECT_NE(log.all().find("failure action DEFER_IF_PERMIT: instance="), std::string::npos) << log.all();
}

TEST(PolicyService, FailureActionCanBeDunno) {
    auto config = config_for({closed_port()});
    config.on_backend_failure = FailureAction::dunno;
    PolicyService service(config, nullptr);
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), action("DUNNO"));
}

TEST(PolicyService, SlowBridgeGivesTheFailureActionAtTheDeadline) {
    TestBridge slow;
    slow.set_mode(TestBridge::Mode::silent);
    PolicyService service(config_for({slow.address()}), nullptr);
    const auto started = Clock::now();
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer);
    const auto elapsed = Clock::now() - started;
    EXPECT_GE(elapsed, 290ms);
    EXPECT_LT(elapsed, 300ms + 200ms);
}

TEST(PolicyService, SlowFirstBridgeLeavesTimeForTheSecond) {
    TestBridge slow, fast;
    slow.set_mode(TestBridge::Mode::silent);
    PolicyService service(config_for({slow.address(), fast.address()}), nullptr);
    EXPECT_EQ(ask(service, rcpt("full@example.edu")), action("552 5.2.2 <full@example.edu>: Mailbox full"));
}

TEST(PolicyService, TryAgainFromEveryBridgeIsNeverAReject) {
    TestBridge first, second;
    first.set_mode(TestBridge::Mode::try_again);
    second.set_mode(TestBridge::Mode::try_again);
    PolicyService service(config_for({first.address(), second.address()}), nullptr);
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer);
    EXPECT_EQ(first.requests(), 1);
    EXPECT_EQ(second.requests(), 1);
}

TEST(PolicyService, UnexpectedBridgeAnswerIsAFailureNeverPassedOn) {
    TestBridge broken;
    broken.set_mode(TestBridge::Mode::broken); // says OK
    PolicyService service(config_for({broken.address()}), nullptr);
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer);
}

TEST(PolicyService, BreakerSkipsAFailedBridgeThenRetriesIt) {
    TestBridge first, second;
    auto config = config_for({first.address(), second.address()});
    config.breaker_failures = 1;
    PolicyService service(config, nullptr);
    first.set_mode(TestBridge::Mode::broken);
    ask(service, rcpt("a@example.edu"));
    EXPECT_EQ(first.requests(), 1);
    first.set_mode(TestBridge::Mode::normal);
    ask(service, rcpt("b@example.edu"));
    EXPECT_EQ(first.requests(), 1) << "open: skipped";
    EXPECT_EQ(second.requests(), 2);
    std::this_thread::sleep_for(1100ms);
    ask(service, rcpt("c@example.edu"));
    EXPECT_EQ(first.requests(), 2) << "after breaker_open_s: tried again";
    EXPECT_EQ(second.requests(), 2);
}

TEST(PolicyService, ServeStaleAnswersFromAnExpiredEntryWhenBridgesFail) {
    TestBridge bridge(1s);
    auto config = config_for({bridge.address()});
    config.serve_stale = true;
    PolicyService service(config, nullptr);
    ask(service, rcpt("unknown@example.edu"));
    bridge.set_mode(TestBridge::Mode::broken);
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")),
              action("550 5.1.1 <unknown@example.edu>: Recipient address rejected: User unknown"));
    EXPECT_EQ(bridge.requests(), 2) << "expired: the bridge is asked first";
    EXPECT_EQ(service.stats().stale, 1u);
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer) << "nothing cached: the failure action";
}

TEST(PolicyService, WithoutServeStaleAnExpiredEntryIsNotUsed) {
    TestBridge bridge(1s);
    PolicyService service(config_for({bridge.address()}), nullptr);
    ask(service, rcpt("u@example.edu"));
    bridge.set_mode(TestBridge::Mode::broken);
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(ask(service, rcpt("u@example.edu")), kDefer);
}

TEST(PolicyService, ConnectionTheBridgeClosedWhileIdleIsReplacedSilently) {
    TestBridge bridge(0s, 1s); // TTL 0: nothing cached, every request asks
    PolicyService service(config_for({bridge.address()}), nullptr);
    ask(service, rcpt("full@example.edu"));
    std::this_thread::sleep_for(1500ms); // the bridge closes the pooled connection
    EXPECT_EQ(ask(service, rcpt("full@example.edu")), action("552 5.2.2 <full@example.edu>: Mailbox full"));
    EXPECT_EQ(bridge.requests(), 2);
    EXPECT_EQ(service.stats().bridges.at(0).failures, 0u);
}

TEST(PolicyService, ReloadChangesDomainsAndBridges) {
    TestBridge first, second;
    PolicyService service(config_for({first.address()}), nullptr);
    auto config = config_for({second.address()});
    config.domains = {"example.org"};
    service.reload(config);
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), action("DUNNO"));
    ask(service, rcpt("unknown@example.org"));
    EXPECT_EQ(first.requests(), 0);
    EXPECT_EQ(second.requests(), 1);
}

TEST(PolicyService, ThroughThePolicyServerLikeSmtpd) {
    TestBridge bridge;
    PolicyService service(config_for({bridge.address()}), nullptr);
    PolicyServer server(server_options(300s), [&service](PolicyRequest request, PolicyReply reply) {
        service.handle(std::move(request), std::move(reply));
    }, nullptr);
    ASSERT_TRUE(server.start());
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    for (int i = 0; i < 2; ++i) { // one persistent connection, as smtpd keeps it
        boost::asio::write(socket, boost::asio::buffer(std::string(
            "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=full@example.edu\nsize=0\n\n")));
        std::string reply;
        boost::asio::read_until(socket, boost::asio::dynamic_buffer(reply), "\n\n");
        EXPECT_EQ(reply, action("552 5.2.2 <full@example.edu>: Mailbox full"));
    }
    EXPECT_EQ(bridge.requests(), 1);
}

TEST(PolicyService, StatsFileIsJsonWrittenAtomically) {
    TestBridge bridge;
    PolicyService service(config_for({bridge.address()}), nullptr);
    ask(service, rcpt("unknown@example.edu"));
    const std::string path = ::testing::TempDir() + "policyd-stats.json";
    ASSERT_TRUE(service.write_stats_file(path));
    std::ifstream in(path);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    EXPECT_NE(text.find("\"reject_unknown\":1"), std::string::npos) << text;
    EXPECT_NE(text.find("\"latency_ms\""), std::string::npos) << text;
    std::remove(path.c_str());
}

} // namespace
} // namespace mailng::policyd
