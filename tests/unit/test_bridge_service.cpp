// The bridge service over real loopback sockets, with a test double of our own
// RecipientResolver interface behind it (the LDAP and quota resolvers are tested
// against the lab, not here): the contract answers with their extra attributes, what is
// resolved and what is not, try-again on failure and on a full queue, that a slow
// resolve does not hold up the io threads, and reload.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bridge_service.h"
#include "support/log_lines.h"

namespace {

using namespace std::chrono_literals;
using mailng::bridge::Answer;
using mailng::bridge::BridgeService;
using mailng::bridge::BridgeServiceOptions;
using mailng::bridge::RecipientResolver;
using mailng::bridge::ResolverConfig;
using mailng::bridge::TryAgain;
using mailng::bridge::Verdict;
using Resolved = mailng::Result<Answer, TryAgain>;

/// A blocking TCP client, as smtpd talks: one request, then wait for the answer.
class Client {
public:
    explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~Client() { ::close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void send(const std::string& bytes) {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(bytes.size()));
    }

    /// One reply, or nullopt when none comes within `timeout`.
    std::optional<std::string> read_reply(std::chrono::milliseconds timeout = 5000ms) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (buffer_.find("\n\n") == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd waiting{fd_, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&waiting, 1, static_cast<int>(left.count())) <= 0)
                return std::nullopt;
            char chunk[4096];
            auto n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0)
                return std::nullopt;
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
        auto end = buffer_.find("\n\n") + 2;
        std::string reply = buffer_.substr(0, end);
        buffer_.erase(0, end);
        return reply;
    }

    std::optional<std::string> ask(const std::string& request) {
        send(request);
        return read_reply();
    }

private:
    int fd_;
    std::string buffer_;
};

std::string rcpt(const std::string& recipient, std::uint64_t size = 0) {
    return "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
           "client_address=203.0.113.9\nclient_name=mx.example.net\n"
           "instance=2a4b.6571c2f0.a1b2c.0\nsender=someone@example.net\n"
           "recipient=" + recipient + "\nsize=" + std::to_string(size) + "\n\n";
}

/// The directory the fake resolvers answer from, shared by every worker's resolver.
struct FakeDirectory {
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, Resolved> answers; // anything else: unknown
    std::set<std::string> blocked;           // resolve() waits until unblocked
    std::vector<std::uint64_t> sizes_seen;
    std::vector<ResolverConfig> configs_built;
    int resolves_started = 0;
    bool factory_fails = false;

    void set(const std::string& recipient, Resolved answer) {
        std::lock_guard lock(mutex);
        answers.insert_or_assign(recipient, std::move(answer));
    }
    void unblock(const std::string& recipient) {
        std::lock_guard lock(mutex);
        blocked.erase(recipient);
        changed.notify_all();
    }
    void wait_for_resolves(int count) {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, 5s, [&] { return resolves_started >= count; });
    }
};

class FakeResolver : public RecipientResolver {
public:
    FakeResolver(std::shared_ptr<FakeDirectory> directory, ResolverConfig config)
        : directory_(std::move(directory)), config_(std::move(config)) {}

    Resolved resolve(std::string_view recipient, std::uint64_t size) override {
        std::unique_lock lock(directory_->mutex);
        ++directory_->resolves_started;
        directory_->sizes_seen.push_back(size);
        directory_->changed.notify_all();
        directory_->changed.wait(lock, [&] { return !directory_->blocked.count(std::string(recipient)); });
        if (recipient == "throws@example.edu")
            throw std::runtime_error("directory exploded");
        auto found = directory_->answers.find(std::string(recipient));
        if (found != directory_->answers.end())
            return found->second;
        return Answer{Verdict::unknown, "", config_.negative_ttl};
    }

private:
    std::shared_ptr<FakeDirectory> directory_;
    ResolverConfig config_;
};

mailng::bridge::ResolverFactory fake_factory(std::shared_ptr<FakeDirectory> directory) {
    return [directory](const ResolverConfig& config) -> std::unique_ptr<RecipientResolver> {
        std::lock_guard lock(directory->mutex);
        directory->configs_built.push_back(config);
        if (directory->factory_fails)
            return nullptr;
        return std::make_unique<FakeResolver>(directory, config);
    };
}


class BridgeServiceTest : public ::testing::Test {
protected:
    void start(std::size_t workers = 2, std::size_t queue_limit = 0) {
        BridgeServiceOptions options;
        options.server.listen = "127.0.0.1:0";
        options.server.allow = {"127.0.0.0/8"};
        options.workers = workers;
        options.queue_limit = queue_limit;
        options.resolver.primary_domain = "example.edu";
        service = std::make_unique<BridgeService>(options, fake_factory(directory), log.sink());
        auto started = service->start();
        ASSERT_TRUE(started) << started.error();
    }
    std::unique_ptr<Client> client() { return std::make_unique<Client>(service->port()); }

