// TLS between policyd and the bridge, against real sockets on 127.0.0.1 (port 0): the
// policy server's optional TLS with client certificates, policyd's bridge client over
// TLS, and the [tls] / [bridge_tls] config tables. The certificates are static test
// material in tests/data/tls (see its README.md for how they were made).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bridge_config.h"
#include "mailng/policy_server.h"
#include "policy_service.h"
#include "policyd_config.h"
#include "support/log_lines.h"

namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using boost::system::error_code;
using mailng::PolicyReply;
using mailng::PolicyRequest;
using mailng::PolicyServer;
using mailng::PolicyServerOptions;
using mailng::TlsServerSettings;
using tcp = asio::ip::tcp;

std::string data(const std::string& name) {
    return std::string(MAILNG_SOURCE_DIR) + "/tests/data/tls/" + name;
}

const std::string kRequest =
    "request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.7\n"
    "sender=a@example.net\nrecipient=bob@example.edu\nsize=0\n\n";


TlsServerSettings server_tls(bool require_client_certificate = true) {
    return {data("server.pem"), data("server.key"),
            require_client_certificate ? data("ca.pem") : std::string()};
}

/// A policy server on `listen` that answers like a bridge: "unknown" is an unknown
/// user, anything else deliverable.
class Bridge {
public:
    explicit Bridge(std::optional<TlsServerSettings> tls, std::string listen = "127.0.0.1:0")
        : server_(options(std::move(tls), std::move(listen)),
                  [this](PolicyRequest request, PolicyReply reply) {
                      ++requests_;
                      reply(answer_for(request.recipient));
                  },
                  log.sink()) {
        auto result = server_.start();
        started = bool(result);
        if (!result)
            error = result.error();
    }

    static std::string answer_for(const std::string& recipient) {
        if (recipient.rfind("unknown@", 0) == 0)
            return mailng::format_reply(mailng::reject_unknown_user(recipient),
                                        {{"mailng_status", "unknown"}, {"mailng_ttl", "60"}})
                .value();
        return mailng::format_reply(mailng::dunno(),
                                    {{"mailng_status", "deliverable"}, {"mailng_ttl", "60"}})
            .value();
    }

    std::uint16_t port() const { return server_.port(); }
    int requests() const { return requests_.load(); }
    mailng::PolicyServerCounters counters() const { return server_.counters(); }

    LogLines log;
    bool started = false;
    std::string error;

private:
    static PolicyServerOptions options(std::optional<TlsServerSettings> tls, std::string listen) {
        PolicyServerOptions options;
        options.listen = std::move(listen);
        options.threads = 2;
        options.idle_timeout = 10s;
        options.tls = std::move(tls);
        return options;
    }

    std::atomic<int> requests_{0};
    PolicyServer server_; // last: stopped first
};

struct Outcome {
    std::string handshake_error;   // empty: the client's side of the handshake succeeded
    std::optional<std::string> reply;
    std::string error;             // of the write or the read
};

/// One TLS request/answer as a client: connect, handshake (verifying the server against
/// `ca`, with the client certificate `cert`/`key` when given), send `request`, read one
/// reply. At most 5 s.
Outcome tls_ask(std::uint16_t port, const std::string& cert, const std::string& key,
                const std::string& ca = data("ca.pem"), const std::string& request = kRequest) {
    asio::io_context io;
    asio::ssl::context context(asio::ssl::context::tls_client);
    context.load_verify_file(ca);
    context.set_verify_mode(asio::ssl::verify_peer);
    if (!cert.empty()) {
        context.use_certificate_chain_file(cert);
        context.use_private_key_file(key, asio::ssl::context::pem);
    }
    asio::ssl::stream<tcp::socket> stream(io, context);
    Outcome out;
    std::string buffer;
    stream.next_layer().async_connect(
        {asio::ip::make_address("127.0.0.1"), port}, [&](const error_code& connected) {
            if (connected) {
                out.handshake_error = "connect: " + connected.message();
                return;
            }
            stream.async_handshake(asio::ssl::stream_base::client, [&](const error_code& shaken) {
                if (shaken) {
                    out.handshake_error = shaken.message();
                    return;
                }
                asio::async_write(stream, asio::buffer(request), [&](const error_code& written,
                                                                     std::size_t) {
                    if (written) {
                        out.error = written.message();
                        return;
                    }
                    asio::async_read_until(
                        stream, asio::dynamic_buffer(buffer), "\n\n",
                        [&](const error_code& read, std::size_t n) {
                            if (read)
                                out.error = read.message();
                            else
                                out.reply = buffer.substr(0, n);
                        });
                });
            });
        });
    io.run_for(5s);
    if (!out.reply && out.error.empty() && out.handshake_error.empty())
        out.error = "no reply within 5 s";
    return out;
}

