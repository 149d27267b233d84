// The bridge client: one Exchange per question, everything of it on its own strand, so
// that the timer and the socket's completions never race. See bridge_client.h.
#include "bridge_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <charconv>

namespace mailng::policyd {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxReplyBytes = 64 * 1024;

std::optional<MailboxState> state_from_status(std::string_view status) {
    if (status == "deliverable") return MailboxState::deliverable;
    if (status == "not_ours") return MailboxState::not_ours;
    if (status == "unknown") return MailboxState::unknown;
    if (status == "disabled") return MailboxState::disabled;
    if (status == "over_quota") return MailboxState::over_quota;
    return std::nullopt;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

/// The verdict implied by a contract action alone; an error for anything unexpected.
Result<BridgeVerdict, std::string> verdict_from_action(std::string_view action) {
    if (starts_with(action, "550 5.1.1")) return BridgeVerdict{MailboxState::unknown, {}};
    if (starts_with(action, "550 5.2.1")) return BridgeVerdict{MailboxState::disabled, {}};
    if (starts_with(action, "552 5.2.2")) return BridgeVerdict{MailboxState::over_quota, {}};
    if (action == "DUNNO" || starts_with(action, "DUNNO ")) {
        return BridgeVerdict{MailboxState::not_ours, {}};
    }
    if (starts_with(action, "4") || starts_with(action, "DEFER")) return BridgeVerdict{};
    return unexpected(std::string("unexpected action from the bridge"));
}

std::optional<std::chrono::seconds> parse_ttl(std::optional<std::string_view> text) {
    std::int64_t seconds = 0;
    if (!text || text->empty()) {
        return std::nullopt;
    }
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (error != std::errc() || end != text->data() + text->size() || seconds < 0) {
        return std::nullopt;
    }
    return std::chrono::seconds(seconds);
}

} // namespace

Result<BridgeVerdict, std::string> interpret_bridge_reply(const PolicyReplyMessage& reply) {
    const auto status = reply.value("mailng_status");
    if (!status) {
        auto verdict = verdict_from_action(reply.action);
        if (verdict) {
            verdict->ttl = parse_ttl(reply.value("mailng_ttl"));
        }
        return verdict;
    }
    if (*status == "try_again") {
        return BridgeVerdict{};
    }
    const auto state = state_from_status(*status);
    if (!state) {
        return unexpected(std::string("unknown mailng_status from the bridge"));
    }
    return BridgeVerdict{state, parse_ttl(reply.value("mailng_ttl"))};
}

std::string bridge_request_bytes(const PolicyRequest& request) {
    std::string bytes = "request=smtpd_access_policy\n";
    const auto add = [&bytes](std::string_view name, std::string_view value) {
        bytes.append(name).append("=").append(value).append("\n");
    };
    add("protocol_state", request.protocol_state);
    add("protocol_name", request.protocol_name);
    add("client_address", request.client_address);
    add("client_name", request.client_name);
    add("reverse_client_name", request.reverse_client_name);
    add("helo_name", request.helo_name);
    add("sender", request.sender);
    add("recipient", request.recipient);
    add("recipient_count", std::to_string(request.recipient_count));
    add("queue_id", request.queue_id);
    add("instance", request.instance);
    add("size", std::to_string(request.size));
    add("sasl_username", request.sasl_username);
    bytes += "\n";
    return bytes;
}

using TlsContext = std::shared_ptr<asio::ssl::context>;

/// The client TLS context of `config`, or why it cannot be made.
Result<TlsContext, std::string> make_tls_context(const BridgeTlsConfig& config) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    error_code error;
    const auto failed = [&error](const std::string& file) {
        ERR_clear_error();
        return unexpected("TLS: " + file + ": " + error.message());
    };
    context->load_verify_file(config.ca_file, error);
    if (error) {
        return failed(config.ca_file);
    }
    if (!config.cert_file.empty()) {
        context->use_certificate_chain_file(config.cert_file, error);
        if (error) {
            return failed(config.cert_file);
        }
        context->use_private_key_file(config.key_file, asio::ssl::context::pem, error);
        if (error) {
            return failed(config.key_file);
        }
        if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
            ERR_clear_error();
            return unexpected("TLS: " + config.key_file + ": does not match " + config.cert_file);
        }
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    return context;
}

