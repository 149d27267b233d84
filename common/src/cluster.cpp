// Reading cluster.toml into the cluster model. toml++ parses; this file checks every
// table and key against the format of docs/cluster-file.md and reports every problem it
// finds, each at the line of the key or table that is wrong, so that one run of
// `--check-config` shows the admin all of them.
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

#include "mailng/cluster.h"
#include "mailng/diagnostics.h"

namespace mailng {
namespace {

namespace fs = std::filesystem;

constexpr int max_days = 36500;
constexpr int max_int = std::numeric_limits<int>::max();
constexpr std::array all_roles{Role::relay, Role::backend, Role::client, Role::directory};

using Position = SourcePosition;

Position position_of(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

template <typename T>
struct Located {
    T value;
    Position where;
};

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

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

bool is_blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string_view type_name(toml::node_type type) {
    switch (type) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "a date or time";
    case toml::node_type::none: break;
    }
    return "nothing";
}

/// Edit distance with transpositions (optimal string alignment), for the "did you
/// mean" hint on an unknown key: "adress" and "tsl" are one edit from the real thing.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}


enum class Need { optional, required };

/// One TOML table being read. Every key that the reader asks for counts as known, so
/// the reading code is also the schema: report_unknown_keys() names whatever else the
/// table holds, which is how typos such as "adress" are caught.
class Section {
public:
    Section(Diagnostics& diagnostics, const toml::table* table, std::string path,
            std::string title, Position origin)
        : diagnostics_(&diagnostics), table_(table), path_(std::move(path)),
          title_(std::move(title)), origin_(origin) {}

    const std::string& title() const { return title_; }
    Position where() const { return origin_; }
    bool has(std::string_view key) const { return table_ && table_->contains(key); }

    /// The key's position if the table holds it, else the table's.
    Position where(std::string_view key) const {
        if (table_) {
            const auto found = table_->find(key);
            if (found != table_->end()) {
                return position_of(found->first.source());
            }
        }
        return origin_;
    }

    /// The first of `keys` that the table holds, else the table itself: where to blame
    /// a rule that relates several keys.
    Position where_any(std::initializer_list<std::string_view> keys) const {
        for (const auto key : keys) {
            if (has(key)) {
                return where(key);
            }
        }
        return origin_;
    }

    void report(std::string_view key, std::string message) {
        diagnostics_->report(where(key), std::move(message));
    }
    void report_at(Position where, std::string message) {
        diagnostics_->report(where, std::move(message));
    }

    bool read(std::string_view key, std::string& out) {
        const toml::node* node = find(key);
        if (!node) {
            return false;
        }
        const auto* value = node->as_string();
        if (!value) {
            return wrong_type(key, *node, "a string");
        }
        if (has_control_characters(value->get())) {
            report(key, name(key) + " must not contain control characters");
            return false;
        }
        out = value->get();
        return true;
    }

    bool read(std::string_view key, bool& out) {
        const toml::node* node = find(key);
        if (!node) {
            return false;
        }
        const auto* value = node->as_boolean();
        if (!value) {
            return wrong_type(key, *node, "true or false");
        }
        out = value->get();
        return true;
    }

    bool read(std::string_view key, int& out, int min, int max) {
        const toml::node* node = find(key);
        if (!node) {
            return false;
        }
        const auto* value = node->as_integer();
        if (!value) {
            return wrong_type(key, *node, "an integer");
        }
        if (value->get() < min || value->get() > max) {
            report_at(position_of(node->source()),
                      name(key) + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", not " + std::to_string(value->get()));
            return false;
        }
        out = static_cast<int>(value->get());
        return true;
    }

    bool read(std::string_view key, std::optional<int>& out, int min, int max) {
        int value = 0;
        if (!read(key, value, min, max)) {
            return false;
        }
        out = value;
        return true;
    }

    bool read(std::string_view key, double& out) {
        const toml::node* node = find(key);
        if (!node) {
            return false;
        }
        const auto number = number_of(*node);
        if (!number) {
            return wrong_type(key, *node, "a number");
        }
        out = *number;
        return true;
    }

    bool read(std::string_view key, std::vector<double>& out) {
        const toml::array* array = find_array(key);
        if (!array) {
            return false;
        }
        std::vector<double> numbers;
        for (const toml::node& element : *array) {
            const auto number = number_of(element);
            if (!number) {
                return element_type(key, element, "numbers");
            }
            numbers.push_back(*number);
        }
        out = std::move(numbers);
        return true;
    }