    void TearDown() override {
        {
            std::lock_guard lock(directory->mutex);
            directory->blocked.clear();
            directory->changed.notify_all();
        }
        if (service)
            service->stop();
    }

    std::shared_ptr<FakeDirectory> directory = std::make_shared<FakeDirectory>();
    LogLines log;
    std::unique_ptr<BridgeService> service;
};

TEST_F(BridgeServiceTest, AnswersEachVerdictWithTheContractTextAndExtraAttributes) {
    directory->set("alice@example.edu", Answer{Verdict::deliverable, "alice", 300s});
    directory->set("bob@example.edu", Answer{Verdict::disabled, "bob", 60s});
    directory->set("full@example.edu", Answer{Verdict::over_quota, "full", 60s});
    directory->set("list@example.edu", Answer{Verdict::not_ours, "", 300s});
    start();
    auto smtpd = client();
    EXPECT_EQ(smtpd->ask(rcpt("alice@example.edu")),
              "action=DUNNO\nmailng_status=deliverable\nmailng_ttl=300\n\n");
    EXPECT_EQ(smtpd->ask(rcpt("nobody@example.edu")),
              "action=550 5.1.1 <nobody@example.edu>: Recipient address rejected: User unknown\n"
              "mailng_status=unknown\nmailng_ttl=60\n\n");
    EXPECT_EQ(smtpd->ask(rcpt("bob@example.edu")),
              "action=550 5.2.1 <bob@example.edu>: Mailbox disabled\n"
              "mailng_status=disabled\nmailng_ttl=60\n\n");
    EXPECT_EQ(smtpd->ask(rcpt("full@example.edu")),
              "action=552 5.2.2 <full@example.edu>: Mailbox full\n"
              "mailng_status=over_quota\nmailng_ttl=60\n\n");
    EXPECT_EQ(smtpd->ask(rcpt("list@example.edu")),
              "action=DUNNO\nmailng_status=not_ours\nmailng_ttl=300\n\n");
    auto counters = service->counters();
    EXPECT_EQ(counters.deliverable, 1u);
    EXPECT_EQ(counters.unknown, 1u);
    EXPECT_EQ(counters.disabled, 1u);
    EXPECT_EQ(counters.over_quota, 1u);
    EXPECT_EQ(counters.not_ours, 1u);
}

TEST_F(BridgeServiceTest, PassesTheMessageSizeToTheResolver) {
    start();
    client()->ask(rcpt("alice@example.edu", 123456));
    std::lock_guard lock(directory->mutex);
    EXPECT_EQ(directory->sizes_seen, std::vector<std::uint64_t>{123456});
}

TEST_F(BridgeServiceTest, AnswersDunnoWithoutAskingOutsideRcpt) {
    start();
    auto smtpd = client();
    const std::string data = "request=smtpd_access_policy\nprotocol_state=DATA\nrecipient=\n\n";
    const std::string mail = "request=smtpd_access_policy\nprotocol_state=MAIL\n"
                             "sender=a@example.net\n\n";
    const std::string empty_rcpt = "request=smtpd_access_policy\nprotocol_state=RCPT\n\n";
    EXPECT_EQ(smtpd->ask(data), "action=DUNNO\n\n");
    EXPECT_EQ(smtpd->ask(mail), "action=DUNNO\n\n");
    EXPECT_EQ(smtpd->ask(empty_rcpt), "action=DUNNO\n\n");
    EXPECT_EQ(service->counters().not_resolved, 3u);
    std::lock_guard lock(directory->mutex);
    EXPECT_EQ(directory->resolves_started, 0);
}

TEST_F(BridgeServiceTest, TryAgainBecomesDeferIfPermitAndIsLogged) {
    directory->set("alice@example.edu", mailng::unexpected(TryAgain{"LDAP: Can't contact LDAP server"}));
    start();
    EXPECT_EQ(client()->ask(rcpt("alice@example.edu")),
              "action=DEFER_IF_PERMIT 4.3.0 <alice@example.edu>: Temporary lookup failure\n"
              "mailng_status=try_again\nmailng_ttl=0\n\n");
    EXPECT_EQ(service->counters().try_again, 1u);
    EXPECT_NE(log.all().find("try again: instance=2a4b.6571c2f0.a1b2c.0 client=203.0.113.9 "
                             "sender=<someone@example.net> recipient=<alice@example.edu> "
                             "status=try_again: LDAP: Can't contact LDAP server"),
              std::string::npos)
        << log.all();
}

TEST_F(BridgeServiceTest, RejectsAreLoggedWithTheirContext) {
    start();
    client()->ask(rcpt("nobody@example.edu"));
    EXPECT_NE(log.all().find("reject: instance=2a4b.6571c2f0.a1b2c.0 client=203.0.113.9 "
                             "sender=<someone@example.net> recipient=<nobody@example.edu> "
                             "status=unknown: 550 5.1.1"),
              std::string::npos)
        << log.all();
}