/// One persistent connection to a bridge; with TLS, `tls` wraps `socket`.
struct BridgeConnection {
    BridgeConnection(asio::io_context& io, TlsContext tls_context)
        : context(std::move(tls_context)), socket(io) {
        if (context) {
            tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket, *context);
        }
    }
    TlsContext context; // first: outlives the stream
    tcp::socket socket;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
    std::string buffer;
    bool reused = false;
};

/// Makes the handshake check that the certificate names `host`: an IP address against
/// the IP SANs, a name against the DNS SANs (and sends it as SNI).
bool expect_peer_name(SSL* ssl, const std::string& host) {
    error_code error;
    asio::ip::make_address(host, error);
    if (!error) {
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
    }
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(ssl, host.c_str()) == 1;
}

struct BridgeClient::Bridge {
    Bridge(BridgeAddress where, const BridgeClientOptions& options, asio::io_context& io)
        : address(std::move(where)),
          breaker(options.breaker_failures, options.breaker_open),
          max_idle(options.max_idle_per_bridge) {
        resolve(io);
    }

    void resolve(asio::io_context& io) {
        error_code error;
        tcp::resolver resolver(io);
        const auto results = resolver.resolve(address.host, std::to_string(address.port),
                                              tcp::resolver::numeric_service, error);
        if (error) {
            resolve_error = error.message();
            return;
        }
        for (const auto& entry : results) {
            endpoints.push_back(entry.endpoint());
        }
    }

    std::unique_ptr<BridgeConnection> take_idle() {
        const std::scoped_lock lock(pool_mutex);
        if (idle.empty()) {
            return nullptr;
        }
        auto connection = std::move(idle.back());
        idle.pop_back();
        connection->reused = true;
        return connection;
    }

    void give_back(std::unique_ptr<BridgeConnection> connection) {
        const std::scoped_lock lock(pool_mutex);
        if (idle.size() < max_idle) {
            idle.push_back(std::move(connection));
        }
    }

    BridgeAddress address;
    std::vector<tcp::endpoint> endpoints;
    std::string resolve_error;
    CircuitBreaker breaker;
    std::size_t max_idle;
    std::mutex pool_mutex;
    std::vector<std::unique_ptr<BridgeConnection>> idle;
    std::atomic<std::uint64_t> answers{0};
    std::atomic<std::uint64_t> failures{0};
    std::atomic<std::uint64_t> try_again{0};
};

struct BridgeClient::Settings {
    std::vector<std::shared_ptr<Bridge>> bridges;
    std::chrono::milliseconds timeout{500};
    std::optional<BridgeTlsConfig> tls_config;
    TlsContext tls;        // set when tls_config is and its files loaded
    std::string tls_error; // why they did not
};

namespace {

using Bridge = BridgeClient::Bridge;

/// One question, from the first bridge to the answer or the last failure.
class Exchange : public std::enable_shared_from_this<Exchange> {
public:
    Exchange(asio::io_context& io, std::shared_ptr<const BridgeClient::Settings> settings,
             std::string request, BridgeDone done)
        : io_(io), strand_(asio::make_strand(io)), timer_(strand_),
          settings_(std::move(settings)), request_(std::move(request)), done_(std::move(done)),
          deadline_(Clock::now() + settings_->timeout) {}

    void start() {
        asio::post(strand_, [self = shared_from_this()] { self->next_bridge(); });
    }

private:
    void next_bridge() {
        while (next_ < settings_->bridges.size()) {
            const auto& bridge = settings_->bridges[next_++];
            if (Clock::now() >= deadline_) {
                break;
            }
            if (bridge->breaker.allow()) {
                attempt(bridge);
                return;
            }
            note(*bridge, "skipped, circuit open");
        }
        if (next_ < settings_->bridges.size() || Clock::now() >= deadline_) {
            note_text("deadline of " + std::to_string(settings_->timeout.count()) + " ms passed");
        }
        finish(unexpected(BridgeFailure{reasons_.empty() ? "no bridge configured" : reasons_}));
    }

    /// This attempt's share of the time left: equal parts among the bridges still to
    /// try whose breaker is not open (this one included).
    Clock::time_point attempt_deadline() const {
        std::size_t candidates = 1;
        for (std::size_t i = next_; i < settings_->bridges.size(); ++i) {
            candidates += settings_->bridges[i]->breaker.state() != CircuitBreaker::State::open;
        }
        const auto left = deadline_ - Clock::now();
        return Clock::now() + left / static_cast<int>(candidates);
    }

