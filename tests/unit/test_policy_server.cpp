// The shared policy server over real loopback sockets (port 0 on 127.0.0.1), with a
// plain POSIX client so that the server is not tested against its own library. Also the
// reply side of the codec that policyd and the bridge add on top of it (format_reply
// with extra attributes, parse_reply) and parse_host_port.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mailng/policy_server.h"
#include "support/log_lines.h"

namespace {

using namespace std::chrono_literals;
using mailng::PolicyReply;
using mailng::PolicyRequest;
using mailng::PolicyServer;
using mailng::PolicyServerOptions;

const std::string kRequest =
    "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\n"
    "sender=a@example.net\nrecipient=bob@example.edu\nsize=0\n\n";

std::string request_for(const std::string& recipient) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=" + recipient + "\n\n";
}

/// A blocking TCP client with timeouts, as smtpd talks: write a request, wait for the answer.
class Client {
public:
    explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return connected_; }

    bool send(const std::string& bytes) {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            auto n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    /// One reply (up to and including the empty line), or nullopt on timeout or close.
    std::optional<std::string> read_reply(std::chrono::milliseconds timeout = 5000ms) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (auto end = buffer_.find("\n\n"); end != std::string::npos) {
                std::string reply = buffer_.substr(0, end + 2);
                buffer_.erase(0, end + 2);
                return reply;
            }
            if (!receive_some(deadline))
                return std::nullopt;
        }
    }

    /// True when the server closes the connection within `timeout`.
    bool closed_by_peer(std::chrono::milliseconds timeout = 5000ms) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (receive_some(deadline)) {
        }
        return peer_closed_;
    }

private:
    bool receive_some(std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd waiting{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
            return false;
        char chunk[4096];
        auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            peer_closed_ = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    int fd_;
    bool connected_ = false;
    bool peer_closed_ = false;
    std::string buffer_;
};


/// Answers DUNNO and echoes the recipient in an extra attribute, so that a test can see
/// that each answer belongs to its own request.
void echo_handler(PolicyRequest request, PolicyReply reply) {
    reply(mailng::format_reply("DUNNO", {{"echo", request.recipient}}).value());
}

std::string echo_reply(const std::string& recipient) {
    return "action=DUNNO\necho=" + recipient + "\n\n";
}

PolicyServerOptions local_options() {
    PolicyServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    return options;
}

struct Started {
    std::unique_ptr<PolicyServer> server;
    std::uint16_t port = 0;
};

Started start_server(PolicyServerOptions options, mailng::PolicyHandler handler,
                     mailng::PolicyLog log = {}) {
    Started started{std::make_unique<PolicyServer>(std::move(options), std::move(handler),
                                                   std::move(log))};
    auto result = started.server->start();
    EXPECT_TRUE(result) << (result ? "" : result.error());
    started.port = started.server->port();
    return started;
}

TEST(PolicyServer, AnswersARequest) {
    std::string seen_recipient;
    auto started = start_server(local_options(), [&](PolicyRequest request, PolicyReply reply) {
        seen_recipient = request.recipient;
        reply(mailng::format_reply(mailng::dunno()).value());
    });
    ASSERT_NE(started.port, 0);
    Client client(started.port);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send(kRequest));
    EXPECT_EQ(client.read_reply(), "action=DUNNO\n\n");
    EXPECT_EQ(seen_recipient, "bob@example.edu");
    auto counters = started.server->counters();
    EXPECT_EQ(counters.connections_accepted, 1u);
    EXPECT_EQ(counters.connections_open, 1u);
    EXPECT_EQ(counters.requests, 1u);
}

TEST(PolicyServer, PersistentConnectionAnswersManySequentialRequests) {
    auto started = start_server(local_options(), echo_handler);
    Client client(started.port);
    for (int i = 0; i < 1000; ++i) {
        const std::string recipient = "user" + std::to_string(i) + "@example.edu";
        ASSERT_TRUE(client.send(request_for(recipient)));
        ASSERT_EQ(client.read_reply(), echo_reply(recipient)) << "request " << i;
    }
    EXPECT_EQ(started.server->counters().requests, 1000u);
    EXPECT_EQ(started.server->counters().connections_accepted, 1u);
}

TEST(PolicyServer, ServesTwoHundredConcurrentConnections) {
    auto started = start_server(local_options(), echo_handler);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 200; ++i) {
        clients.push_back(std::make_unique<Client>(started.port));
        ASSERT_TRUE(clients.back()->connected()) << "client " << i;
    }
    for (int round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < clients.size(); ++i)
            ASSERT_TRUE(clients[i]->send(request_for("u" + std::to_string(i) + "@example.edu")));
        for (std::size_t i = 0; i < clients.size(); ++i)
            ASSERT_EQ(clients[i]->read_reply(), echo_reply("u" + std::to_string(i) + "@example.edu"));
    }
    EXPECT_EQ(started.server->counters().connections_open, 200u);
    EXPECT_EQ(started.server->counters().requests, 600u);
}

