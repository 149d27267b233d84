// Reading cluster.toml into the cluster model. toml++ parses; this file checks every
// table and key against the format of docs/cluster-file.md with the shared TableReader
// (mailng/toml_reader.h, in its default wording) and reports every problem it finds,
// each at the line of the key or table that is wrong, so that one run of
// `--check-config` shows the admin all of them.
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "mailng/cluster.h"
#include "mailng/diagnostics.h"
#include "mailng/toml_reader.h"

namespace mailng {
namespace {

namespace fs = std::filesystem;

constexpr int max_days = 36500;
constexpr int max_int = std::numeric_limits<int>::max();
constexpr std::array all_roles{Role::relay, Role::backend, Role::client, Role::directory};

using Position = SourcePosition;

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isspace(c) != 0; });
}

// Table-driven fields: key name and the member it fills.

constexpr std::array<std::pair<std::string_view, double AmavisPolicy::*>, 4> amavis_levels{{
    {"tag_level", &AmavisPolicy::tag_level},
    {"spam_level", &AmavisPolicy::spam_level},
    {"spammy_level", &AmavisPolicy::spammy_level},
    {"quarantine_level", &AmavisPolicy::quarantine_level},
}};

struct PathField {
    std::string_view key;
    std::string HostPaths::*member;
    bool may_be_empty; // the log files: empty means syslog
};

constexpr std::array<PathField, 20> path_fields{{
    {"postfix_config_dir", &HostPaths::postfix_config_dir, false},
    {"postfix_queue_dir", &HostPaths::postfix_queue_dir, false},
    {"postfix_data_dir", &HostPaths::postfix_data_dir, false},
    {"postfix_maillog", &HostPaths::postfix_maillog, true},
    {"dovecot_config", &HostPaths::dovecot_config, false},
    {"dovecot_base_dir", &HostPaths::dovecot_base_dir, false},
    {"dovecot_state_dir", &HostPaths::dovecot_state_dir, false},
    {"dovecot_log", &HostPaths::dovecot_log, true},
    {"mail_root", &HostPaths::mail_root, false},
    {"index_root", &HostPaths::index_root, false},
    {"control_root", &HostPaths::control_root, false},
    {"sieve_dir", &HostPaths::sieve_dir, false},
    {"amavis_config", &HostPaths::amavis_config, false},
    {"amavis_home", &HostPaths::amavis_home, false},
    {"amavis_quarantine", &HostPaths::amavis_quarantine, false},
    {"amavis_log", &HostPaths::amavis_log, true},
    {"amavis_release_socket", &HostPaths::amavis_release_socket, false},
    {"mailng_config_dir", &HostPaths::mailng_config_dir, false},
    {"mailng_state_dir", &HostPaths::mailng_state_dir, false},
    {"config_output_dir", &HostPaths::config_output_dir, false},
}};

bool is_valid_mail_address(std::string_view address) {
    const auto at = address.rfind('@');
    return at != std::string_view::npos && is_valid_local_part(address.substr(0, at)) &&
           is_valid_domain_name(address.substr(at + 1));
}

/// An LDAP group's name (cn): letters, digits, . _ -, not starting with "-".
bool is_valid_group_name(std::string_view group) {
    return !group.empty() && group.front() != '-' &&
           std::all_of(group.begin(), group.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '.' || c == '_' || c == '-';
           });
}

/// "attr=value" pieces separated by unescaped commas; enough to catch a base or bind
/// DN that is plainly not a DN (a host name, an empty string, a stray comma).
bool is_plausible_dn(std::string_view dn) {
    std::string rdn;
    bool escaped = false;
    auto rdn_ok = [](const std::string& piece) {
        const auto equals = piece.find('=');
        return equals != std::string::npos && equals > 0 && equals + 1 < piece.size();
    };
    for (const char c : dn) {
        if (c == ',' && !escaped) {
            if (!rdn_ok(rdn)) {
                return false;
            }
            rdn.clear();
        } else {
            rdn += c;
        }
        escaped = c == '\\' && !escaped;
    }
    return rdn_ok(rdn);
}