    void attempt(const std::shared_ptr<Bridge>& bridge) {
        bridge_ = bridge;
        ++generation_;
        timed_out_ = false;
        timer_.expires_at(attempt_deadline());
        timer_.async_wait([self = shared_from_this(), generation = generation_](const error_code& error) {
            self->on_timer(error, generation);
        });
        if (!bridge->resolve_error.empty()) {
            return post_failure(bridge->resolve_error);
        }
        connection_ = bridge->take_idle();
        connection_ ? send() : connect();
    }

    /// Fails asynchronously, keeping "done is never called inside ask()" simple.
    void post_failure(std::string reason) {
        asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)] {
            self->attempt_failed(reason);
        });
    }

    void connect() {
        if (settings_->tls_config && !settings_->tls) {
            return post_failure(settings_->tls_error);
        }
        connection_ = std::make_unique<BridgeConnection>(io_, settings_->tls);
        asio::async_connect(connection_->socket, bridge_->endpoints,
                            asio::bind_executor(strand_, [self = shared_from_this()](
                                                             const error_code& error, const tcp::endpoint&) {
                                if (error) {
                                    self->on_io_error(error);
                                } else {
                                    self->connection_->tls ? self->handshake() : self->send();
                                }
                            }));
    }

    void handshake() {
        SSL* ssl = connection_->tls->native_handle();
        if (!expect_peer_name(ssl, bridge_->address.host)) {
            ERR_clear_error();
            return attempt_failed("TLS: cannot check the certificate for '" +
                                  bridge_->address.host + "'");
        }
        connection_->tls->async_handshake(
            asio::ssl::stream_base::client,
            asio::bind_executor(strand_, [self = shared_from_this()](const error_code& error) {
                error ? self->on_handshake_error(error) : self->send();
            }));
    }

    void on_handshake_error(const error_code& error) {
        if (finished_) {
            return;
        }
        if (timed_out_) {
            return attempt_failed("timed out (TLS handshake)");
        }
        std::string reason = "TLS handshake failed: " + error.message();
        const long verified = SSL_get_verify_result(connection_->tls->native_handle());
        if (verified != X509_V_OK) {
            reason += std::string(": ") + X509_verify_cert_error_string(verified);
        }
        ERR_clear_error();
        attempt_failed(reason);
    }

    void send() {
        auto done = asio::bind_executor(strand_, [self = shared_from_this()](
                                                     const error_code& error, std::size_t) {
            error ? self->on_io_error(error) : self->receive();
        });
        if (connection_->tls) {
            asio::async_write(*connection_->tls, asio::buffer(request_), std::move(done));
        } else {
            asio::async_write(connection_->socket, asio::buffer(request_), std::move(done));
        }
    }

    void receive() {
        auto done = asio::bind_executor(strand_, [self = shared_from_this()](
                                                     const error_code& error, std::size_t n) {
            error ? self->on_io_error(error) : self->on_reply(n);
        });
        auto buffer = asio::dynamic_buffer(connection_->buffer, kMaxReplyBytes);
        if (connection_->tls) {
            asio::async_read_until(*connection_->tls, buffer, "\n\n", std::move(done));
        } else {
            asio::async_read_until(connection_->socket, buffer, "\n\n", std::move(done));
        }
    }

    void on_timer(const error_code& error, unsigned generation) {
        if (error || generation != generation_ || finished_ || !connection_) {
            return;
        }
        timed_out_ = true;
        error_code ignored;
        connection_->socket.close(ignored); // the pending operation completes, aborted
    }

    void on_io_error(const error_code& error) {
        if (finished_) {
            return;
        }
        // The bridge closes idle connections; that is not a failure of the bridge.
        const bool closed_while_idle = connection_ && connection_->reused && !timed_out_ &&
                                       connection_->buffer.empty() &&
                                       (error == asio::error::eof ||
                                        error == asio::error::connection_reset ||
                                        error == asio::error::broken_pipe ||
                                        error == asio::ssl::error::stream_truncated);
        if (closed_while_idle) {
            connection_.reset();
            return connect();
        }
        ERR_clear_error();
        attempt_failed(timed_out_ ? "timed out" : error.message());
    }

    void on_reply(std::size_t length) {
        timer_.cancel();
        if (finished_) {
            return;
        }
        const bool exact = connection_->buffer.size() == length;
        auto reply = parse_reply(std::string_view(connection_->buffer).substr(0, length));
        connection_->buffer.clear();
        auto verdict = reply ? interpret_bridge_reply(*reply)
                             : Result<BridgeVerdict, std::string>(unexpected(reply.error()));
        if (!verdict || !exact) {
            return attempt_failed(verdict ? "bytes after the reply" : verdict.error());
        }
        bridge_->breaker.record_success();
        bridge_->give_back(std::move(connection_));
        on_verdict(*verdict);
    }

    void on_verdict(const BridgeVerdict& verdict) {
        if (!verdict.state) {
            // The bridge works but its LDAP or quota source does not: another bridge
            // may have a working one, so go on, without blaming this bridge's breaker.
            ++bridge_->try_again;
            note(*bridge_, "try again (its backend failed)");
            return next_bridge();
        }
        ++bridge_->answers;
        finish(BridgeAnswer{*verdict.state, verdict.ttl, bridge_->address.text});
    }

    void attempt_failed(const std::string& reason) {
        timer_.cancel();
        connection_.reset(); // closes: a failed connection is never reused
        ++bridge_->failures;
        bridge_->breaker.record_failure();
        note(*bridge_, reason);
        next_bridge();
    }

    void note(const Bridge& bridge, const std::string& reason) {
        note_text(bridge.address.text + ": " + reason);
    }

    void note_text(const std::string& text) {
        reasons_ += (reasons_.empty() ? "" : "; ") + text;
    }

    void finish(BridgeOutcome outcome) {
        if (finished_) {
            return;
        }
        finished_ = true;
        timer_.cancel();
        auto done = std::move(done_);
        done(std::move(outcome));
    }

    asio::io_context& io_;
    asio::strand<asio::io_context::executor_type> strand_;
    asio::steady_timer timer_;
    std::shared_ptr<const BridgeClient::Settings> settings_;
    std::string request_;
    BridgeDone done_;
    Clock::time_point deadline_;
    std::size_t next_ = 0;
    std::shared_ptr<Bridge> bridge_;
    std::unique_ptr<BridgeConnection> connection_;
    std::string reasons_;
    unsigned generation_ = 0;
    bool timed_out_ = false;
    bool finished_ = false;
};

} // namespace