TEST(PolicyServer, ReassemblesARequestSentOneByteAtATime) {
    auto started = start_server(local_options(), echo_handler);
    Client client(started.port);
    for (char byte : request_for("slow@example.edu")) {
        ASSERT_TRUE(client.send(std::string(1, byte)));
        std::this_thread::sleep_for(100us);
    }
    EXPECT_EQ(client.read_reply(), echo_reply("slow@example.edu"));
}

TEST(PolicyServer, AnswersPipelinedRequestsInOrder) {
    auto started = start_server(local_options(), echo_handler);
    Client client(started.port);
    ASSERT_TRUE(client.send(request_for("one@x") + request_for("two@x") + request_for("three@x")));
    EXPECT_EQ(client.read_reply(), echo_reply("one@x"));
    EXPECT_EQ(client.read_reply(), echo_reply("two@x"));
    EXPECT_EQ(client.read_reply(), echo_reply("three@x"));
}

TEST(PolicyServer, MalformedRequestClosesOnlyThatConnection) {
    LogLines log;
    auto started = start_server(local_options(), echo_handler, log.sink());
    Client good(started.port);
    Client bad(started.port);
    ASSERT_TRUE(good.send(request_for("before@x")));
    ASSERT_EQ(good.read_reply(), echo_reply("before@x"));

    ASSERT_TRUE(bad.send("request=smtpd_access_policy\nthis line has no equals sign\n\n"));
    EXPECT_TRUE(bad.closed_by_peer());

    ASSERT_TRUE(good.send(request_for("after@x")));
    EXPECT_EQ(good.read_reply(), echo_reply("after@x"));
    EXPECT_EQ(started.server->counters().protocol_errors, 1u);
    EXPECT_TRUE(log.contains("policy: closing connection from 127.0.0.1: line 2: "));
}

TEST(PolicyServer, OversizedLineClosesTheConnection) {
    auto options = local_options();
    options.limits.max_line = 64;
    auto started = start_server(options, echo_handler);
    Client client(started.port);
    ASSERT_TRUE(client.send("recipient=" + std::string(100, 'a')));
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_EQ(started.server->counters().protocol_errors, 1u);
}

TEST(PolicyServer, RefusesClientsOutsideTheAllowList) {
    LogLines log;
    auto options = local_options();
    options.allow = {"10.0.0.0/8"};
    auto started = start_server(options, echo_handler, log.sink());
    Client client(started.port);
    client.send(kRequest);
    EXPECT_TRUE(client.closed_by_peer());
    auto counters = started.server->counters();
    EXPECT_EQ(counters.connections_refused, 1u);
    EXPECT_EQ(counters.connections_accepted, 0u);
    EXPECT_EQ(counters.requests, 0u);
    EXPECT_TRUE(log.contains("policy: refused connection from 127.0.0.1"));
}

TEST(PolicyServer, AcceptsClientsInsideTheAllowList) {
    auto options = local_options();
    options.allow = {"10.0.0.0/8", "127.0.0.1"};
    auto started = start_server(options, echo_handler);
    Client client(started.port);
    ASSERT_TRUE(client.send(request_for("in@x")));
    EXPECT_EQ(client.read_reply(), echo_reply("in@x"));
}

TEST(PolicyServer, SetAllowAppliesToNewConnectionsAndKeepsOpenOnes) {
    auto started = start_server(local_options(), echo_handler);
    Client before(started.port);
    ASSERT_TRUE(before.send(request_for("a@x")));
    ASSERT_EQ(before.read_reply(), echo_reply("a@x"));

    EXPECT_FALSE(started.server->set_allow({"not a network"}));
    ASSERT_TRUE(started.server->set_allow({"10.0.0.0/8"}));
    Client after(started.port);
    EXPECT_TRUE(after.closed_by_peer());
    ASSERT_TRUE(before.send(request_for("b@x")));
    EXPECT_EQ(before.read_reply(), echo_reply("b@x"));
}

TEST(PolicyServer, StartFailsOnABadAllowEntry) {
    auto options = local_options();
    options.allow = {"10.0.0.1/8"};
    PolicyServer server(options, echo_handler, {});
    auto started = server.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.error().find("10.0.0.1/8"), std::string::npos) << started.error();
}