bool is_valid_ldap_uri(std::string_view uri) {
    for (const std::string_view scheme : {"ldap://", "ldaps://", "ldapi://"}) {
        if (uri.substr(0, scheme.size()) == scheme) {
            return uri.find_first_of(" \t") == std::string_view::npos;
        }
    }
    return false;
}

/// "dc=example,dc=edu" for "example.edu".
std::string base_dn_for(std::string_view domain) {
    std::string dn;
    std::size_t start = 0;
    while (start <= domain.size()) {
        const auto dot = std::min(domain.find('.', start), domain.size());
        dn += (dn.empty() ? "dc=" : ",dc=") + std::string(domain.substr(start, dot - start));
        start = dot + 1;
    }
    return dn;
}

/// `address` as a URL or ssh host, with the brackets that IPv6 needs before a port.
std::string host_for_url(const std::string& address) {
    return is_ipv6_address(address) ? "[" + address + "]" : address;
}

std::string default_ssh_target(const std::string& address, int ssh_port) {
    if (ssh_port == 22) {
        return "root@" + address;
    }
    return "root@" + host_for_url(address) + ":" + std::to_string(ssh_port);
}

/// Reads one cluster file into cluster_, reporting into diagnostics_. Tables are read
/// in dependency order: [cluster] and [ports] first, because host defaults use them.
class ClusterReader {
public:
    explicit ClusterReader(const std::string& file_name)
        : file_name_(file_name), diagnostics_(file_name), base_dir_(folder_of(file_name)) {}

    Result<Cluster, std::vector<Problem>> read(std::string_view text) {
        if (const auto root = parse_toml(text, file_name_, diagnostics_)) {
            read_document(*root);
        }
        if (!diagnostics_.empty()) {
            return unexpected(diagnostics_.take_sorted());
        }
        cluster_.source_file = file_name_;
        return std::move(cluster_);
    }

private:
    static fs::path folder_of(const std::string& file_name) {
        std::error_code error;
        const fs::path absolute = fs::absolute(fs::path(file_name), error);
        return error ? fs::path(file_name).parent_path() : absolute.parent_path();
    }

    /// Relative paths in the file are relative to the file's folder, so that a cluster
    /// file and its secrets can move together (the lab relies on this).
    std::string resolve(const std::string& path) const {
        if (path.empty() || fs::path(path).is_absolute()) {
            return path;
        }
        return (base_dir_ / path).lexically_normal().string();
    }

    void read_document(const toml::table& root_table) {
        TableReader root(root_table, diagnostics_);
        read_cluster(root);
        read_ports(root);
        read_network(root);
        read_virtual_domains(root);
        read_amavis(root);
        read_retention(root);
        read_policy(root);
        read_monitoring(root);
        read_hosts(root);
        read_ldap(root);
        read_tls(root);
        root.report_unknown_keys();
    }

    // [cluster]

    void read_cluster(TableReader& root) {
        TableReader section = root.child("cluster", Need::required);
        if (section.require("name", cluster_.name) && is_blank(cluster_.name)) {
            section.report("name", "the cluster name must not be empty");
        }
        if (section.require("domain", cluster_.domain) &&
            !is_valid_domain_name(cluster_.domain)) {
            section.report("domain", "domain " + in_quotes(cluster_.domain) +
                                         " is not a valid domain name (RFC 1123)");
        }
        section.report_unknown_keys();
    }

    // [ports]

    void read_ports(TableReader& root) {
        TableReader section = root.child("ports", Need::optional);
        for (const auto& [key, member] : port_fields()) {
            section.read(key, cluster_.ports.*member, 1, 65535);
        }
        section.report_unknown_keys();
    }

    // [network]

