// host.status: what state this server is in, in one JSON object, for the console's
// overview and for the metrics that `mailng-agent serve` samples.
//
//   {"host", "role", "time",
//    "services": [{"name", "state": "running"|"stopped", "pid": N|null,
//                  "source": "pid_file"|"process", "detail"?,
//                  "stats"?: {...the stats file's object..., "age_s": N|null}
//                  | "stats_error"?: "why"}],
//    "load": [l1, l5, l15] | null, "uptime_s": N | null,
//    "filesystems": [{"name": "mail"|"var", "path", "total_bytes", "used_bytes",
//                     "available_bytes", "used_percent"} | {"name", "path", "error"}],
//    "queues": {"maildrop", "incoming", "active", "deferred", "hold", "corrupt"} | null,
//    "sessions": {"imap", "pop3", "proxied"} | null,
//    "unavailable": {PART: reason}}
//
// Sessions are the IMAP and POP3 connections this host serves: its own mail processes
// (`doveadm who`) plus the ones its login processes proxy to a back-end (`doveadm proxy
// list`: a relay's director/proxy has users connected although no mail process runs
// there); "proxied" says how many of them are proxied. When only the proxied ones
// cannot be counted, "proxied" is null, imap/pop3 are the host's own sessions, and
// `unavailable` says why under "sessions_proxied".
//
// A service with a stats_file (agent.toml) carries the daemon's counters as it last
// wrote them (mailng-policyd every 5 s: requests, answers, cache, bridges, latency),
// with "age_s" = time - the file's "unix_time", so that a reader can tell stale
// counters (a stopped daemon's file stays). A file that cannot be used gives
// "stats_error" instead; the rest of the entry, and of the answer, is unaffected.
//
// A part that cannot be read (no Postfix on this host, Dovecot not running, /proc not
// mounted...) is null and `unavailable` says why, keyed by the part's name ("load",
// "uptime_s", "queues", "sessions"); the rest of the answer is still given. A
// filesystem that cannot be read carries its own "error" instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent_config.h"
#include "mailng/jsonrpc.h"
#include "mailng/result.h"
#include "metrics_store.h"
#include "process_probe.h"

namespace mailng::agent {

/// The whole host.status result (layout above), at time `now`. Never fails: each part
/// reports its own trouble. Runs postconf (only when postfix_queue_dir is empty) and
/// doveadm with config.command_timeout.
nlohmann::json collect_host_status(const AgentConfig& config, std::int64_t now);

/// The flattened numbers of a host.status result, for the metrics store. A part that
/// is null or missing leaves its metrics without a value; services_down counts the
/// services whose state is "stopped"; policy_requests and policy_rejects (reject_unknown
/// + reject_disabled + reject_over_quota) are summed over the services that have
/// "stats" with those counters, and have no value when none has.
MetricsSample to_metrics_sample(const nlohmann::json& status);

/// A failed tool or lookup as one line for `unavailable` and logs: the error's message
/// and the first line of the tool's stderr, at most 300 bytes.
std::string describe_error(const jsonrpc::Error& error);

// The parts, each usable alone.

/// One entry of "services".
nlohmann::json service_json(const ServiceState& state);

/// The largest stats file host.status reads; a bigger one is refused, not cut.
inline constexpr std::size_t kMaxStatsFileBytes = 64 * 1024;

/// What the stats file at `path` adds to a service's entry at time `now`:
/// {"stats": the file's object plus "age_s" (now - its integer "unix_time", else null)},
/// or {"stats_error": one line} when the file is missing, unreadable, bigger than
/// kMaxStatsFileBytes or not a JSON object. Never throws.
nlohmann::json service_stats_json(const std::string& path, std::int64_t now);

struct LoadAverage {
    double one = 0, five = 0, fifteen = 0;
};

/// The first three fields of /proc/loadavg's text, or nullopt. Pure.
std::optional<LoadAverage> parse_loadavg(std::string_view text);

/// The first field of /proc/uptime's text (seconds since boot), or nullopt. Pure.
std::optional<double> parse_uptime(std::string_view text);

/// One entry of "filesystems" for `path` (statvfs): sizes in bytes as df counts them
/// (used = total - free; used_percent = used / (used + available to non-root), one
/// decimal), or {"name", "path", "error"} when statvfs fails.
nlohmann::json filesystem_json(std::string_view name, const std::string& path);

/// Files in each queue under `queue_dir` (all six queues). Errors: a queue directory
/// cannot be read (the message names it).
Result<nlohmann::json, std::string> queue_counts_json(const std::string& queue_dir);

struct SessionCounts {
    std::uint64_t imap = 0;
    std::uint64_t pop3 = 0;
};

/// IMAP and POP3 connections in the output of `doveadm -f tab who -1` (or `who`
/// without -1); other protocols are not counted; empty output is no session.
/// Errors: output that parse_doveadm_who refuses. Pure.
Result<SessionCounts, std::string> count_sessions(std::string_view who_output);

/// IMAP and POP3 connections in the output of `doveadm -f tab proxy list` (a header
/// line "username<TAB>proto<TAB>src ip<TAB>dest ip<TAB>port", then one line per proxied
/// connection); other protocols are not counted; empty output is no session.
/// Errors: a line without a protocol column. Pure.
Result<SessionCounts, std::string> count_proxy_sessions(std::string_view proxy_list_output);

} // namespace mailng::agent
