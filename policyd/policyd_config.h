// mailng-policyd's configuration: `mailng-policyd --config FILE.toml`.
//
// The keys of DESIGN.md ("Contracts") are `listen`, `bridges`, `domains`,
// `on_backend_failure`, `positive_ttl_s`, `negative_ttl_s` and `backend_timeout_ms`; the
// documented extras are `threads`, `cache_max_entries`, `serve_stale`, `breaker_failures`,
// `breaker_open_s`, `recipient_delimiter`, `stats_file`, `log` and the table
// `[bridge_tls]` (`ca`, `cert`, `key`: TLS to the bridges). Anything else is
// refused, so that a typo never silently falls back to a default. Every problem is
// reported with file:line:column, all of them in one run (`--check-config`).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/policy_protocol.h"
#include "mailng/result.h"

namespace mailng::policyd {

enum class LogTarget { syslog, stderr_stream };

/// One `bridges` entry, already split; `text` is the entry as written, for logs.
struct BridgeAddress {
    std::string text;
    std::string host;
    std::uint16_t port = 0;
};

/// [bridge_tls]: talk TLS (1.2 or newer) to every bridge. The bridge's certificate must
/// verify against `ca` and name the host of its `bridges` entry (an IP address there is
/// checked against the certificate's IP SANs). `cert` and `key`, both or neither: the
/// client certificate for a bridge that requires one. Paths are resolved against the
/// config file's folder; `key` must not be readable by group or others.
struct BridgeTlsConfig {
    std::string ca_file;
    std::string cert_file; // empty: no client certificate
    std::string key_file;
    bool operator==(const BridgeTlsConfig&) const = default;
};

struct PolicydConfig {
    std::string listen = "127.0.0.1:10040";
    std::vector<BridgeAddress> bridges;               // required, tried in order
    std::vector<std::string> domains;                 // required, lowercased
    FailureAction on_backend_failure = FailureAction::defer_if_permit;
    std::chrono::seconds positive_ttl{300};           // cap for deliverable / not ours
    std::chrono::seconds negative_ttl{60};            // cap for unknown / disabled / full
    std::chrono::milliseconds backend_timeout{500};   // the whole question, all bridges
    std::size_t threads = 2;                          // io threads of the policy server
    std::size_t cache_max_entries = 1'000'000;        // 0 disables the cache
    bool serve_stale = false;                         // expired answers when bridges fail
    unsigned breaker_failures = 3;                    // consecutive failures to open
    std::chrono::seconds breaker_open{30};            // how long an open bridge is skipped
    std::string recipient_delimiter = "+";            // as Postfix's recipient_delimiter
    std::string stats_file;                           // empty: no stats file
    LogTarget log = LogTarget::syslog;
    std::optional<BridgeTlsConfig> bridge_tls;        // nullopt: plain TCP to the bridges
};

/// Parses `text` (the contents of `file_name`, which is only used in problems).
/// Returns the config, or every problem found, in file order.
Result<PolicydConfig, std::vector<Problem>> parse_policyd_config(std::string_view text,
                                                                  const std::string& file_name);

/// Reads and parses `path`; an unreadable file is one Problem with line 0.
Result<PolicydConfig, std::vector<Problem>> load_policyd_config(const std::string& path);

/// The keys whose change a SIGHUP cannot apply (they need a restart), by name;
/// empty when a reload can apply everything that changed.
std::vector<std::string> keys_needing_restart(const PolicydConfig& running,
                                              const PolicydConfig& reloaded);

} // namespace mailng::policyd