    void read_network(TableReader& root) {
        TableReader section = root.child("network", Need::required);
        std::vector<Located<std::string>> entries;
        section.require("mynetworks", entries);
        std::vector<Located<NetworkEntry>> accepted;
        for (const auto& entry : entries) {
            if (auto network = parse_network_entry(section, entry)) {
                check_not_shadowed(section, accepted, *network);
                accepted.push_back(*network);
                cluster_.mynetworks.push_back(network->value);
            }
        }
        section.report_unknown_keys();
    }

    std::optional<Located<NetworkEntry>> parse_network_entry(TableReader& section,
                                                             const Located<std::string>& text) {
        const bool excluded = !text.value.empty() && text.value.front() == '!';
        const std::string cidr = excluded ? text.value.substr(1) : text.value;
        const std::string error = cidr_error(cidr);
        if (!error.empty()) {
            section.report_at(text.where,
                              "mynetworks entry " + in_quotes(text.value) + " " + error);
            return std::nullopt;
        }
        return Located<NetworkEntry>{{cidr, excluded}, text.where};
    }

    /// Postfix takes the first entry that matches, so an exclusion after a network that
    /// already holds it (or the reverse) silently does nothing: the manual lists each
    /// `!net` before the wider net for that reason.
    static void check_not_shadowed(TableReader& section,
                                   const std::vector<Located<NetworkEntry>>& earlier,
                                   const Located<NetworkEntry>& entry) {
        for (const auto& before : earlier) {
            if (before.value.excluded != entry.value.excluded &&
                cidr_contains(before.value.cidr, entry.value.cidr)) {
                section.report_at(entry.where,
                                  "mynetworks entry " + spelled(entry.value) +
                                      " has no effect: the earlier entry " +
                                      spelled(before.value) + " (line " +
                                      std::to_string(before.where.line) +
                                      ") already decides every address in it");
                return;
            }
        }
    }

    static std::string spelled(const NetworkEntry& entry) {
        return in_quotes((entry.excluded ? "!" : "") + entry.cidr);
    }

    // [[virtual_domains]]

    void read_virtual_domains(TableReader& root) {
        std::map<std::string, int> seen; // lowercase name -> line
        for (TableReader& section : root.elements("virtual_domains")) {
            VirtualDomain domain;
            if (section.require("name", domain.name)) {
                check_virtual_domain_name(section, domain.name, seen);
            }
            if (const toml::table* users = section.data_table("users")) {
                read_virtual_users(section, *users, domain);
            }
            section.report_unknown_keys();
            cluster_.virtual_domains.push_back(std::move(domain));
        }
    }

    void check_virtual_domain_name(TableReader& section, const std::string& name,
                                   std::map<std::string, int>& seen) {
        const std::string key = lowercase(name);
        if (!is_valid_domain_name(name)) {
            section.report("name", "virtual domain " + in_quotes(name) +
                                       " is not a valid domain name (RFC 1123)");
        } else if (key == lowercase(cluster_.domain)) {
            section.report("name", "virtual domain " + in_quotes(name) +
                                       " is the primary domain of [cluster]");
        } else if (const auto [first, inserted] = seen.emplace(key, section.where().line);
                   !inserted) {
            section.report("name", "virtual domain " + in_quotes(name) +
                                       " is listed twice (first at line " +
                                       std::to_string(first->second) + ")");
        }
    }

    static void read_virtual_users(TableReader& section, const toml::table& users,
                                   VirtualDomain& domain) {
        for (const auto& [key, node] : users) {
            const std::string local_part(key.str());
            const auto* login = node.as_string();
            if (!is_valid_local_part(local_part)) {
                section.report_at(position_of(key.source()),
                                  "local part " + in_quotes(local_part) + " in users of " +
                                      in_quotes(domain.name) +
                                      " may hold only letters, digits and . _ - +");
            } else if (!login) {
                section.report_at(position_of(node.source()),
                                  "users." + local_part + " of " + in_quotes(domain.name) +
                                      " must be a login string (quote local parts that "
                                      "contain dots: \"first.last\" = \"login\")");
            } else if (!is_valid_login(login->get())) {
                section.report_at(position_of(node.source()),
                                  "login " + in_quotes(login->get()) +
                                      " is not valid: lowercase letters, digits, . _ -");
            } else {
                domain.users[local_part] = login->get();
            }
        }
    }

