// The agent's configuration file (agent.toml): which host this is, where its tools and
// instances live, who may do what. Every key is optional; the defaults are the Debian
// paths of a single-instance server, so that `mailng-agent stdio` works without a file
// on a stock host. The lab writes one per host (its own `postfix -c`, `doveadm -c`...).
//
//   host = "theano"                       # default: gethostname()
//   role = "relay"                        # the cluster role; informational
//   state_dir = "/var/lib/mailng"         # audit.sqlite, metrics.sqlite
//   command_timeout_ms = 30000
//   show_max_bytes = 1048576              # queue.show / quarantine.show cap
//   [tools]    postqueue postsuper postcat postconf doveadm amavisd_release  (paths)
//   [postfix]  config_dir = "/etc/postfix"   queue_dir = ""  (empty: postconf queue_directory)
//   [dovecot]  config = "/etc/dovecot/dovecot.conf"
//   [amavis]   quarantine_dir = "/var/lib/amavis/virusmails"
//   [filesystems] mail = "/Mail"   var = "/var"        # host.status disk use
//   [services.NAME] pid_file = "...", process = "..."  # NAME: postfix, dovecot, ...
//                   stats_file = "..."                 # optional: counters the daemon writes
//   [access]   root = "admin", alice = "operator", nagios = "viewer"
//   [metrics]  interval_s = 60, retention_days = 30, max_rows = 100000
//   [check_queue] warning = 500, critical = 2000, growth_warning_minutes = 30,
//                 growth_critical_minutes = 60
//
// Rules (each broken one is a problem at its line:column, all of them in one run):
// - Unknown keys and tables are refused, so a typo never silently becomes a default.
// - Every path is absolute; postfix.queue_dir may also be "" (ask postconf).
// - [services], when present, replaces the default list entirely, so that a host lists
//   what it runs; each service needs pid_file or process. Without [services], the
//   postfix pid file follows postfix.queue_dir (default /var/spool/postfix).
// - A service's stats_file (absolute) is a JSON object that the daemon rewrites
//   atomically (mailng-policyd's `stats_file`); host.status shows it with the service.
// - [access], when present, replaces the default root = "admin"; each value is
//   "viewer", "operator" or "admin", each key a login name. It may not be empty.
// - Ranges: command_timeout_ms 1..3600000, show_max_bytes 1024..2^28, interval_s
//   1..86400, retention_days 1..36500, max_rows and the queue counts 1..10^9, growth
//   minutes 1..10080; warning must be below critical, for counts and for minutes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/result.h"

namespace mailng::agent {

/// What a caller may do. Ordered: each level includes the ones below it.
enum class Access { none = 0, viewer = 1, operator_ = 2, admin = 3 };

/// "viewer", "operator", "admin", "none".
std::string_view to_string(Access access);
std::optional<Access> parse_access(std::string_view name);

struct ToolPaths {
    std::string postqueue = "/usr/sbin/postqueue";
    std::string postsuper = "/usr/sbin/postsuper";
    std::string postcat = "/usr/sbin/postcat";
    std::string postconf = "/usr/sbin/postconf";
    std::string doveadm = "/usr/bin/doveadm";
    std::string amavisd_release = "/usr/sbin/amavisd-release";
};

/// A service host.status reports: running when the pid in `pid_file` is alive, else
/// when a process whose command name (/proc/PID/comm) is `process` exists (only when
/// `process` is set: several instances on one machine share names). `stats_file`, when
/// set, is the daemon's counters file (a JSON object) that host.status passes on.
struct ServiceSpec {
    std::string name;
    std::string pid_file;
    std::string process;
    std::string stats_file = {}; // empty: the service writes no counters
};

struct MetricsSettings {
    std::chrono::seconds interval{60};
    int retention_days = 30;
    std::int64_t max_rows = 100'000;
};

/// `mailng-agent check queue` thresholds (messages in incoming+active+deferred+hold).
struct QueueCheckSettings {
    std::int64_t warning = 500;
    std::int64_t critical = 2000;
    int growth_warning_minutes = 30;
    int growth_critical_minutes = 60;
};

struct AgentConfig {
    std::string source_file; // empty when built from defaults
    std::string host;
    std::string role;
    std::string state_dir = "/var/lib/mailng";
    std::chrono::milliseconds command_timeout{30'000};
    std::size_t show_max_bytes = 1u << 20;
    ToolPaths tools;
    std::string postfix_config_dir = "/etc/postfix";
    std::string postfix_queue_dir; // empty: ask postconf
    std::string dovecot_config = "/etc/dovecot/dovecot.conf";
    std::string amavis_quarantine_dir = "/var/lib/amavis/virusmails";
    std::string mail_filesystem = "/Mail";
    std::string var_filesystem = "/var";
    std::vector<ServiceSpec> services; // in file order; default: Debian pid files, see .cpp
    std::map<std::string, Access, std::less<>> access; // user -> access; default root=admin
    MetricsSettings metrics;
    QueueCheckSettings check_queue;

    std::string audit_db() const { return state_dir + "/audit.sqlite"; }
    std::string metrics_db() const { return state_dir + "/metrics.sqlite"; }

    /// The access of `user`; none when the user is not listed.
    Access access_of(std::string_view user) const;
};

/// The defaults described above (host from gethostname()).
AgentConfig default_agent_config();

/// Parses `text` as if read from `file_name` (named in problems and kept as
/// source_file), on top of default_agent_config().
Result<AgentConfig, std::vector<Problem>> parse_agent_config(std::string_view text,
                                                             const std::string& file_name);

/// Reads `path`. Every problem (unknown key, wrong type, bad access name, relative
/// path) is reported with its line and column; a missing or unreadable file is one
/// problem with line 0.
Result<AgentConfig, std::vector<Problem>> load_agent_config(const std::string& path);

} // namespace mailng::agent
