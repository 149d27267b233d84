// The policy server: one acceptor, N io threads, and per connection a strand on which
// everything of that connection happens (reads, the idle timer, replies, closing), so a
// connection needs no lock of its own.
//
// Lifetimes: a Connection holds the shared Core (io_context, acceptor, counters), and
// a reply function holds its Connection. So a worker that still holds a reply after the
// server is gone keeps the io_context alive until it lets go, and never touches freed
// memory; after stop() its reply is simply dropped.
//
// TLS: a connection then wraps its socket in an ssl::stream over a reference to it, so
// closing the socket (stop, idle timeout) works the same for both; every read and write
// goes through read_some()/write_all(), which pick the stream. The plain path is the
// same code with no stream.
#include "mailng/policy_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "mailng/cluster.h"

namespace mailng {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// A failing accept (EMFILE, ENFILE) would fail again at once; wait a little instead of
// spinning an io thread.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
constexpr std::size_t kReadChunk = 4096;

class Connection;

struct Core {
    Core(PolicyServerOptions server_options, PolicyHandler request_handler, PolicyLog log_sink)
        : options(std::move(server_options)),
          handler(std::move(request_handler)),
          log(std::move(log_sink)) {}

    PolicyServerOptions options;
    PolicyHandler handler;
    PolicyLog log;
    std::optional<asio::ssl::context> tls; // set by start() when options.tls is
    // Normalised to address/prefix by start() and set_allow(); swapped whole, so a
    // reader copies the pointer under allow_mutex and checks without holding it.
    std::shared_ptr<const std::vector<std::string>> allow =
        std::make_shared<std::vector<std::string>>();
    mutable std::mutex allow_mutex;
    asio::io_context io; // before the objects that use it: destroyed after them
    // The acceptor, its retry timer and their handlers share one strand, so that stop()
    // closing it never runs alongside an accept completion on another io thread.
    tcp::acceptor acceptor{asio::make_strand(io)};
    asio::steady_timer accept_retry{acceptor.get_executor()};

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> refused{0};
    std::atomic<std::uint64_t> open{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> protocol_errors{0};
    std::atomic<std::uint64_t> tls_failures{0};

    std::mutex mutex; // guards stopped and connections
    bool stopped = false;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;

    void write_log(const std::string& line) const {
        if (log)
            log(line);
    }

    bool allowed(const std::string& ip) const {
        std::shared_ptr<const std::vector<std::string>> networks;
        {
            std::lock_guard lock(allow_mutex);
            networks = allow;
        }
        if (networks->empty())
            return true;
        const std::string host = ip + (ip.find(':') == std::string::npos ? "/32" : "/128");
        for (const auto& network : *networks)
            if (cidr_contains(network, host))
                return true;
        return false;
    }

    /// Posts `work` to `executor` unless stop() has begun. Holding the mutex while
    /// posting is what lets stop() know that nothing is posted after it set `stopped`.
    template <typename Executor, typename Work>
    void post_unless_stopped(const Executor& executor, Work&& work) {
        std::lock_guard lock(mutex);
        if (!stopped)
            asio::post(executor, std::forward<Work>(work));
    }
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<Core> core, tcp::socket socket, std::string peer)
        : core_(std::move(core)),
          socket_(std::move(socket)),
          idle_timer_(socket_.get_executor()),
          peer_(std::move(peer)),
          reader_(core_->options.limits) {
        if (core_->tls)
            tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *core_->tls);
    }

    tcp::socket::executor_type executor() { return socket_.get_executor(); }
    const std::shared_ptr<Core>& core() const { return core_; }

    // All of the following run on the connection's strand.
    void start() { tls_ ? handshake() : read(); }
    void deliver(std::string reply);
    void abandon();
    void close();

private:
    void handshake();
    void on_handshake(const error_code& error);
    template <typename Handler>
    void read_some(Handler&& handler);
    template <typename Handler>
    void write_all(Handler&& handler);
    void read();
    void on_read(const error_code& error, std::size_t length);
    void arm_idle_timer();
    void on_idle(const error_code& error);
    void dispatch_next();
    void call_handler(PolicyRequest request);
    void on_written(const error_code& error);
    void close_with_log(const std::string& why);

