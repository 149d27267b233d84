// Reading agent.toml with the shared TableReader (mailng/toml_reader.h), in the default
// wording that cluster.toml uses too: the admin who edits both sees one style of message.
#include "agent_config.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "mailng/cluster.h"
#include "mailng/diagnostics.h"
#include "mailng/toml_reader.h"

namespace mailng::agent {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kDefaultQueueDir = "/var/spool/postfix";
constexpr std::int64_t kMaxShowBytes = std::int64_t{1} << 28; // 256 MiB in one JSON reply
constexpr std::int64_t kMaxCount = 1'000'000'000;
constexpr int kMaxDays = 36500;
constexpr int kMaxGrowthMinutes = 7 * 24 * 60;

constexpr std::array<std::pair<std::string_view, Access>, 4> kAccessNames{{
    {"none", Access::none},
    {"viewer", Access::viewer},
    {"operator", Access::operator_},
    {"admin", Access::admin},
}};

std::string host_name() {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof name - 1) != 0) {
        return "";
    }
    return name;
}

/// The Debian pid files of what a mail cluster host may run, for the programs that
/// are installed here: a stock relay has no slapd, and a service that is not installed
/// is not "down". Pid files only: the process names are shared by several instances
/// on a lab machine.
std::vector<ServiceSpec> default_services(std::string_view queue_dir) {
    const std::string queue(queue_dir.empty() ? kDefaultQueueDir : queue_dir);
    struct Known {
        ServiceSpec spec;
        const char* program;
    };
    const Known known[] = {
        {{"postfix", queue + "/pid/master.pid", ""}, "/usr/sbin/postfix"},
        {{"dovecot", "/run/dovecot/master.pid", ""}, "/usr/sbin/dovecot"},
        {{"amavisd", "/run/amavis/amavisd.pid", ""}, "/usr/sbin/amavisd-new"},
        {{"clamd", "/run/clamav/clamd.pid", ""}, "/usr/sbin/clamd"},
        {{"slapd", "/run/slapd/slapd.pid", ""}, "/usr/sbin/slapd"},
        {{"fail2ban", "/run/fail2ban/fail2ban.pid", ""}, "/usr/bin/fail2ban-server"},
        {{"mailng-policyd", "/run/mailng/mailng-policyd.pid", ""}, "/usr/sbin/mailng-policyd"},
        {{"mailng-quotad-bridge", "/run/mailng/mailng-quotad-bridge.pid", ""},
         "/usr/sbin/mailng-quotad-bridge"},
    };
    std::vector<ServiceSpec> services;
    for (const auto& service : known)
        if (::access(service.program, X_OK) == 0)
            services.push_back(service.spec);
    return services;
}

/// Reads a path that must be absolute; `may_be_empty` for the keys where "" means
/// "find out at run time".
void read_path(TableReader& table, std::string_view key, std::string& out,
               bool may_be_empty = false) {
    std::string path;
    if (!table.read(key, path)) {
        return;
    }
    if (path.empty() ? !may_be_empty : path.front() != '/') {
        table.report_value(key,
                           table.name(key) + " must be an absolute path, not " + in_quotes(path));
        return;
    }
    out = std::move(path);
}

void read_host(TableReader& root, AgentConfig& config) {
    if (root.read("host", config.host) && !is_valid_domain_name(config.host)) {
        root.report_value("host", "host " + in_quotes(config.host) + " is not a host name");
    }
    std::string role;
    if (root.read("role", role)) {
        if (parse_role(role)) {
            config.role = role;
        } else {
            root.report_value("role", "role " + in_quotes(role) +
                                          " must be one of relay, backend, client, directory");
        }
    }
}

void read_top_level(TableReader& root, AgentConfig& config) {
    read_host(root, config);
    read_path(root, "state_dir", config.state_dir);
    root.read("command_timeout_ms", config.command_timeout, 1ms, 1h);
    root.read("show_max_bytes", config.show_max_bytes, 1024, kMaxShowBytes);
}