/// Waits up to 5 s for `condition`.
template <typename Condition>
bool eventually(Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

const std::string kDeliverable = Bridge::answer_for("bob@example.edu");

// --- the policy server ---------------------------------------------------------------

TEST(PolicyServerTls, AnswersARequestOverTls) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    auto out = tls_ask(bridge.port(), data("client.pem"), data("client.key"));
    EXPECT_EQ(out.handshake_error, "");
    EXPECT_EQ(out.error, "");
    EXPECT_EQ(out.reply.value_or("none"), kDeliverable);
    EXPECT_EQ(bridge.counters().requests, 1u);
    EXPECT_EQ(bridge.counters().tls_handshake_failures, 0u);
}

TEST(PolicyServerTls, WithoutClientCaAClientNeedsNoCertificate) {
    Bridge bridge(server_tls(false));
    ASSERT_TRUE(bridge.started) << bridge.error;
    auto out = tls_ask(bridge.port(), "", "");
    EXPECT_EQ(out.reply.value_or(out.handshake_error + out.error), kDeliverable);
}

TEST(PolicyServerTls, RefusesAClientWithoutACertificate) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    auto out = tls_ask(bridge.port(), "", "");
    EXPECT_FALSE(out.reply) << *out.reply;
    EXPECT_EQ(bridge.requests(), 0);
    EXPECT_TRUE(eventually([&] { return bridge.counters().tls_handshake_failures == 1; }));
    EXPECT_TRUE(eventually([&] { return bridge.log.contains("closing connection from 127.0.0.1: TLS"); }))
        << bridge.log.all();
    EXPECT_TRUE(bridge.log.contains("certificate")) << bridge.log.all();
    // The server goes on: a good client is answered.
    auto good = tls_ask(bridge.port(), data("client.pem"), data("client.key"));
    EXPECT_EQ(good.reply.value_or(good.handshake_error + good.error), kDeliverable);
}

TEST(PolicyServerTls, RefusesAClientCertificateOfAnotherCa) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    auto out = tls_ask(bridge.port(), data("other-client.pem"), data("other-client.key"));
    EXPECT_FALSE(out.reply) << *out.reply;
    EXPECT_EQ(bridge.requests(), 0);
    EXPECT_TRUE(eventually([&] { return bridge.counters().tls_handshake_failures == 1; }));
    EXPECT_TRUE(eventually([&] { return bridge.log.contains("127.0.0.1: TLS handshake failed"); }))
        << bridge.log.all();
    EXPECT_TRUE(bridge.log.contains("certificate verify failed")) << bridge.log.all();
}

TEST(PolicyServerTls, APlainClientIsClosedAndOthersGoOn) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    {
        asio::io_context io;
        tcp::socket socket(io);
        socket.connect({asio::ip::make_address("127.0.0.1"), bridge.port()});
        asio::write(socket, asio::buffer(kRequest));
        std::string buffer;
        error_code error;
        asio::read(socket, asio::dynamic_buffer(buffer), error); // until the server closes
        EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset)
            << error.message();
        EXPECT_EQ(buffer.find("action="), std::string::npos);
    }
    EXPECT_TRUE(eventually([&] { return bridge.counters().tls_handshake_failures == 1; }));
    EXPECT_EQ(bridge.requests(), 0);
    auto good = tls_ask(bridge.port(), data("client.pem"), data("client.key"));
    EXPECT_EQ(good.reply.value_or(good.handshake_error + good.error), kDeliverable);
}