BridgeClient::BridgeClient(asio::io_context& io, BridgeClientOptions options) : io_(io) {
    reconfigure(std::move(options));
}

BridgeClient::~BridgeClient() = default;

void BridgeClient::ask(const PolicyRequest& request, BridgeDone done) {
    std::shared_ptr<const Settings> settings;
    {
        const std::scoped_lock lock(mutex_);
        settings = settings_;
    }
    std::make_shared<Exchange>(io_, std::move(settings), bridge_request_bytes(request),
                               std::move(done))
        ->start();
}

void BridgeClient::reconfigure(BridgeClientOptions options) {
    auto settings = std::make_shared<Settings>();
    settings->timeout = options.timeout;
    settings->tls_config = options.tls;
    if (options.tls) {
        auto context = make_tls_context(*options.tls);
        context ? void(settings->tls = std::move(*context))
                : void(settings->tls_error = context.error());
    }
    const std::scoped_lock lock(mutex_);
    // Idle connections are of the old kind when `tls` changed: start afresh.
    const bool keep = settings_ && settings_->tls_config == options.tls;
    for (const auto& address : options.bridges) {
        std::shared_ptr<Bridge> kept;
        if (keep) {
            for (const auto& old : settings_->bridges) {
                kept = old->address.text == address.text ? old : kept;
            }
        }
        if (kept) {
            kept->breaker.set_limits(options.breaker_failures, options.breaker_open);
        }
        settings->bridges.push_back(kept ? kept : std::make_shared<Bridge>(address, options, io_));
    }
    settings_ = std::move(settings);
}

std::vector<BridgeStats> BridgeClient::stats() const {
    const std::scoped_lock lock(mutex_);
    std::vector<BridgeStats> result;
    for (const auto& bridge : settings_->bridges) {
        result.push_back({bridge->address.text, bridge->answers.load(), bridge->failures.load(),
                          bridge->try_again.load(),
                          bridge->breaker.state() != CircuitBreaker::State::closed});
    }
    return result;
}

} // namespace mailng::policyd