    std::shared_ptr<Core> core_; // first member: the io_context outlives the socket
    tcp::socket socket_;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_; // with TLS only; after socket_
    asio::steady_timer idle_timer_;
    std::string peer_;
    PolicyRequestReader reader_;
    std::deque<PolicyRequest> pending_; // requests read but not yet handed to the handler
    std::array<char, kReadChunk> buffer_{};
    std::string reply_;                 // the reply being written
    bool reading_ = false;              // a read is outstanding: the idle timer applies
    bool awaiting_reply_ = false;
    bool closed_ = false;
};

// What a PolicyReply holds: sends at most once, and closes the connection when the
// handler lets go of it without replying, so that smtpd is not left waiting.
class PendingReply {
public:
    explicit PendingReply(std::shared_ptr<Connection> connection)
        : connection_(std::move(connection)) {}
    PendingReply(const PendingReply&) = delete;
    PendingReply& operator=(const PendingReply&) = delete;

    ~PendingReply() {
        if (!sent_.exchange(true))
            connection_->core()->post_unless_stopped(
                connection_->executor(), [connection = connection_] { connection->abandon(); });
    }

    void send(std::string bytes) {
        if (sent_.exchange(true))
            return;
        connection_->core()->post_unless_stopped(
            connection_->executor(),
            [connection = connection_, bytes = std::move(bytes)]() mutable {
                connection->deliver(std::move(bytes));
            });
    }

private:
    std::shared_ptr<Connection> connection_;
    std::atomic<bool> sent_{false};
};

template <typename Handler>
void Connection::read_some(Handler&& handler) {
    if (tls_)
        tls_->async_read_some(asio::buffer(buffer_), std::forward<Handler>(handler));
    else
        socket_.async_read_some(asio::buffer(buffer_), std::forward<Handler>(handler));
}

template <typename Handler>
void Connection::write_all(Handler&& handler) {
    if (tls_)
        asio::async_write(*tls_, asio::buffer(reply_), std::forward<Handler>(handler));
    else
        asio::async_write(socket_, asio::buffer(reply_), std::forward<Handler>(handler));
}

/// OpenSSL's reason for a failed handshake, with the certificate check's verdict when
/// that is what failed ("certificate verify failed (...): unable to get local issuer
/// certificate").
std::string tls_failure_reason(const error_code& error, SSL* ssl) {
    std::string reason = error.message();
    const long verified = SSL_get_verify_result(ssl);
    if (verified != X509_V_OK)
        reason += std::string(": ") + X509_verify_cert_error_string(verified);
    return reason;
}

// The handshake runs under the idle timer like a read: a peer that connects and stays
// silent is closed after idle_timeout, as on the plain path.
void Connection::handshake() {
    if (closed_)
        return;
    reading_ = true;
    arm_idle_timer();
    tls_->async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](const error_code& error) {
                              self->on_handshake(error);
                          });
}

void Connection::on_handshake(const error_code& error) {
    reading_ = false;
    idle_timer_.cancel();
    if (closed_)
        return;
    if (error) {
        ++core_->tls_failures;
        close_with_log("TLS handshake failed: " +
                       tls_failure_reason(error, tls_->native_handle()));
        return;
    }
    read();
}

void Connection::read() {
    if (closed_)
        return;
    reading_ = true;
    arm_idle_timer();
    read_some([self = shared_from_this()](const error_code& error, std::size_t n) {
        self->on_read(error, n);
    });
}

// A read (or the TLS handshake) must complete within idle_timeout.
void Connection::arm_idle_timer() {
    idle_timer_.expires_after(core_->options.idle_timeout);
    idle_timer_.async_wait(
        [self = shared_from_this()](const error_code& error) { self->on_idle(error); });
}