    // [amavis]

    void read_amavis(TableReader& root) {
        TableReader section = root.child("amavis", Need::optional);
        AmavisPolicy& amavis = cluster_.amavis;
        for (const auto& [key, member] : amavis_levels) {
            section.read(key, amavis.*member);
        }
        read_subject_tag(section, "spam_subject_tag", amavis.spam_subject_tag);
        read_subject_tag(section, "spammy_subject_tag", amavis.spammy_subject_tag);
        amavis.admin_address = "postmaster@" + cluster_.domain;
        if (section.read("admin_address", amavis.admin_address) &&
            !is_valid_mail_address(amavis.admin_address)) {
            section.report("admin_address",
                           "admin_address " + in_quotes(amavis.admin_address) +
                               " is not a mail address (local@domain)");
        }
        check_levels(section, amavis);
        section.report_unknown_keys();
    }

    /// The tag lands in amavisd.conf and in Sieve rules; quotes and backslashes would
    /// break out of those strings.
    static void read_subject_tag(TableReader& section, std::string_view key, std::string& tag) {
        if (section.read(key, tag) &&
            (is_blank(tag) || tag.find_first_of("'\"\\$@") != std::string::npos)) {
            section.report(key, std::string(key) +
                                    " must be non-empty and free of quotes, backslashes, $ and @");
        }
    }

    /// Each level starts where the previous one leaves off: tag, spam, spammy, quarantine.
    static void check_levels(TableReader& section, const AmavisPolicy& amavis) {
        for (std::size_t i = 1; i < amavis_levels.size(); ++i) {
            const auto& [lower_key, lower] = amavis_levels[i - 1];
            const auto& [upper_key, upper] = amavis_levels[i];
            if (amavis.*upper < amavis.*lower) {
                section.report_at(section.where_any({upper_key, lower_key}),
                                  std::string(upper_key) + " (" + format_number(amavis.*upper) +
                                      ") must not be below " + std::string(lower_key) + " (" +
                                      format_number(amavis.*lower) + ")");
            }
        }
    }

    // [policy]

    void read_policy(TableReader& root) {
        TableReader section = root.child("policy", Need::optional);
        PolicySettings& policy = cluster_.policy;
        section.read("enabled", policy.enabled);
        section.read("positive_ttl_s", policy.positive_ttl_s, 0, 86400);
        section.read("negative_ttl_s", policy.negative_ttl_s, 0, 86400);
        section.read("backend_timeout_ms", policy.backend_timeout_ms, 10, 60000);
        if (section.read("on_backend_failure", policy.on_backend_failure) &&
            policy.on_backend_failure != "defer_if_permit" && policy.on_backend_failure != "dunno")
            section.report("on_backend_failure",
                           "on_backend_failure must be \"defer_if_permit\" or \"dunno\"");
        if (section.read("quota_source", policy.quota_source) &&
            policy.quota_source != "dovecot-quota-status" && policy.quota_source != "maildirsize" &&
            policy.quota_source != "fs")
            section.report("quota_source", "quota_source must be \"dovecot-quota-status\", "
                                           "\"maildirsize\" or \"fs\"");
        section.report_unknown_keys();
    }

    // [retention]

    void read_retention(TableReader& root) {
        TableReader section = root.child("retention", Need::optional);
        Retention& retention = cluster_.retention;
        section.read("spam_days", retention.spam_days, 1, max_days);
        section.read("virus_days", retention.virus_days, 1, max_days);
        section.read("trash_days", retention.trash_days, 1, max_days);
        std::map<std::string, int> seen; // group -> line
        for (TableReader& override_section : section.elements("overrides")) {
            retention.overrides.push_back(read_retention_override(override_section, seen));
        }
        section.report_unknown_keys();
    }

