// A Postfix policy delegation server (Boost.Asio), shared by mailng-policyd and
// mailng-quotad-bridge: persistent connections (one per smtpd process, hundreds at once),
// one request at a time per connection as smtpd sends them, an idle timeout, limits on
// what a peer may send, and an optional list of client networks.
//
// Contract: the handler is called once per complete request and must call `reply`
// exactly once, from any thread, with the whole reply (see format_reply()). A malformed
// or oversized request, or a peer outside `allow`, closes that connection only and is
// logged; the server and other connections go on.
//
// Threads: the handler runs on an io thread and must not block (hand slow work to a
// worker and reply from there). Requests of one connection reach the handler one at a
// time, in order: the next one only after the reply to the previous one was written.
// A reply function that is destroyed without being called closes its connection
// (logged), so a lost request cannot hang an smtpd process. Replies that arrive after
// stop() are dropped. Call stop() (or destroy the server) from a thread that is not an
// io thread, i.e. never from inside the handler.
//
// TLS (optional, `tls`): each connection first does a TLS handshake (TLS 1.2 or newer),
// within the idle timeout; with `client_ca_file` set, a client must present a
// certificate that verifies against it. A failed handshake closes that connection only
// and is logged with the peer address and OpenSSL's reason. Without `tls` the server
// speaks plain TCP.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/policy_protocol.h"
#include "mailng/result.h"

namespace mailng {

/// Server-side TLS: PEM files, read by start() (a file that cannot be loaded fails it).
struct TlsServerSettings {
    std::string cert_file;       // the server certificate, followed by its chain
    std::string key_file;        // its private key (unencrypted)
    std::string client_ca_file;  // empty: no client certificate asked for; set: required
                                 // and verified against these CA certificates
    bool operator==(const TlsServerSettings&) const = default;
};

struct PolicyServerOptions {
    std::string listen;                        // "127.0.0.1:10040" or "[::1]:10040"
    std::size_t threads = 2;                   // io threads
    std::chrono::seconds idle_timeout{300};    // smtpd's own idle limit is 300 s
    PolicyLimits limits;
    std::vector<std::string> allow;            // CIDRs; empty: every client
    std::optional<TlsServerSettings> tls;      // nullopt: plain TCP
};

/// Sends the reply bytes for one request; callable from any thread, exactly once.
using PolicyReply = std::function<void(std::string reply_bytes)>;
using PolicyHandler = std::function<void(PolicyRequest request, PolicyReply reply)>;
/// Receives one log line (no newline); the program decides syslog or stderr.
using PolicyLog = std::function<void(std::string_view line)>;

struct PolicyServerCounters {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_refused = 0;     // outside `allow`
    std::uint64_t connections_open = 0;
    std::uint64_t requests = 0;
    std::uint64_t protocol_errors = 0;         // malformed or over a limit
    std::uint64_t tls_handshake_failures = 0;  // with `tls` only
};

class PolicyServer {
public:
    PolicyServer(PolicyServerOptions options, PolicyHandler handler, PolicyLog log);
    ~PolicyServer();                           // stops and joins the io threads
    PolicyServer(const PolicyServer&) = delete;
    PolicyServer& operator=(const PolicyServer&) = delete;

    /// Binds and starts the io threads. Fails with a message naming the address
    /// ("127.0.0.1:10040: Address already in use"), a bad `listen`/`allow` value, or a
    /// TLS file that cannot be loaded ("tls: /etc/...key.pem: <OpenSSL reason>").
    Result<bool, std::string> start();
    /// Stops accepting, closes every connection, joins the threads. Idempotent.
    void stop();
    /// Replaces the allow list (same syntax as PolicyServerOptions::allow; a bare address
    /// counts as /32 or /128) for connections accepted from now on; open connections are
    /// kept. Thread-safe. Fails, changing nothing, on an invalid entry.
    Result<bool, std::string> set_allow(std::vector<std::string> allow);
    /// The bound port (useful with port 0 in tests); 0 before start().
    std::uint16_t port() const;
    PolicyServerCounters counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Parses "host:port" / "[v6]:port" as used by `listen` and `bridges` keys. `host` is
/// returned without brackets and is not resolved; it must be non-empty and free of
/// spaces and control characters. Port 0 is accepted (a server then binds any free
/// port); a client that connects must refuse it itself.
struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};
Result<HostPort, std::string> parse_host_port(std::string_view text);

} // namespace mailng