void read_tools(TableReader& root, ToolPaths& tools) {
    TableReader table = root.child("tools");
    read_path(table, "postqueue", tools.postqueue);
    read_path(table, "postsuper", tools.postsuper);
    read_path(table, "postcat", tools.postcat);
    read_path(table, "postconf", tools.postconf);
    read_path(table, "doveadm", tools.doveadm);
    read_path(table, "amavisd_release", tools.amavisd_release);
    table.report_unknown_keys();
}

/// [postfix], [dovecot], [amavis] and [filesystems]: where the instances live.
void read_locations(TableReader& root, AgentConfig& config) {
    TableReader postfix = root.child("postfix");
    read_path(postfix, "config_dir", config.postfix_config_dir);
    read_path(postfix, "queue_dir", config.postfix_queue_dir, true);
    TableReader dovecot = root.child("dovecot");
    read_path(dovecot, "config", config.dovecot_config);
    TableReader amavis = root.child("amavis");
    read_path(amavis, "quarantine_dir", config.amavis_quarantine_dir);
    TableReader filesystems = root.child("filesystems");
    read_path(filesystems, "mail", config.mail_filesystem);
    read_path(filesystems, "var", config.var_filesystem);
    for (TableReader* table : {&postfix, &dovecot, &amavis, &filesystems}) {
        table->report_unknown_keys();
    }
}

/// systemd's unit names and Postfix's multi-instance names ("postfix@-") fit this.
bool is_service_name(std::string_view name) {
    return !name.empty() && name.size() <= 64 &&
           std::isalnum(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@';
           });
}

std::optional<ServiceSpec> read_service(TableReader& services, std::string_view name) {
    TableReader table = services.child(name);
    if (!table.present()) {
        return std::nullopt; // not a table: reported by child()
    }
    ServiceSpec spec{std::string(name), "", ""};
    read_path(table, "pid_file", spec.pid_file);
    read_path(table, "stats_file", spec.stats_file);
    if (table.read("process", spec.process) &&
        (spec.process.empty() || spec.process.find('/') != std::string::npos)) {
        table.report_value("process", "process " + in_quotes(spec.process) +
                                          " must be a command name as ps shows it, without '/'");
    }
    if (!table.has("pid_file") && !table.has("process")) {
        table.report_at(table.where(), table.title() + " needs pid_file or process: without "
                                                       "either the service never shows as running");
    }
    table.report_unknown_keys();
    return spec;
}

/// toml++ iterates a table's keys sorted by name; host.status shows the file's order.
std::vector<ServiceSpec> in_file_order(std::vector<Located<ServiceSpec>> found) {
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    std::vector<ServiceSpec> services;
    for (auto& service : found) {
        services.push_back(std::move(service.value));
    }
    return services;
}

/// [services] replaces the default list, so that a host lists what it runs.
void read_services(TableReader& root, AgentConfig& config) {
    TableReader services = root.child("services");
    if (!services.present()) {
        config.services = default_services(config.postfix_queue_dir);
        return;
    }
    std::vector<Located<ServiceSpec>> found;
    for (const auto& [key, node] : *services.table()) {
        const std::string_view name = key.str();
        if (!is_service_name(name)) {
            services.report(name, "service name " + in_quotes(name) +
                                      " may hold only letters, digits and - _ . @");
        } else if (auto spec = read_service(services, name)) {
            found.push_back({std::move(*spec), services.where(name)});
        }
    }
    config.services = in_file_order(std::move(found));
}

/// "none" is refused in the file: an unlisted user has no access already, and a
/// listed one would read like a grant.
void read_user_access(TableReader& table, std::string_view user, AgentConfig& config) {
    std::string name;
    if (!table.read(user, name)) {
        return;
    }
    const auto access = parse_access(name);
    if (!access || *access == Access::none) {
        table.report_value(user, "access " + in_quotes(name) + " of " + in_quotes(user) +
                                     " must be viewer, operator or admin");
        return;
    }
    config.access[std::string(user)] = *access;
}