TEST(PolicyServerTls, StartFailsNamingAFileThatCannotBeLoaded) {
    auto missing = server_tls();
    missing.key_file = data("no-such.key");
    Bridge no_key(missing);
    EXPECT_FALSE(no_key.started);
    EXPECT_NE(no_key.error.find("no-such.key"), std::string::npos) << no_key.error;

    auto mismatched = server_tls();
    mismatched.key_file = data("client.key");
    Bridge wrong_key(mismatched);
    EXPECT_FALSE(wrong_key.started);
    EXPECT_NE(wrong_key.error.find("client.key"), std::string::npos) << wrong_key.error;
}

// --- policyd -> bridge ---------------------------------------------------------------

using mailng::policyd::BridgeTlsConfig;
using mailng::policyd::PolicydConfig;
using mailng::policyd::PolicyService;

PolicydConfig policyd_config(const std::string& host, std::uint16_t port,
                             std::optional<BridgeTlsConfig> tls) {
    PolicydConfig config;
    const std::string text = host + ":" + std::to_string(port);
    config.bridges.push_back({text, host, port});
    config.domains = {"example.edu"};
    config.backend_timeout = 3000ms; // roomy for sanitizer builds; failures come at once
    config.breaker_open = 1s;
    config.cache_max_entries = 1000;
    config.bridge_tls = std::move(tls);
    return config;
}

BridgeTlsConfig client_tls(const std::string& ca = data("ca.pem"), bool with_certificate = true) {
    BridgeTlsConfig tls;
    tls.ca_file = ca;
    if (with_certificate) {
        tls.cert_file = data("client.pem");
        tls.key_file = data("client.key");
    }
    return tls;
}

PolicyRequest rcpt(const std::string& recipient) {
    PolicyRequest request;
    request.request = "smtpd_access_policy";
    request.protocol_state = "RCPT";
    request.client_address = "192.0.2.7";
    request.sender = "sender@client.test";
    request.recipient = recipient;
    return request;
}

std::string ask(PolicyService& service, PolicyRequest request) {
    auto promise = std::make_shared<std::promise<std::string>>();
    auto future = promise->get_future();
    service.handle(std::move(request),
                   [promise](std::string bytes) { promise->set_value(std::move(bytes)); });
    if (future.wait_for(10s) != std::future_status::ready)
        return "no reply";
    return future.get();
}

std::string action(const std::string& text) {
    return "action=" + text + "\n\n";
}

std::string defer(const std::string& recipient) {
    return action("DEFER_IF_PERMIT 4.3.0 <" + recipient + ">: Temporary lookup failure");
}

TEST(PolicydTls, AsksTheBridgeOverTlsWithAClientCertificate) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("127.0.0.1", bridge.port(), client_tls()), log.sink());
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")),
              action(mailng::reject_unknown_user("unknown@example.edu")))
        << log.all() << bridge.log.all();
    EXPECT_EQ(ask(service, rcpt("alice@example.edu")), action("DUNNO")) << log.all();
    EXPECT_EQ(bridge.requests(), 2);
    // The TLS connection is kept and reused.
    EXPECT_EQ(bridge.counters().connections_accepted, 1u);
    EXPECT_EQ(bridge.counters().tls_handshake_failures, 0u);
}

TEST(PolicydTls, VerifiesADnsNameToo) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("localhost", bridge.port(), client_tls()), log.sink());
    // "localhost" may resolve to ::1 first, where nothing listens; the client then
    // tries 127.0.0.1.
    EXPECT_EQ(ask(service, rcpt("alice@example.edu")), action("DUNNO")) << log.all();
}