TEST(PolicyServer, StartFailsNamingAnAddressInUse) {
    auto first = start_server(local_options(), echo_handler);
    auto options = local_options();
    options.listen = "127.0.0.1:" + std::to_string(first.port);
    PolicyServer second(options, echo_handler, {});
    auto started = second.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.error(), options.listen + ": Address already in use");
}

TEST(PolicyServer, StartFailsOnAListenThatIsNoAddress) {
    auto options = local_options();
    options.listen = "localhost:10040";
    PolicyServer server(options, echo_handler, {});
    EXPECT_FALSE(server.start());
}

TEST(PolicyServer, IdleTimeoutClosesASilentConnection) {
    auto options = local_options();
    options.idle_timeout = 1s;
    auto started = start_server(options, echo_handler);
    Client client(started.port);
    ASSERT_TRUE(client.send(request_for("a@x")));
    ASSERT_EQ(client.read_reply(), echo_reply("a@x"));
    auto begin = std::chrono::steady_clock::now();
    EXPECT_TRUE(client.closed_by_peer(5000ms));
    EXPECT_GE(std::chrono::steady_clock::now() - begin, 900ms);
    EXPECT_EQ(started.server->counters().connections_open, 0u);
}

/// Replies from a worker thread, as the bridge does, after a short delay.
class ThreadedResponder {
public:
    ThreadedResponder() : worker_([this] { run(); }) {}
    ~ThreadedResponder() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        ready_.notify_one();
        worker_.join();
    }
    mailng::PolicyHandler handler() {
        return [this](PolicyRequest request, PolicyReply reply) {
            std::lock_guard lock(mutex_);
            jobs_.emplace_back(std::move(request), std::move(reply));
            ready_.notify_one();
        };
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (true) {
            ready_.wait(lock, [this] { return done_ || !jobs_.empty(); });
            if (jobs_.empty())
                return;
            auto [request, reply] = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            std::this_thread::sleep_for(1ms);
            echo_handler(std::move(request), std::move(reply));
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::pair<PolicyRequest, PolicyReply>> jobs_;
    bool done_ = false;
    std::thread worker_;
};

TEST(PolicyServer, HandlerMayReplyFromAnotherThread) {
    ThreadedResponder responder;
    auto started = start_server(local_options(), responder.handler());
    Client first(started.port);
    Client second(started.port);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(first.send(request_for("f" + std::to_string(i) + "@x")));
        ASSERT_TRUE(second.send(request_for("s" + std::to_string(i) + "@x")));
        ASSERT_EQ(first.read_reply(), echo_reply("f" + std::to_string(i) + "@x"));
        ASSERT_EQ(second.read_reply(), echo_reply("s" + std::to_string(i) + "@x"));
    }
    started.server->stop();
}

TEST(PolicyServer, ADroppedReplyClosesTheConnection) {
    LogLines log;
    auto started =
        start_server(local_options(), [](PolicyRequest, PolicyReply) {}, log.sink());
    Client client(started.port);
    ASSERT_TRUE(client.send(kRequest));
    EXPECT_TRUE(client.closed_by_peer());
    EXPECT_TRUE(log.contains("request dropped without a reply"));
}

TEST(PolicyServer, OnlyTheFirstReplyIsSent) {
    auto started = start_server(local_options(), [](PolicyRequest, PolicyReply reply) {
        reply("action=DUNNO\n\n");
        reply("action=REJECT\n\n");
    });
    Client client(started.port);
    ASSERT_TRUE(client.send(kRequest + kRequest));
    EXPECT_EQ(client.read_reply(), "action=DUNNO\n\n");
    EXPECT_EQ(client.read_reply(), "action=DUNNO\n\n");
    EXPECT_EQ(client.read_reply(300ms), std::nullopt);
}

TEST(PolicyServer, StopWithOpenConnectionsReturnsPromptly) {
    std::mutex mutex;
    std::vector<PolicyReply> held; // requests that the "back-end" never answers
    auto started = start_server(local_options(), [&](PolicyRequest, PolicyReply reply) {
        std::lock_guard lock(mutex);
        held.push_back(std::move(reply));
    });
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 50; ++i)
        clients.push_back(std::make_unique<Client>(started.port));
    ASSERT_TRUE(clients.front()->send(kRequest));
    while (started.server->counters().requests < 1)
        std::this_thread::sleep_for(1ms);

    auto begin = std::chrono::steady_clock::now();
    started.server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    EXPECT_TRUE(clients.back()->closed_by_peer(1000ms));
    started.server->stop(); // idempotent

    // A late reply after stop() is dropped, also once the server is gone.
    started.server.reset();
    std::lock_guard lock(mutex);
    for (auto& reply : held)
        reply("action=DUNNO\n\n");
    held.clear();
}