    static RetentionOverride read_retention_override(TableReader& section,
                                                     std::map<std::string, int>& seen) {
        RetentionOverride result;
        if (section.require("group", result.group)) {
            check_group_name(section, result.group, seen);
        }
        section.read("spam_days", result.spam_days, 1, max_days);
        section.read("virus_days", result.virus_days, 1, max_days);
        section.read("trash_days", result.trash_days, 1, max_days);
        if (!section.has("spam_days") && !section.has("virus_days") &&
            !section.has("trash_days")) {
            const std::string subject = result.group.empty()
                                            ? std::string("this override")
                                            : "override for group " + in_quotes(result.group);
            section.report_at(section.where(),
                              subject + " sets none of spam_days, virus_days, trash_days");
        }
        section.report_unknown_keys();
        return result;
    }

    static void check_group_name(TableReader& section, const std::string& group,
                                 std::map<std::string, int>& seen) {
        if (!is_valid_group_name(group)) {
            section.report("group", "group " + in_quotes(group) +
                                        " is not a valid group name (letters, digits, . _ -)");
        } else if (const auto [first, inserted] = seen.emplace(group, section.where().line);
                   !inserted) {
            section.report("group", "group " + in_quotes(group) +
                                        " has an override already (line " +
                                        std::to_string(first->second) + ")");
        }
    }

    // [monitoring.ROLE]

    void read_monitoring(TableReader& root) {
        TableReader section = root.child("monitoring", Need::optional);
        for (const Role role : all_roles) {
            TableReader role_section = section.child(role_name(role), Need::optional);
            cluster_.monitoring[role] = read_thresholds(role_section, role);
        }
        section.report_unknown_keys();
    }

    static Thresholds read_thresholds(TableReader& section, Role role) {
        Thresholds thresholds = default_thresholds(role);
        read_load(section, "load_warning", thresholds.load_warning);
        read_load(section, "load_critical", thresholds.load_critical);
        section.read("var_free_warning_percent", thresholds.var_free_warning_percent, 0, 100);
        section.read("var_free_critical_percent", thresholds.var_free_critical_percent, 0, 100);
        section.read("queue_warning", thresholds.queue_warning, 0, max_int);
        section.read("queue_critical", thresholds.queue_critical, 0, max_int);
        check_thresholds(section, thresholds);
        section.report_unknown_keys();
        return thresholds;
    }

    /// check_load takes three loads: the 1, 5 and 15 minute averages.
    static void read_load(TableReader& section, std::string_view key, std::vector<double>& load) {
        std::vector<double> values;
        if (!section.read(key, values)) {
            return;
        }
        const bool negative = std::any_of(values.begin(), values.end(),
                                          [](double value) { return value < 0; });
        if (values.size() != 3 || negative) {
            section.report(key, std::string(key) + " in " + section.title() +
                                    " must hold three non-negative numbers (1, 5 and 15 "
                                    "minute load), not " + std::to_string(values.size()));
            return;
        }
        load = std::move(values);
    }

    static void check_thresholds(TableReader& section, const Thresholds& thresholds) {
        if (thresholds.queue_warning >= thresholds.queue_critical) {
            section.report_at(section.where_any({"queue_warning", "queue_critical"}),
                              "queue_warning (" + std::to_string(thresholds.queue_warning) +
                                  ") must be below queue_critical (" +
                                  std::to_string(thresholds.queue_critical) + ") in " +
                                  section.title());
        }
        // Free space: the warning comes first, while more is still free.
        if (thresholds.var_free_warning_percent <= thresholds.var_free_critical_percent) {
            section.report_at(
                section.where_any({"var_free_warning_percent", "var_free_critical_percent"}),
                "var_free_warning_percent (" +
                    std::to_string(thresholds.var_free_warning_percent) +
                    ") must be above var_free_critical_percent (" +
                    std::to_string(thresholds.var_free_critical_percent) + ") in " +
                    section.title());
        }
        check_load_order(section, thresholds);
    }