void Connection::on_idle(const error_code& error) {
    // Cancelled when data arrived or the connection closed; else the peer was silent.
    // A completion that raced with arriving data finds reading_ false or a new expiry.
    const bool expired = idle_timer_.expiry() <= asio::steady_timer::clock_type::now();
    if (error != asio::error::operation_aborted && !closed_ && reading_ && expired)
        close();
}

void Connection::on_read(const error_code& error, std::size_t length) {
    reading_ = false;
    idle_timer_.cancel();
    if (closed_)
        return;
    if (error) {
        // EOF: smtpd went away, the normal end of a connection. With TLS 1.3 a client
        // certificate is checked after the client's side of the handshake is done, so
        // that refusal shows up here, at the first read.
        if (tls_ && error.category() == asio::error::get_ssl_category()) {
            ++core_->tls_failures;
            close_with_log("TLS failed: " + tls_failure_reason(error, tls_->native_handle()));
            return;
        }
        close();
        return;
    }
    auto fed = reader_.feed(std::string_view(buffer_.data(), length));
    if (fed.error) {
        ++core_->protocol_errors;
        close_with_log(fed.error->to_string());
        return;
    }
    for (auto& request : fed.requests)
        pending_.push_back(std::move(request));
    dispatch_next();
}

// One request at a time: smtpd waits for each answer, and a pipelining peer gets its
// answers in the order it asked.
void Connection::dispatch_next() {
    if (closed_ || awaiting_reply_)
        return;
    if (pending_.empty()) {
        read();
        return;
    }
    PolicyRequest request = std::move(pending_.front());
    pending_.pop_front();
    awaiting_reply_ = true;
    ++core_->requests;
    call_handler(std::move(request));
}

void Connection::call_handler(PolicyRequest request) {
    auto pending = std::make_shared<PendingReply>(shared_from_this());
    PolicyReply reply = [pending](std::string bytes) { pending->send(std::move(bytes)); };
    try {
        core_->handler(std::move(request), std::move(reply));
    } catch (const std::exception& error) {
        close_with_log(std::string("handler failed: ") + error.what());
    }
}

void Connection::deliver(std::string reply) {
    if (closed_)
        return;
    reply_ = std::move(reply);
    write_all([self = shared_from_this()](const error_code& error, std::size_t) {
        self->on_written(error);
    });
}

void Connection::on_written(const error_code& error) {
    if (closed_)
        return;
    if (error) {
        close();
        return;
    }
    awaiting_reply_ = false;
    dispatch_next();
}

void Connection::abandon() {
    if (!closed_)
        close_with_log("request dropped without a reply");
}

void Connection::close_with_log(const std::string& why) {
    core_->write_log("policy: closing connection from " + peer_ + ": " + why);
    close();
}

void Connection::close() {
    if (closed_)
        return;
    closed_ = true;
    --core_->open; // before the peer can see the close
    {
        std::lock_guard lock(core_->mutex);
        core_->connections.erase(this);
    }
    error_code ignored;
    idle_timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    pending_.clear();
}