// --- the reply side of the codec ---

TEST(PolicyReplyFormat, AddsExtraAttributesAfterTheAction) {
    auto reply = mailng::format_reply("DUNNO", {{"mailng_status", "deliverable"},
                                                {"mailng_ttl", "300"}});
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, "action=DUNNO\nmailng_status=deliverable\nmailng_ttl=300\n\n");
    EXPECT_EQ(mailng::format_reply("DUNNO", {}).value(), "action=DUNNO\n\n");
}

TEST(PolicyReplyFormat, RefusesAttributesThatCouldInjectLines) {
    using Extra = std::vector<std::pair<std::string, std::string>>;
    const std::vector<Extra> refused{
        {{"", "x"}},
        {{"action", "OK"}},
        {{"a=b", "x"}},
        {{"name", "two\nlines"}},
        {{"name", "cr\r"}},
        {{"na\nme", "x"}},
        {{"name", std::string("nul\0byte", 8)}},
    };
    for (const auto& extra : refused)
        EXPECT_FALSE(mailng::format_reply("DUNNO", extra)) << extra.front().first;
    EXPECT_FALSE(mailng::format_reply("DUNNO\n", {{"a", "b"}}));
    EXPECT_FALSE(mailng::format_reply("", {{"a", "b"}}));
}

TEST(PolicyReplyParse, ReadsTheActionAndTheExtraAttributes) {
    auto reply = mailng::parse_reply(
        "action=552 5.2.2 <a@x>: Mailbox full\r\nmailng_status=over_quota\nmailng_ttl=60\n\n");
    ASSERT_TRUE(reply) << reply.error();
    EXPECT_EQ(reply->action, "552 5.2.2 <a@x>: Mailbox full");
    EXPECT_EQ(reply->value("mailng_status"), "over_quota");
    EXPECT_EQ(reply->value("mailng_ttl"), "60");
    EXPECT_EQ(reply->value("missing"), std::nullopt);
    EXPECT_EQ(reply->attributes.size(), 2u);
}

TEST(PolicyReplyParse, RoundTripsWhatFormatReplyWrites) {
    auto bytes = mailng::format_reply("DEFER_IF_PERMIT 4.3.0 <a@x>: Temporary lookup failure",
                                      {{"mailng_status", "try_again"}, {"mailng_ttl", "0"}});
    auto reply = mailng::parse_reply(bytes.value());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->action, "DEFER_IF_PERMIT 4.3.0 <a@x>: Temporary lookup failure");
    EXPECT_EQ(reply->value("mailng_status"), "try_again");
}

TEST(PolicyReplyParse, RefusesMalformedReplies) {
    const std::vector<std::string> refused{
        "",                                  // nothing
        "action=DUNNO\n",                    // no final empty line
        "mailng_status=deliverable\n\n",     // no action
        "action=\n\n",                       // empty action
        "action=DUNNO\naction=REJECT\n\n",   // two actions
        "action=DUNNO\n\naction=DUNNO\n\n",  // a second reply
        "action=DUNNO\n\nextra",             // bytes after the reply
        "action=DUNNO\nno equals\n\n",       // malformed line
        std::string("action=DU\0NNO\n\n", 15),
    };
    for (const auto& bytes : refused)
        EXPECT_FALSE(mailng::parse_reply(bytes)) << "'" << bytes << "'";
}

// --- parse_host_port ---

TEST(ParseHostPort, AcceptsHostPortAndBracketedIpv6) {
    auto v4 = mailng::parse_host_port("127.0.0.1:10040");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->host, "127.0.0.1");
    EXPECT_EQ(v4->port, 10040);
    auto v6 = mailng::parse_host_port("[::1]:10041");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 10041);
    auto name = mailng::parse_host_port("backend1.example.edu:10041");
    ASSERT_TRUE(name);
    EXPECT_EQ(name->host, "backend1.example.edu");
    EXPECT_EQ(mailng::parse_host_port("127.0.0.1:0")->port, 0);
}

TEST(ParseHostPort, RefusesMalformedValues) {
    for (const char* text : {"", "127.0.0.1", ":10040", "127.0.0.1:", "127.0.0.1:65536",
                             "127.0.0.1:-1", "127.0.0.1:10 040", "::1:10040", "[::1]10040",
                             "[::1]:", "[::1", "bad host:25", "127.0.0.1:0x19"})
        EXPECT_FALSE(mailng::parse_host_port(text)) << text;
}

} // namespace
