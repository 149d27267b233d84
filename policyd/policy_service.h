// The decision of mailng-policyd: what to answer Postfix for one policy request.
//
//   - Only protocol_state RCPT with a recipient in `domains` (after normalise_recipient
//     with recipient_delimiter; case-insensitive) is checked. Everything else, and a
//     recipient that does not parse, gets DUNNO without asking anyone.
//   - A fresh cache hit is answered at once, on the calling (io) thread.
//   - A miss asks the bridges (BridgeClient, async: handle() never blocks) and caches
//     the answer.
//   - When every bridge failed, was slow or said "try again": a stale cached answer if
//     serve_stale and there is one, else the failure action (DEFER_IF_PERMIT 4.3.0 or
//     DUNNO). A failure never becomes a 5xx, and nothing ever answers OK.
//   - Exactly one reply per request, always built from the contract texts of
//     policy_protocol.h with the recipient as Postfix sent it.
//
// Every reject and every failure action is logged (instance, client, sender, recipient,
// reason). Counters are kept with atomics and exported as JSON for mailng-agent.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "answer_cache.h"
#include "bridge_client.h"
#include "mailng/policy_server.h"
#include "policyd_config.h"

namespace mailng::policyd {

/// Upper bounds (exclusive) of the latency histogram's buckets, in milliseconds; the
/// last bucket (">=100") has no bound.
inline constexpr std::array<double, 10> kLatencyBoundsMs{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100};
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsMs.size() + 1;

/// A copy of the counters at one moment.
struct ServiceStats {
    std::uint64_t requests = 0;
    // Answers by what was sent; `stale` counts the answers (of any kind) that came from
    // an expired cache entry, and failure_action those that were the failure action.
    std::uint64_t dunno = 0;
    std::uint64_t reject_unknown = 0;
    std::uint64_t reject_disabled = 0;
    std::uint64_t reject_over_quota = 0;
    std::uint64_t failure_action = 0;
    std::uint64_t stale = 0;
    std::uint64_t cache_hits = 0;
    std::uint64_t cache_misses = 0;
    std::size_t cache_entries = 0;
    std::array<std::uint64_t, kLatencyBuckets> latency{};
    std::vector<BridgeStats> bridges;
};

class PolicyService {
public:
    /// Starts the bridge client's io threads (max(1, threads / 2)). `log` receives one
    /// line per reject, failure action and notable event; it may be called from any thread.
    PolicyService(const PolicydConfig& config, PolicyLog log);
    ~PolicyService();
    PolicyService(const PolicyService&) = delete;
    PolicyService& operator=(const PolicyService&) = delete;

    /// The PolicyServer handler: calls `reply` exactly once, now (DUNNO, cache hit) or
    /// later from a bridge io thread. Never blocks.
    void handle(PolicyRequest request, PolicyReply reply);

    /// Applies bridges, domains, TTL caps, failure action, serve_stale, breaker limits
    /// and recipient_delimiter of a reloaded config. Requests in flight finish with the
    /// settings they started with. Call from the main thread (resolves bridge names).
    void reload(const PolicydConfig& config);

    /// Stops the bridge io threads; later bridge questions are never answered, so call
    /// it after the policy server has stopped. Idempotent; the destructor calls it.
    void stop();

    ServiceStats stats() const;
    /// The counters as one JSON object (the format is in policy_service.cpp).
    std::string stats_json() const;
    /// Writes stats_json() to `path` atomically (temporary file + rename), so that the
    /// agent never reads half a file. Fails with a message for the log.
    Result<bool, std::string> write_stats_file(const std::string& path) const;

    struct Settings;
    struct Counters;

private:
    struct Pending;
    enum class Kind { dunno, reject_unknown, reject_disabled, reject_over_quota, failure_action };

    std::shared_ptr<const Settings> settings() const;
    void ask_bridges(std::shared_ptr<Pending> pending);
    void answer_from_bridge(const Pending& pending, BridgeOutcome outcome);
    void answer_from_cache(const Pending& pending, CachedAnswer cached, const std::string& why);
    void answer_failure(const Pending& pending, const std::string& reason);
    void send(const Pending& pending, const std::string& action, Kind kind, const std::string& why);
    void log_answer(const PolicyRequest& request, const std::string& what, const std::string& why) const;

    PolicyLog log_;
    std::unique_ptr<Counters> counters_;
    AnswerCache cache_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    BridgeClient bridges_;
    mutable std::mutex settings_mutex_;
    std::shared_ptr<const Settings> settings_;
    std::vector<std::thread> threads_;
};

} // namespace mailng::policyd
