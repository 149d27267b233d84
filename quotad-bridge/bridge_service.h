// mailng-quotad-bridge's service: the shared PolicyServer in front, a pool of worker
// threads behind it, each owning one RecipientResolver (whose LDAP and quota calls
// block, so they never run on an io thread), and a bounded queue in between.
//
// Per request: only protocol_state RCPT with a non-empty recipient is resolved;
// everything else is answered DUNNO at once. A resolved request is answered with the
// contract text of DESIGN.md plus `mailng_status` and `mailng_ttl`, which Postfix
// ignores and mailng-policyd caches. "Try again" (a failing back-end, a full queue)
// becomes DEFER_IF_PERMIT 4.3.0, never a 5xx.
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
#include "mailng/policy_server.h"
#include "mailng/result.h"
#include "recipient_resolver.h"

namespace mailng::bridge {

/// Builds the resolver of one worker, on that worker's thread. make_resolver in the
/// program; a test double in unit tests. Returning nullptr (or throwing) makes that
/// worker answer "try again" until it succeeds (retried every few seconds) or a reload.
using ResolverFactory =
    std::function<std::unique_ptr<RecipientResolver>(const ResolverConfig& config)>;

struct BridgeServiceOptions {
    PolicyServerOptions server;
    std::size_t workers = 4;
    /// Requests waiting for a worker; 0: 128 per worker. When full, a request is answered
    /// "try again" at once: policyd's own deadline is short, and an answer that comes
    /// after it is wasted work for a back-end that is already slow.
    std::size_t queue_limit = 0;
    ResolverConfig resolver;
};

/// What the bridge answers to one request, before it becomes bytes.
struct BridgeAnswer {
    std::string action;            // without "action="
    std::string status;            // mailng_status; empty: no extra attributes
    std::chrono::seconds ttl{0};   // mailng_ttl
    std::string reason;            // for the log of a try-again: why
};

/// True for the requests the bridge resolves: RCPT with a non-empty recipient.
bool needs_resolution(const PolicyRequest& request);
/// "deliverable", "unknown", "disabled", "over_quota" or "not_ours".
std::string_view status_name(Verdict verdict);
/// The contract answer for a resolved request (or a failed resolution).
BridgeAnswer answer_for(const PolicyRequest& request, const Result<Answer, TryAgain>& resolved);
/// DEFER_IF_PERMIT 4.3.0 with mailng_status=try_again and mailng_ttl=0.
BridgeAnswer try_again_answer(const PolicyRequest& request, std::string reason);
/// The reply bytes: action= line, the extra attributes when there is a status, the
/// empty line. Never fails: an answer that cannot be formatted becomes a try-again.
std::string reply_bytes(const BridgeAnswer& answer);
/// The log line for a reject or a try-again ("reject: instance=... client=... sender=<...>
/// recipient=<...> status=unknown: 550 5.1.1 ..."); nullopt for the answers not logged.
/// Control characters from the peer are written as '?', so that a peer cannot forge
/// log lines.
std::optional<std::string> log_line(const PolicyRequest& request, const BridgeAnswer& answer);

struct BridgeCounters {
    std::uint64_t not_resolved = 0;  // DUNNO without asking (not RCPT, no recipient)
    std::uint64_t deliverable = 0;
    std::uint64_t unknown = 0;
    std::uint64_t disabled = 0;
    std::uint64_t over_quota = 0;
    std::uint64_t not_ours = 0;
    std::uint64_t try_again = 0;     // back-end failures and full queue
    std::uint64_t queue_full = 0;
    PolicyServerCounters server;
};

class BridgeService {
public:
    /// `log` receives one line per call, from any thread.
    BridgeService(BridgeServiceOptions options, ResolverFactory factory, PolicyLog log);
    ~BridgeService(); // stop()
    BridgeService(const BridgeService&) = delete;
    BridgeService& operator=(const BridgeService&) = delete;

    /// Starts the workers and the server; fails like PolicyServer::start().
    Result<bool, std::string> start();
    /// Stops the server (closing every connection), then the workers. Idempotent. A
    /// worker in the middle of a resolve finishes it first (bounded by its timeouts).
    void stop();
    /// Hands every worker a new resolver configuration: each builds a new resolver
    /// before its next request. Connections and queued requests are kept.
    void reload(ResolverConfig config);
    /// Replaces the allow list for new connections (see PolicyServer::set_allow).
    Result<bool, std::string> set_allow(std::vector<std::string> allow);

    std::uint16_t port() const;
    BridgeCounters counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace mailng::bridge