    bool read(std::string_view key, std::vector<Located<std::string>>& out) {
        const toml::array* array = find_array(key);
        if (!array) {
            return false;
        }
        // Each element is checked on its own, so one bad entry does not hide the
        // problems of the others.
        out.clear();
        for (const toml::node& element : *array) {
            const auto* value = element.as_string();
            if (!value) {
                element_type(key, element, "strings");
            } else if (has_control_characters(value->get())) {
                report_at(position_of(element.source()),
                          name(key) + " must not contain control characters");
            } else {
                out.push_back({value->get(), position_of(element.source())});
            }
        }
        return true;
    }

    /// read(), and a problem if the key is absent from a table that is there.
    template <typename T, typename... Limits>
    bool require(std::string_view key, T& out, Limits... limits) {
        if (!has(key)) {
            known_.emplace(key);
            if (!absent_) {
                report_at(origin_, "missing required key " + in_quotes(key) + " in " + title_);
            }
            return false;
        }
        return read(key, out, limits...);
    }

    /// The subtable `key` as a Section of its own.
    Section child(std::string_view key, Need need) {
        const std::string path = child_path(key);
        const toml::node* node = find(key);
        const toml::table* table = node ? node->as_table() : nullptr;
        if (node && !table) {
            wrong_type(key, *node, "a table");
        }
        if (!node && need == Need::required) {
            report_at(origin_, "missing required table [" + path + "]");
        }
        Section section(*diagnostics_, table, path, "[" + path + "]",
                        table ? position_of(table->source()) : origin_);
        section.absent_ = !table;
        return section;
    }

    /// The elements of the array of tables `key` ([[key]]), each as a Section.
    std::vector<Section> elements(std::string_view key) {
        const std::string path = child_path(key);
        std::vector<Section> sections;
        const toml::array* array = find_array(key, "an array of tables ([[" + path + "]])");
        if (!array) {
            return sections;
        }
        for (const toml::node& element : *array) {
            if (const toml::table* table = element.as_table()) {
                sections.emplace_back(*diagnostics_, table, path, "[[" + path + "]]",
                                      position_of(table->source()));
            } else {
                element_type(key, element, "tables");
            }
        }
        return sections;
    }

    /// The raw subtable `key`, for tables whose keys are data (virtual users).
    const toml::table* data_table(std::string_view key) {
        const toml::node* node = find(key);
        if (node && !node->is_table()) {
            wrong_type(key, *node, "a table");
            return nullptr;
        }
        return node ? node->as_table() : nullptr;
    }

    void report_unknown_keys() {
        if (!table_) {
            return;
        }
        for (const auto& [key, node] : *table_) {
            if (!known_.count(key.str())) {
                report_at(position_of(key.source()), unknown_key_message(key.str(), node));
            }
        }
    }

private:
    const toml::node* find(std::string_view key) {
        known_.emplace(key);
        return table_ ? table_->get(key) : nullptr;
    }

    const toml::array* find_array(std::string_view key, std::string expected = "an array") {
        const toml::node* node = find(key);
        if (node && !node->is_array()) {
            wrong_type(key, *node, expected);
            return nullptr;
        }
        return node ? node->as_array() : nullptr;
    }

    static std::optional<double> number_of(const toml::node& node) {
        std::optional<double> number;
        if (const auto* integer = node.as_integer()) {
            number = static_cast<double>(integer->get());
        } else if (const auto* floating = node.as_floating_point()) {
            number = floating->get();
        }
        return number && std::isfinite(*number) ? number : std::nullopt;
    }

    std::string name(std::string_view key) const {
        return in_quotes(key) + (path_.empty() ? " at the top level" : " in " + title_);
    }