TEST_F(BridgeServiceTest, AThrowingResolverIsATryAgain) {
    start();
    auto reply = client()->ask(rcpt("throws@example.edu"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->rfind("action=DEFER_IF_PERMIT 4.3.0 ", 0), 0u) << *reply;
    EXPECT_NE(log.all().find("resolver failed: directory exploded"), std::string::npos);
}

TEST_F(BridgeServiceTest, NoResolverMeansTryAgainNeverUnknown) {
    directory->factory_fails = true;
    start(1);
    auto reply = client()->ask(rcpt("nobody@example.edu"));
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("mailng_status=try_again"), std::string::npos) << *reply;
}

TEST_F(BridgeServiceTest, ASlowResolveHoldsNeitherTheIoThreadsNorTheOtherWorkers) {
    directory->blocked.insert("slow@example.edu");
    start(2);
    auto stuck = client();
    stuck->send(rcpt("slow@example.edu"));
    directory->wait_for_resolves(1);

    auto other = client();
    EXPECT_EQ(other->ask("request=smtpd_access_policy\nprotocol_state=MAIL\n\n"),
              "action=DUNNO\n\n");
    auto reply = other->ask(rcpt("nobody@example.edu"));
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("mailng_status=unknown"), std::string::npos);
    EXPECT_EQ(stuck->read_reply(100ms), std::nullopt);

    directory->unblock("slow@example.edu");
    reply = stuck->read_reply();
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("mailng_status=unknown"), std::string::npos);
}

TEST_F(BridgeServiceTest, AFullQueueIsAnsweredTryAgainAtOnce) {
    directory->blocked = {"first@example.edu", "second@example.edu"};
    start(1, 1);
    auto first = client();
    first->send(rcpt("first@example.edu")); // taken by the only worker, which blocks
    directory->wait_for_resolves(1);
    auto second = client();
    second->send(rcpt("second@example.edu")); // waits in the queue (limit 1)
    std::this_thread::sleep_for(50ms);

    auto third = client();
    auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(third->ask(rcpt("third@example.edu")),
              "action=DEFER_IF_PERMIT 4.3.0 <third@example.edu>: Temporary lookup failure\n"
              "mailng_status=try_again\nmailng_ttl=0\n\n");
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    EXPECT_EQ(service->counters().queue_full, 1u);
    EXPECT_NE(log.all().find("queue full"), std::string::npos);

    directory->unblock("first@example.edu");
    directory->unblock("second@example.edu");
    EXPECT_TRUE(first->read_reply());
    EXPECT_TRUE(second->read_reply());
}

TEST_F(BridgeServiceTest, ReloadRebuildsTheResolversAndKeepsTheConnection) {
    start(1);
    auto smtpd = client();
    EXPECT_NE(smtpd->ask(rcpt("nobody@example.edu"))->find("mailng_ttl=60"), std::string::npos);

    ResolverConfig next;
    next.primary_domain = "example.edu";
    next.negative_ttl = 7s;
    service->reload(next);
    auto reply = smtpd->ask(rcpt("nobody@example.edu"));
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->find("mailng_ttl=7"), std::string::npos) << *reply;
    EXPECT_EQ(service->counters().server.connections_accepted, 1u);
    std::lock_guard lock(directory->mutex);
    ASSERT_EQ(directory->configs_built.size(), 2u);
    EXPECT_EQ(directory->configs_built.back().negative_ttl, 7s);
}

TEST_F(BridgeServiceTest, StopReturnsWithOpenConnections) {
    start();
    auto smtpd = client();
    smtpd->ask(rcpt("alice@example.edu"));
    auto begin = std::chrono::steady_clock::now();
    service->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
    EXPECT_EQ(smtpd->read_reply(200ms), std::nullopt);
}

// --- the pure parts ---

TEST(BridgeAnswer, LogLinesDoNotLetThePeerWriteControlCharacters) {
    mailng::PolicyRequest request;
    request.recipient = "a@example.edu";
    request.sender = "evil\x1b[2J@example.net";
    auto answer = mailng::bridge::answer_for(
        request, Resolved(Answer{Verdict::unknown, "", 60s}));
    auto line = mailng::bridge::log_line(request, answer);
    ASSERT_TRUE(line);
    EXPECT_NE(line->find("sender=<evil?[2J@example.net>"), std::string::npos) << *line;
}

TEST(BridgeAnswer, DeliverableAndNotOursAreNotLogged) {
    mailng::PolicyRequest request;
    request.recipient = "a@example.edu";
    for (Verdict verdict : {Verdict::deliverable, Verdict::not_ours}) {
        auto answer = mailng::bridge::answer_for(request, Resolved(Answer{verdict, "", 1s}));
        EXPECT_EQ(answer.action, "DUNNO");
        EXPECT_EQ(mailng::bridge::log_line(request, answer), std::nullopt);
    }
}

} // namespace