TEST(PolicydTls, TheWrongCaGivesTheFailureActionNeverAReject) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("127.0.0.1", bridge.port(),
                                         client_tls(data("other-ca.pem"))),
                          log.sink());
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), defer("unknown@example.edu"));
    EXPECT_EQ(bridge.requests(), 0);
    EXPECT_TRUE(log.contains("TLS handshake failed")) << log.all();
    EXPECT_TRUE(log.contains("certificate verify failed")) << log.all();
}

TEST(PolicydTls, WithoutAClientCertificateTheBridgeRefusesAndPolicydDefers) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("127.0.0.1", bridge.port(),
                                         client_tls(data("ca.pem"), false)),
                          log.sink());
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), defer("unknown@example.edu"))
        << log.all();
    EXPECT_EQ(bridge.requests(), 0);
}

TEST(PolicydTls, AnAddressNotInTheCertificateGivesTheFailureAction) {
    // 127.0.0.2 is loopback too, but the certificate names only 127.0.0.1.
    Bridge bridge(server_tls(), "127.0.0.2:0");
    if (!bridge.started)
        GTEST_SKIP() << "cannot listen on 127.0.0.2: " << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("127.0.0.2", bridge.port(), client_tls()), log.sink());
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), defer("unknown@example.edu"));
    EXPECT_EQ(bridge.requests(), 0);
    EXPECT_TRUE(log.contains("IP address mismatch")) << log.all();
}

TEST(PolicydTls, APlainPolicydAgainstATlsBridgeDefers) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    PolicyService service(policyd_config("127.0.0.1", bridge.port(), std::nullopt), nullptr);
    EXPECT_EQ(ask(service, rcpt("unknown@example.edu")), defer("unknown@example.edu"));
}

TEST(PolicydTls, UnloadableTlsFilesGiveTheFailureAction) {
    Bridge bridge(server_tls());
    ASSERT_TRUE(bridge.started) << bridge.error;
    LogLines log;
    PolicyService service(policyd_config("127.0.0.1", bridge.port(),
                                         client_tls(data("no-such-ca.pem"))),
                          log.sink());
    EXPECT_EQ(ask(service, rcpt("alice@example.edu")), defer("alice@example.edu"));
    EXPECT_EQ(bridge.counters().connections_accepted, 0u);
}

// --- the config tables ---------------------------------------------------------------

/// A scratch folder, removed afterwards.
class Folder {
public:
    Folder() {
        std::string pattern = (fs::temp_directory_path() / "policy-tls-XXXXXX").string();
        dir_ = ::mkdtemp(pattern.data());
    }
    ~Folder() { fs::remove_all(dir_); }
    std::string copy(const std::string& name, mode_t mode) {
        const fs::path to = dir_ / name;
        fs::copy_file(data(name), to, fs::copy_options::overwrite_existing);
        ::chmod(to.c_str(), mode);
        return to.string();
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

private:
    fs::path dir_;
};

std::string problems_text(const std::vector<mailng::Problem>& problems) {
    std::string text;
    for (const auto& problem : problems)
        text += problem.to_string() + "\n";
    return text;
}

const std::string kPolicyd = "bridges = [\"127.0.0.1:10041\"]\ndomains = [\"example.edu\"]\n";

TEST(PolicydTlsConfig, ReadsBridgeTlsWithPathsRelativeToTheFile) {
    Folder folder;
    folder.copy("client.key", 0600);
    auto config = mailng::policyd::parse_policyd_config(
        kPolicyd + "[bridge_tls]\nca = \"ca.pem\"\ncert = \"client.pem\"\nkey = \"client.key\"\n",
        folder.path("policyd.toml"));
    ASSERT_TRUE(config) << problems_text(config.error());
    ASSERT_TRUE(config->bridge_tls);
    EXPECT_EQ(config->bridge_tls->ca_file, folder.path("ca.pem"));
    EXPECT_EQ(config->bridge_tls->cert_file, folder.path("client.pem"));
    EXPECT_EQ(config->bridge_tls->key_file, folder.path("client.key"));

    auto plain = mailng::policyd::parse_policyd_config(kPolicyd, folder.path("policyd.toml"));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->bridge_tls);
}