// The peer's address as the allow list and the log see it: an IPv4 client of a
// dual-stack listener shows as 192.0.2.1, not ::ffff:192.0.2.1.
std::string peer_address(const tcp::socket& socket) {
    error_code error;
    auto address = socket.remote_endpoint(error).address();
    if (error)
        return "";
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

void accept_next(const std::shared_ptr<Core>& core);

void admit(const std::shared_ptr<Core>& core, tcp::socket socket) {
    std::string peer = peer_address(socket);
    if (peer.empty())
        return; // gone before we looked
    if (!core->allowed(peer)) {
        ++core->refused;
        core->write_log("policy: refused connection from " + peer + ": not in allow");
        return; // the socket closes as it goes out of scope
    }
    auto connection = std::make_shared<Connection>(core, std::move(socket), std::move(peer));
    std::lock_guard lock(core->mutex);
    if (core->stopped)
        return;
    core->connections.emplace(connection.get(), connection);
    ++core->accepted;
    ++core->open;
    asio::post(connection->executor(), [connection] { connection->start(); });
}

void retry_accept_later(const std::shared_ptr<Core>& core, const error_code& error) {
    core->write_log("policy: accept failed: " + error.message());
    core->accept_retry.expires_after(kAcceptRetryDelay);
    core->accept_retry.async_wait([core](const error_code& wait_error) {
        if (!wait_error)
            accept_next(core);
    });
}

void accept_next(const std::shared_ptr<Core>& core) {
    core->acceptor.async_accept(
        asio::make_strand(core->io), [core](const error_code& error, tcp::socket socket) {
            if (error == asio::error::operation_aborted || !core->acceptor.is_open())
                return;
            if (error) {
                retry_accept_later(core, error);
                return;
            }
            admit(core, std::move(socket));
            accept_next(core);
        });
}

Result<std::vector<std::string>, std::string> normalise_allow(
    const std::vector<std::string>& allow) {
    std::vector<std::string> networks;
    for (const auto& entry : allow) {
        std::string network = entry;
        if (network.find('/') == std::string::npos && is_valid_ip_address(network))
            network += network.find(':') == std::string::npos ? "/32" : "/128";
        if (auto error = cidr_error(network); !error.empty())
            return unexpected("allow: '" + entry + "' " + error);
        networks.push_back(std::move(network));
    }
    return networks;
}

Result<tcp::endpoint, std::string> listen_endpoint(const std::string& listen) {
    auto host_port = parse_host_port(listen);
    if (!host_port)
        return unexpected("listen: " + host_port.error());
    error_code error;
    auto address = asio::ip::make_address(host_port->host, error);
    if (error)
        return unexpected("listen: '" + listen + "': not an IP address and port");
    return tcp::endpoint(address, host_port->port);
}

Result<bool, std::string> open_acceptor(tcp::acceptor& acceptor, const tcp::endpoint& endpoint,
                                        const std::string& listen) {
    error_code error;
    acceptor.open(endpoint.protocol(), error);
    if (!error)
        acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error)
        acceptor.bind(endpoint, error);
    if (!error)
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
        error_code ignored;
        acceptor.close(ignored);
        return unexpected(listen + ": " + error.message());
    }
    return true;
}

/// The reason of a failed OpenSSL call (asio's message for it); clears the queue.
std::string openssl_reason(const error_code& error) {
    std::string reason = error.message();
    ERR_clear_error();
    return reason;
}

/// The server's TLS context: TLS 1.2 or newer, the certificate chain and key, and with
/// a client CA file, client certificates required and verified against it.
Result<bool, std::string> make_tls_context(const TlsServerSettings& settings,
                                           std::optional<asio::ssl::context>& out) {
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
    if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1)
        return unexpected(std::string("tls: cannot require TLS 1.2"));
    error_code error;
    context.use_certificate_chain_file(settings.cert_file, error);
    if (error)
        return unexpected("tls: " + settings.cert_file + ": " + openssl_reason(error));
    context.use_private_key_file(settings.key_file, asio::ssl::context::pem, error);
    if (error)
        return unexpected("tls: " + settings.key_file + ": " + openssl_reason(error));
    if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
        ERR_clear_error();
        return unexpected("tls: " + settings.key_file + ": does not match the certificate in " +
                          settings.cert_file);
    }
    if (!settings.client_ca_file.empty()) {
        context.load_verify_file(settings.client_ca_file, error);
        if (error)
            return unexpected("tls: " + settings.client_ca_file + ": " + openssl_reason(error));
        // Tell clients which CAs are accepted (informational; verification uses the above).
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.client_ca_file.c_str()))
            SSL_CTX_set_client_CA_list(context.native_handle(), names);
        ERR_clear_error();
        context.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    } else {
        context.set_verify_mode(asio::ssl::verify_none);
    }
    out.emplace(std::move(context));
    return true;
}