    std::string child_path(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

    bool wrong_type(std::string_view key, const toml::node& node, std::string_view expected) {
        report_at(position_of(node.source()), name(key) + " must be " + std::string(expected) +
                                                  ", not " + std::string(type_name(node.type())));
        return false;
    }

    bool element_type(std::string_view key, const toml::node& element, std::string_view kind) {
        report_at(position_of(element.source()),
                  name(key) + " must hold only " + std::string(kind) + ", not " +
                      std::string(type_name(element.type())));
        return false;
    }

    std::string unknown_key_message(std::string_view key, const toml::node& node) const {
        std::string message;
        if (node.is_table()) {
            message = "unknown table [" + child_path(key) + "]";
        } else if (node.is_array_of_tables()) {
            message = "unknown table [[" + child_path(key) + "]]";
        } else {
            message = "unknown key " + name(key);
        }
        return message + suggestion(key);
    }

    std::string suggestion(std::string_view key) const {
        std::string best;
        std::size_t best_distance = std::min<std::size_t>(3, key.size() / 2 + 1);
        for (const auto& candidate : known_) {
            const std::size_t distance = edit_distance(lowercase(key), candidate);
            if (distance < best_distance) {
                best = candidate;
                best_distance = distance;
            }
        }
        return best.empty() ? "" : " (did you mean " + in_quotes(best) + "?)";
    }

    Diagnostics* diagnostics_;
    const toml::table* table_;
    std::string path_;  // dotted, "" at the top level
    std::string title_; // "[ports]", "[[hosts]]"
    Position origin_;
    bool absent_ = false; // a missing table: its own problem, if any, says enough
    std::set<std::string, std::less<>> known_;
};

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
        try {
            const toml::table root = toml::parse(text, std::string_view(file_name_));
            read_document(root);
        } catch (const toml::parse_error& error) {
            diagnostics_.report(position_of(error.source()), std::string(error.description()));
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
        Section root(diagnostics_, &root_table, "", "the top level", Position{});
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

    void read_cluster(Section& root) {
        Section section = root.child("cluster", Need::required);
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

    void read_ports(Section& root) {
        Section section = root.child("ports", Need::optional);
        for (const auto& [key, member] : port_fields()) {
            section.read(key, cluster_.ports.*member, 1, 65535);
        }
        section.report_unknown_keys();
    }

    // [network]

    void read_network(Section& root) {
        Section section = root.child("network", Need::required);
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

    std::optional<Located<NetworkEntry>> parse_network_entry(Section& section,
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
    static void check_not_shadowed(Section& section,
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

    void read_virtual_domains(Section& root) {
        std::map<std::string, int> seen; // lowercase name -> line
        for (Section& section : root.elements("virtual_domains")) {
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

    void check_virtual_domain_name(Section& section, const std::string& name,
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

    static void read_virtual_users(Section& section, const toml::table& users,
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

    void read_amavis(Section& root) {
        Section section = root.child("amavis", Need::optional);
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
    static void read_subject_tag(Section& section, std::string_view key, std::string& tag) {
        if (section.read(key, tag) &&
            (is_blank(tag) || tag.find_first_of("'\"\\$@") != std::string::npos)) {
            section.report(key, std::string(key) +
                                    " must be non-empty and free of quotes, backslashes, $ and @");
        }
    }

    /// Each level starts where the previous one leaves off: tag, spam, spammy, quarantine.
    static void check_levels(Section& section, const AmavisPolicy& amavis) {
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

    void read_policy(Section& root) {
        Section section = root.child("policy", Need::optional);
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
    }

    // [retention]

    void read_retention(Section& root) {
        Section section = root.child("retention", Need::optional);
        Retention& retention = cluster_.retention;
        section.read("spam_days", retention.spam_days, 1, max_days);
        section.read("virus_days", retention.virus_days, 1, max_days);
        section.read("trash_days", retention.trash_days, 1, max_days);
        std::map<std::string, int> seen; // group -> line
        for (Section& override_section : section.elements("overrides")) {
            retention.overrides.push_back(read_retention_override(override_section, seen));
        }
        section.report_unknown_keys();
    }

    static RetentionOverride read_retention_override(Section& section,
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

    static void check_group_name(Section& section, const std::string& group,
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

    void read_monitoring(Section& root) {
        Section section = root.child("monitoring", Need::optional);
        for (const Role role : all_roles) {
            Section role_section = section.child(role_name(role), Need::optional);
            cluster_.monitoring[role] = read_thresholds(role_section, role);
        }
        section.report_unknown_keys();
    }

    static Thresholds read_thresholds(Section& section, Role role) {
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
    static void read_load(Section& section, std::string_view key, std::vector<double>& load) {
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

    static void check_thresholds(Section& section, const Thresholds& thresholds) {
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

    static void check_load_order(Section& section, const Thresholds& thresholds) {
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

    void read_hosts(Section& root) {
        for (Section& section : root.elements("hosts")) {
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

    Host read_host(Section& section) {
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

    void read_host_name(Section& section, Host& host) {
        if (section.require("name", host.name)) {
            check_host_name(section, host.name);
        }
        host.fqdn = host.name + "." + cluster_.domain;
        if (section.read("fqdn", host.fqdn) && !is_valid_domain_name(host.fqdn)) {
            section.report("fqdn", "fqdn " + in_quotes(host.fqdn) + " is not a valid domain name");
        }
    }

    void check_host_name(Section& section, const std::string& name) {
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

    void read_host_role(Section& section, Host& host) {
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

    void read_host_access(Section& section, Host& host) {
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

    void read_host_paths(Section& host_section, Host& host) {
        Section section = host_section.child("paths", Need::optional);
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

    void read_ldap(Section& root) {
        Section section = root.child("ldap", Need::optional);
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

    static bool read_dn(Section& section, std::string_view key, std::string& dn) {
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

    void read_tls(Section& root) {
        Section section = root.child("tls", Need::optional);
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
    bool read_tls_file(Section& section, std::string_view key, std::string& path) {
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