TEST(PolicydTlsConfig, RefusesAReadableKeyAMissingCaAndHalfAPair) {
    Folder folder;
    const std::string key = folder.copy("client.key", 0644);
    auto readable = mailng::policyd::parse_policyd_config(
        kPolicyd + "[bridge_tls]\nca = \"/x/ca.pem\"\ncert = \"/x/c.pem\"\nkey = \"" + key + "\"\n",
        "policyd.toml");
    ASSERT_FALSE(readable);
    EXPECT_NE(problems_text(readable.error()).find("readable by group or others"),
              std::string::npos)
        << problems_text(readable.error());

    auto no_ca = mailng::policyd::parse_policyd_config(kPolicyd + "[bridge_tls]\n", "p.toml");
    ASSERT_FALSE(no_ca);
    EXPECT_NE(problems_text(no_ca.error()).find("needs 'ca'"), std::string::npos);

    auto half = mailng::policyd::parse_policyd_config(
        kPolicyd + "[bridge_tls]\nca = \"/x/ca.pem\"\ncert = \"/x/c.pem\"\ncrt = \"x\"\n", "p.toml");
    ASSERT_FALSE(half);
    const std::string text = problems_text(half.error());
    EXPECT_NE(text.find("both 'bridge_tls.cert' and 'bridge_tls.key'"), std::string::npos) << text;
    EXPECT_NE(text.find("unknown key 'bridge_tls.crt'"), std::string::npos) << text;
}

const std::string kBridge =
    "listen = \"127.0.0.1:10041\"\ndomain = \"example.edu\"\n"
    "[ldap]\nuri = \"ldap://127.0.1.10:389/\"\nbase = \"dc=example,dc=edu\"\n"
    "[quota]\nsource = \"dovecot-quota-status\"\naddress = \"127.0.1.13:12340\"\n";

TEST(BridgeTlsConfig, ReadsTheTlsTable) {
    Folder folder;
    folder.copy("server.key", 0600);
    auto config = mailng::bridge::parse_bridge_config(
        kBridge + "[tls]\ncert = \"server.pem\"\nkey = \"server.key\"\nclient_ca = \"ca.pem\"\n",
        folder.path("quotad-bridge.toml"));
    ASSERT_TRUE(config) << problems_text(config.error());
    ASSERT_TRUE(config->tls);
    EXPECT_EQ(config->tls->cert_file, folder.path("server.pem"));
    EXPECT_EQ(config->tls->key_file, folder.path("server.key"));
    EXPECT_EQ(config->tls->client_ca_file, folder.path("ca.pem"));

    auto plain = mailng::bridge::parse_bridge_config(kBridge, folder.path("quotad-bridge.toml"));
    ASSERT_TRUE(plain) << problems_text(plain.error());
    EXPECT_FALSE(plain->tls);
}

TEST(BridgeTlsConfig, RefusesAReadableKeyAndAMissingCert) {
    Folder folder;
    folder.copy("server.key", 0640);
    auto readable = mailng::bridge::parse_bridge_config(
        kBridge + "[tls]\ncert = \"server.pem\"\nkey = \"server.key\"\n",
        folder.path("quotad-bridge.toml"));
    ASSERT_FALSE(readable);
    EXPECT_NE(problems_text(readable.error()).find("'tls.key'"), std::string::npos)
        << problems_text(readable.error());
    EXPECT_NE(problems_text(readable.error()).find("chmod 600"), std::string::npos);

    auto no_cert = mailng::bridge::parse_bridge_config(kBridge + "[tls]\nkey = \"k\"\nca = \"x\"\n",
                                                       folder.path("quotad-bridge.toml"));
    ASSERT_FALSE(no_cert);
    const std::string text = problems_text(no_cert.error());
    EXPECT_NE(text.find("missing key 'tls.cert'"), std::string::npos) << text;
    EXPECT_NE(text.find("unknown key 'tls.ca'"), std::string::npos) << text;
}

} // namespace