bool has_space_or_control(std::string_view text) {
    for (unsigned char c : text)
        if (std::isspace(c) || std::iscntrl(c))
            return true;
    return false;
}

} // namespace

struct PolicyServer::Impl {
    std::shared_ptr<Core> core;
    std::vector<std::thread> threads;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::uint16_t port = 0;
    bool started = false;
};

PolicyServer::PolicyServer(PolicyServerOptions options, PolicyHandler handler, PolicyLog log)
    : impl_(std::make_unique<Impl>()) {
    impl_->core = std::make_shared<Core>(std::move(options), std::move(handler), std::move(log));
}

PolicyServer::~PolicyServer() {
    stop();
}

Result<bool, std::string> PolicyServer::start() {
    Core& core = *impl_->core;
    if (impl_->started)
        return unexpected(std::string("policy server started twice"));
    impl_->started = true;
    if (auto allowed = set_allow(core.options.allow); !allowed)
        return allowed;
    if (core.options.tls)
        if (auto made = make_tls_context(*core.options.tls, core.tls); !made)
            return made;
    auto endpoint = listen_endpoint(core.options.listen);
    if (!endpoint)
        return unexpected(endpoint.error());
    if (auto opened = open_acceptor(core.acceptor, *endpoint, core.options.listen); !opened)
        return opened;
    impl_->port = core.acceptor.local_endpoint().port();
    accept_next(impl_->core);
    impl_->work.emplace(core.io.get_executor());
    const std::size_t threads = std::max<std::size_t>(core.options.threads, 1);
    for (std::size_t i = 0; i < threads; ++i)
        impl_->threads.emplace_back([&core] { core.io.run(); });
    return true;
}

// Closes the acceptor and every connection on their own strands, lets the io threads
// run out of work, then runs what is still queued (replies posted just before the stop)
// so that no handler, and no connection it holds, is left in the io_context.
void PolicyServer::stop() {
    auto& core = impl_->core;
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(core->mutex);
        if (core->stopped)
            return;
        core->stopped = true;
        for (auto& [raw, weak] : core->connections)
            if (auto connection = weak.lock())
                open.push_back(std::move(connection));
    }
    asio::post(core->acceptor.get_executor(), [core] {
        error_code ignored;
        core->acceptor.close(ignored);
        core->accept_retry.cancel();
    });
    for (auto& connection : open)
        asio::post(connection->executor(), [connection] { connection->close(); });
    open.clear();
    impl_->work.reset();
    for (auto& thread : impl_->threads)
        thread.join();
    impl_->threads.clear();
    core->io.restart();
    core->io.poll();
}

Result<bool, std::string> PolicyServer::set_allow(std::vector<std::string> allow) {
    auto networks = normalise_allow(allow);
    if (!networks)
        return unexpected(networks.error());
    auto shared = std::make_shared<const std::vector<std::string>>(std::move(networks.value()));
    std::lock_guard lock(impl_->core->allow_mutex);
    impl_->core->allow = std::move(shared);
    return true;
}

std::uint16_t PolicyServer::port() const {
    return impl_->port;
}

PolicyServerCounters PolicyServer::counters() const {
    const Core& core = *impl_->core;
    return {core.accepted.load(), core.refused.load(), core.open.load(), core.requests.load(),
            core.protocol_errors.load(), core.tls_failures.load()};
}

Result<HostPort, std::string> parse_host_port(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return unexpected("'" + std::string(text) + "': expected [IPv6]:port");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return unexpected("'" + std::string(text) + "': expected host:port");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return unexpected("'" + std::string(text) + "': write an IPv6 address as [addr]:port");
    }
    if (host.empty() || has_space_or_control(host))
        return unexpected("'" + std::string(text) + "': empty or malformed host");
    unsigned number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || number > 65535)
        return unexpected("'" + std::string(text) + "': port must be a number 0..65535");
    return HostPort{std::string(host), static_cast<std::uint16_t>(number)};
}

} // namespace mailng