/// [access] replaces the default (root = admin).
void read_access(TableReader& root, AgentConfig& config) {
    TableReader table = root.child("access");
    if (!table.present()) {
        return;
    }
    config.access.clear();
    if (table.table()->empty()) {
        table.report_at(table.where(), "[access] lists nobody, so the agent would refuse every "
                                       "caller, root included");
    }
    for (const auto& [key, node] : *table.table()) {
        if (is_valid_login(key.str())) {
            read_user_access(table, key.str(), config);
        } else {
            table.report(key.str(),
                         "user " + in_quotes(key.str()) +
                             " is not a login name ([a-z0-9._-], not starting with '-')");
        }
    }
}

void read_metrics(TableReader& root, MetricsSettings& metrics) {
    TableReader table = root.child("metrics");
    table.read("interval_s", metrics.interval, 1s, 24h);
    table.read("retention_days", metrics.retention_days, 1, kMaxDays);
    table.read("max_rows", metrics.max_rows, 1, kMaxCount);
    table.report_unknown_keys();
}

void check_queue_order(TableReader& table, const QueueCheckSettings& check) {
    if (check.warning >= check.critical) {
        table.report_at(table.where_any({"warning", "critical"}),
                        "warning (" + std::to_string(check.warning) + ") must be below critical (" +
                            std::to_string(check.critical) + ") in [check_queue]");
    }
    if (check.growth_warning_minutes >= check.growth_critical_minutes) {
        table.report_at(table.where_any({"growth_warning_minutes", "growth_critical_minutes"}),
                        "growth_warning_minutes (" + std::to_string(check.growth_warning_minutes) +
                            ") must be below growth_critical_minutes (" +
                            std::to_string(check.growth_critical_minutes) + ") in [check_queue]");
    }
}

void read_check_queue(TableReader& root, QueueCheckSettings& check) {
    TableReader table = root.child("check_queue");
    table.read("warning", check.warning, 1, kMaxCount);
    table.read("critical", check.critical, 1, kMaxCount);
    table.read("growth_warning_minutes", check.growth_warning_minutes, 1, kMaxGrowthMinutes);
    table.read("growth_critical_minutes", check.growth_critical_minutes, 1, kMaxGrowthMinutes);
    check_queue_order(table, check);
    table.report_unknown_keys();
}

/// [postfix] comes before [services]: the default postfix pid file is in its queue.
void read_document(TableReader& root, AgentConfig& config) {
    read_top_level(root, config);
    read_tools(root, config.tools);
    read_locations(root, config);
    read_services(root, config);
    read_access(root, config);
    read_metrics(root, config.metrics);
    read_check_queue(root, config.check_queue);
    root.report_unknown_keys();
}

} // namespace

std::string_view to_string(Access access) {
    for (const auto& [name, value] : kAccessNames) {
        if (value == access) {
            return name;
        }
    }
    return "none";
}

std::optional<Access> parse_access(std::string_view name) {
    for (const auto& [known, value] : kAccessNames) {
        if (known == name) {
            return value;
        }
    }
    return std::nullopt;
}

Access AgentConfig::access_of(std::string_view user) const {
    const auto found = access.find(user);
    return found == access.end() ? Access::none : found->second;
}

AgentConfig default_agent_config() {
    AgentConfig config;
    config.host = host_name();
    config.services = default_services(config.postfix_queue_dir);
    config.access = {{"root", Access::admin}};
    return config;
}

Result<AgentConfig, std::vector<Problem>> parse_agent_config(std::string_view text,
                                                             const std::string& file_name) {
    Diagnostics out(file_name);
    AgentConfig config = default_agent_config();
    if (const auto table = parse_toml(text, file_name, out)) {
        TableReader root(*table, out);
        read_document(root, config);
    }
    if (!out.empty()) {
        return unexpected(out.take_sorted());
    }
    config.source_file = file_name;
    return config;
}

Result<AgentConfig, std::vector<Problem>> load_agent_config(const std::string& path) {
    const auto unreadable = [&path](const std::string& why) {
        return unexpected(std::vector<Problem>{{path, 0, 0, "cannot read the file: " + why}});
    };
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        return unreadable("it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return unreadable(std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return unreadable(std::strerror(errno));
    }
    return parse_agent_config(text.str(), path);
}

} // namespace mailng::agent
