// Asking the bridges (mailng-quotad-bridge) about a recipient, with failover, a deadline,
// a circuit breaker per bridge and persistent connections.
//
// Why Boost.Asio async rather than blocking sockets on a worker pool: a question spends
// almost all its time waiting for the bridge (LDAP and quota lookups behind it), and
// hundreds of smtpd connections may wait at once. Async operations on a strand per
// question wait without a thread each, the deadline is a timer that closes the socket
// (no poll() loop), and the policy server's io threads are never blocked.
//
// Per question: the bridges are tried in configuration order, skipping those whose
// breaker is open. The whole question has `timeout` (backend_timeout_ms); each attempt
// gets an equal share of what is left among the bridges still to try, so that one slow
// bridge cannot use up the time of the next (with two bridges and 500 ms the first gets
// at most 250 ms, the second the rest). A connection refused fails at once and leaves
// the whole remainder to the next bridge.
//
// Connections: each bridge keeps up to max_idle_per_bridge idle connections for reuse;
// a question takes one or opens a new one, so concurrency is bounded by the number of
// smtpd connections, not by the pool. A reused connection that the bridge had closed
// (EOF or reset before any reply byte) is retried once on a new connection and does not
// count as a failure of the bridge.
//
// Host names in `bridges` are resolved when the client is configured (at start and on
// SIGHUP), not per question; a name that does not resolve makes that bridge fail.
//
// TLS (`tls`): every new connection does a TLS handshake (TLS 1.2 or newer) inside the
// attempt's share of the deadline; the bridge's certificate must verify against the CA
// file and match the host of the `bridges` entry (DNS name, or IP SAN for an address).
// A failed handshake is a failure of that bridge like a refused connection, so it ends
// in the failure action, never a reject. TLS files that cannot be loaded make every
// bridge fail (with the reason) until a reconfigure fixes them. A reconfigure that
// changes `tls` starts every bridge afresh (new connections, breakers closed).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "answer_cache.h"
#include "circuit_breaker.h"
#include "mailng/policy_protocol.h"
#include "mailng/result.h"
#include "policyd_config.h"

namespace mailng::policyd {

/// What a bridge told us, from `mailng_status` (and `action` when the status is absent).
struct BridgeVerdict {
    std::optional<MailboxState> state;           // nullopt: "try again" (its backend failed)
    std::optional<std::chrono::seconds> ttl;     // mailng_ttl; nullopt when absent or bad
};

/// Interprets one parsed bridge reply. `mailng_status` is one of deliverable, not_ours,
/// unknown, disabled, over_quota, try_again. Without it, the contract action decides:
/// "550 5.1.1" unknown, "550 5.2.1" disabled, "552 5.2.2" over quota, "DUNNO" not ours,
/// a 4xx or DEFER* try again. Anything else (OK, REJECT, another 5xx, an unknown status)
/// is an error: a bridge that says something unexpected is treated as failing, so a
/// broken bridge can never make policyd reject.
Result<BridgeVerdict, std::string> interpret_bridge_reply(const PolicyReplyMessage& reply);

/// The request sent to a bridge: the attributes a bridge (or Dovecot's quota-status,
/// or any policy server) may use, copied from Postfix's request.
std::string bridge_request_bytes(const PolicyRequest& request);

struct BridgeAnswer {
    MailboxState state = MailboxState::not_ours;
    std::optional<std::chrono::seconds> ttl;
    std::string bridge; // as written in `bridges`
};

struct BridgeFailure {
    std::string reason; // every bridge's failure: "127.0.0.1:10041: Connection refused; ..."
};

using BridgeOutcome = Result<BridgeAnswer, BridgeFailure>;
/// Called exactly once per question, on one of the io threads, never inside ask().
using BridgeDone = std::function<void(BridgeOutcome)>;

struct BridgeClientOptions {
    std::vector<BridgeAddress> bridges;
    std::chrono::milliseconds timeout{500};
    unsigned breaker_failures = 3;
    std::chrono::seconds breaker_open{30};
    std::size_t max_idle_per_bridge = 16;
    std::optional<BridgeTlsConfig> tls;          // nullopt: plain TCP
};

struct BridgeStats {
    std::string bridge;
    std::uint64_t answers = 0;
    std::uint64_t failures = 0;   // refused, reset, timed out, malformed replies
    std::uint64_t try_again = 0;  // the bridge's own backend failed
    bool open = false;            // breaker open or half-open
};

class BridgeClient {
public:
    /// Runs its I/O on `io`, which the caller runs on one or more threads and keeps
    /// alive (and running) until the client is destroyed.
    BridgeClient(boost::asio::io_context& io, BridgeClientOptions options);
    ~BridgeClient();
    BridgeClient(const BridgeClient&) = delete;
    BridgeClient& operator=(const BridgeClient&) = delete;

    /// Asks the bridges about `request` (an RCPT request); `done` gets the first
    /// definite answer, or a failure when every bridge failed, said "try again", was
    /// skipped by its breaker, or the deadline passed.
    void ask(const PolicyRequest& request, BridgeDone done);

    /// Applies a reloaded configuration. A bridge whose address is unchanged keeps its
    /// breaker state (with the new limits), counters and idle connections; questions in
    /// flight finish on the old set. Resolves new bridges' names: blocking, so call it
    /// from the main thread, not an io thread.
    void reconfigure(BridgeClientOptions options);

    std::vector<BridgeStats> stats() const;

    struct Bridge;
    struct Settings;

private:
    boost::asio::io_context& io_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Settings> settings_;
};

} // namespace mailng::policyd