    static void check_load_order(TableReader& section, const Thresholds& thresholds) {
        const auto& warning = thresholds.load_warning;
        const auto& critical = thresholds.load_critical;
        for (std::size_t i = 0; i < std::min(warning.size(), critical.size()); ++i) {
            if (warning[i] > critical[i]) {
                section.report_at(section.where_any({"load_warning", "load_critical"}),
                                  "load_warning must not exceed load_critical in " +
                                      section.title() + " (" + format_number(warning[i]) +
                                      " > " + format_number(critical[i]) + ")");
                return;
            }
        }
    }

    // [[hosts]]

    void read_hosts(TableReader& root) {
        for (TableReader& section : root.elements("hosts")) {
            cluster_.hosts.push_back(read_host(section));
        }
        if (all_roles_known_) {
            require_role(Role::relay);
            require_role(Role::backend);
        }
    }

    void require_role(Role role) {
        if (cluster_.hosts_with_role(role).empty()) {
            diagnostics_.report(Position{},
                                "the cluster needs at least one [[hosts]] entry with role = \"" +
                                    std::string(role_name(role)) + "\"");
        }
    }

    Host read_host(TableReader& section) {
        Host host;
        host.source_line = section.where().line;
        read_host_name(section, host);
        read_host_role(section, host);
        if (section.require("address", host.address) && !is_valid_ip_address(host.address)) {
            section.report("address", "address " + in_quotes(host.address) +
                                          " is not an IPv4 or IPv6 address");
        }
        read_host_access(section, host);
        read_host_paths(section, host);
        section.report_unknown_keys();
        return host;
    }

    void read_host_name(TableReader& section, Host& host) {
        if (section.require("name", host.name)) {
            check_host_name(section, host.name);
        }
        host.fqdn = host.name + "." + cluster_.domain;
        if (section.read("fqdn", host.fqdn) && !is_valid_domain_name(host.fqdn)) {
            section.report("fqdn", "fqdn " + in_quotes(host.fqdn) + " is not a valid domain name");
        }
    }

    void check_host_name(TableReader& section, const std::string& name) {
        if (!is_valid_host_label(name)) {
            section.report("name", "host name " + in_quotes(name) +
                                       " is not a valid host name (letters, digits, '-')");
        } else if (const auto [first, inserted] =
                       host_lines_.emplace(lowercase(name), section.where().line);
                   !inserted) {
            section.report("name", "host name " + in_quotes(name) +
                                       " is used twice (first at line " +
                                       std::to_string(first->second) + ")");
        }
    }

    void read_host_role(TableReader& section, Host& host) {
        std::string role;
        if (!section.require("role", role)) {
            all_roles_known_ = false;
            return;
        }
        if (const auto parsed = parse_role(role)) {
            host.role = *parsed;
            return;
        }
        all_roles_known_ = false;
        section.report("role", "role " + in_quotes(role) +
                                   " must be one of relay, backend, client, directory");
    }

    void read_host_access(TableReader& section, Host& host) {
        host.ssh_target = default_ssh_target(host.address, cluster_.ports.ssh);
        if (section.read("ssh", host.ssh_target)) {
            if (const auto parsed = parse_ssh_target(host.ssh_target); !parsed) {
                section.report("ssh", "ssh target " + in_quotes(host.ssh_target) + " " +
                                          parsed.error());
            }
        }
        if (section.read("agent_command", host.agent_command) && is_blank(host.agent_command)) {
            section.report("agent_command", "agent_command must not be empty");
        }
    }

    void read_host_paths(TableReader& host_section, Host& host) {
        TableReader section = host_section.child("paths", Need::optional);
        for (const auto& [key, member, may_be_empty] : path_fields) {
            std::string& value = host.paths.*member;
            if (!section.read(key, value)) {
                continue;
            }
            if (value.empty() && !may_be_empty) {
                section.report(key, in_quotes(key) + " in [hosts.paths] must not be empty");
            }
            value = resolve(value);
        }
        section.report_unknown_keys();
    }

    // [ldap] and [tls]

    void read_ldap(TableReader& root) {
        TableReader section = root.child("ldap", Need::optional);
        LdapSettings& ldap = cluster_.ldap;
        ldap.uri = default_ldap_uri();
        ldap.base = base_dn_for(cluster_.domain);
        if (section.read("uri", ldap.uri) && !is_valid_ldap_uri(ldap.uri)) {
            section.report("uri", "uri " + in_quotes(ldap.uri) +
                                      " must start with ldap://, ldaps:// or ldapi://");
        } else if (ldap.uri.empty()) {
            section.report_at(section.where(),
                              "missing key 'uri' in [ldap]: no host has role = \"directory\" "
                              "to derive it from");
        }
        read_dn(section, "base", ldap.base);
        const bool has_dn = read_dn(section, "bind_dn", ldap.bind_dn);
        const bool has_secret = section.read("bind_password_file", ldap.bind_password_file);
        ldap.bind_password_file = resolve(ldap.bind_password_file);
        if (has_dn != has_secret) {
            section.report(has_dn ? "bind_dn" : "bind_password_file",
                           "set both bind_dn and bind_password_file in [ldap], or neither "
                           "(anonymous bind)");
        }
        section.report_unknown_keys();
    }

    static bool read_dn(TableReader& section, std::string_view key, std::string& dn) {
        if (!section.read(key, dn)) {
            return false;
        }
        if (!is_plausible_dn(dn)) {
            section.report(key, std::string(key) + " " + in_quotes(dn) +
                                    " is not a DN (attr=value pieces separated by commas)");
        }
        return true;
    }

    /// The first directory host, as the other hosts reach it.
    std::string default_ldap_uri() const {
        const auto directories = cluster_.hosts_with_role(Role::directory);
        if (directories.empty() || directories.front()->address.empty()) {
            return "";
        }
        const int port = cluster_.ports.ldap;
        return "ldap://" + host_for_url(directories.front()->address) +
               (port == 389 ? "" : ":" + std::to_string(port)) + "/";
    }

    void read_tls(TableReader& root) {
        TableReader section = root.child("tls", Need::optional);
        TlsSettings& tls = cluster_.tls;
        const bool has_cert = read_tls_file(section, "cert", tls.cert_file);
        const bool has_key = read_tls_file(section, "key", tls.key_file);
        if (has_cert != has_key) {
            section.report(has_cert ? "cert" : "key",
                           "set both cert and key in [tls], or neither");
        }
        section.report_unknown_keys();
    }

    /// The file need not exist yet (the lab creates its certificate after reading).
    bool read_tls_file(TableReader& section, std::string_view key, std::string& path) {
        if (!section.read(key, path)) {
            return false;
        }
        if (path.empty()) {
            section.report(key, std::string(key) + " in [tls] must not be empty");
        }
        path = resolve(path);
        return true;
    }

    std::string file_name_;
    Diagnostics diagnostics_;
    fs::path base_dir_;
    Cluster cluster_;
    std::map<std::string, int> host_lines_; // lowercase host name -> line
    bool all_roles_known_ = true;
};

} // namespace

Result<Cluster, std::vector<Problem>> parse_cluster(std::string_view text,
                                                    const std::string& file_name) {
    return ClusterReader(file_name).read(text);
}

Result<Cluster, std::vector<Problem>> load_cluster(const std::string& path) {
    auto unreadable = [&path](const std::string& why) {
        return unexpected(std::vector<Problem>{{path, 0, 0, "cannot read the file: " + why}});
    };
    std::error_code error;
    if (fs::is_directory(path, error)) {
        return unreadable("it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return unreadable(std::strerror(errno));
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        return unreadable(std::strerror(errno));
    }
    return parse_cluster(content.str(), path);
}

} // namespace mailng
