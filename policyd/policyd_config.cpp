// Reading policyd.toml. toml++ parses; the shared TableReader (mailng/toml_reader.h)
// checks each key's type and range and reports every problem at the line of the key (or
// element) that is wrong, in policyd's own wording (PolicydDialect).
#include "policyd_config.h"

#include "mailng/policy_server.h"
#include "mailng/toml_reader.h"

#include <boost/asio/ip/address.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mailng::policyd {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds kMaxTtl{7 * 24 * 3600};
constexpr std::chrono::milliseconds kMaxBackendTimeout{60'000}; // Postfix itself waits 100 s
constexpr std::int64_t kMaxThreads = 256;
constexpr std::int64_t kMaxCacheEntries = 100'000'000;

/// policyd.toml's wording, as its tests and the admin's guide quote it. Tabs count as
/// control characters here: no policyd value has a use for one.
class PolicydDialect : public DottedDialect {
public:
    std::string expected(Expected kind, std::string_view path) const override {
        return kind == Expected::array_of_strings ? "an array of strings"
                                                  : DottedDialect::expected(kind, path);
    }
    std::string wrong_element(const std::string& name, Expected, const toml::node&) const override {
        return name + " must hold only plain strings";
    }
    std::string element_control_characters(const std::string& name) const override {
        return name + " must hold only plain strings";
    }
    std::string missing_key(const TableReader& table, std::string_view key) const override {
        return "missing required key " + name(table, key);
    }
    bool is_refused(unsigned char c) const override { return c < 0x20 || c == 0x7f; }
    bool blames_key_for_characters() const override { return false; }
};

const PolicydDialect kDialect{};

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

/// A domain as Postfix would accept it in a map key: letters, digits, '-', '.', no
/// empty label. Not a full IDNA check; it catches "example.edu," and "@example.edu".
bool plausible_domain(std::string_view domain) {
    if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos) {
        return false;
    }
    return std::all_of(domain.begin(), domain.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.';
    });
}

void read_listen(TableReader& reader, PolicydConfig& config) {
    if (!reader.read("listen", config.listen)) {
        return;
    }
    // The server binds without resolving names, so `listen` must be an address.
    auto endpoint = parse_host_port(config.listen);
    boost::system::error_code error;
    if (!endpoint) {
        reader.report_value("listen", "'listen': " + endpoint.error());
    } else if (boost::asio::ip::make_address(endpoint->host, error); error) {
        reader.report_value("listen", "'listen': '" + endpoint->host + "' is not an IP address");
    }
}

void read_bridges(TableReader& reader, PolicydConfig& config) {
    std::vector<Located<std::string>> entries;
    reader.require("bridges", entries, Empty::refused);
    for (const auto& [text, where] : entries) {
        auto endpoint = parse_host_port(text);
        if (!endpoint) {
            reader.report_at(where, "'bridges': " + endpoint.error());
        } else if (endpoint->port == 0) {
            reader.report_at(where, "'bridges': port 0 in '" + text + "'");
        } else {
            config.bridges.push_back({text, endpoint->host, endpoint->port});
        }
    }
}

void read_domains(TableReader& reader, PolicydConfig& config) {
    std::vector<Located<std::string>> entries;
    reader.require("domains", entries, Empty::refused);
    for (const auto& [text, where] : entries) {
        const std::string domain = lowercase(text);
        if (!plausible_domain(domain)) {
            reader.report_at(where, "'domains': '" + text + "' is not a domain name");
        } else if (std::find(config.domains.begin(), config.domains.end(), domain) ==
                   config.domains.end()) {
            config.domains.push_back(domain);
        }
    }
}

void read_failure_action(TableReader& reader, PolicydConfig& config) {
    std::string name;
    if (!reader.read("on_backend_failure", name)) {
        return;
    }
    if (auto action = parse_failure_action(name)) {
        config.on_backend_failure = *action;
    } else {
        reader.report_value("on_backend_failure",
                            "'on_backend_failure' must be 'defer_if_permit' or 'dunno', not '" +
                                name + "'");
    }
}

void read_log(TableReader& reader, PolicydConfig& config) {
    std::string name;
    if (!reader.read("log", name)) {
        return;
    }
    if (name == "syslog" || name == "stderr") {
        config.log = name == "syslog" ? LogTarget::syslog : LogTarget::stderr_stream;
    } else {
        reader.report_value("log", "'log' must be 'syslog' or 'stderr', not '" + name + "'");
    }
}

void read_delimiter(TableReader& reader, PolicydConfig& config) {
    if (!reader.read("recipient_delimiter", config.recipient_delimiter)) {
        return;
    }
    // Postfix allows several delimiter characters; '@' or a space would break addresses.
    if (config.recipient_delimiter.find_first_of("@ \t\"") != std::string::npos) {
        reader.report_value("recipient_delimiter",
                            "'recipient_delimiter' must not contain '@', '\"' or blanks");
    }
}

void read_numbers(TableReader& reader, PolicydConfig& config) {
    reader.read("positive_ttl_s", config.positive_ttl, 0s, kMaxTtl);
    reader.read("negative_ttl_s", config.negative_ttl, 0s, kMaxTtl);
    reader.read("backend_timeout_ms", config.backend_timeout, 1ms, kMaxBackendTimeout);
    reader.read("threads", config.threads, 1, kMaxThreads);
    reader.read("cache_max_entries", config.cache_max_entries, 0, kMaxCacheEntries);
    reader.read("breaker_failures", config.breaker_failures, 1, 1000);
    reader.read("breaker_open_s", config.breaker_open, 1s, 3600s);
}

/// `path` relative to the folder of the config file `file_name`.
std::string resolve_against(const std::string& file_name, const std::string& path) {
    std::filesystem::path resolved(path);
    if (resolved.is_relative()) {
        resolved = std::filesystem::path(file_name).parent_path() / resolved;
    }
    return resolved.string();
}

/// Empty when `path` is a regular file that group and others cannot read, else why not.
std::string private_file_problem(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        return path + ": " + std::strerror(errno);
    }
    if (!S_ISREG(status.st_mode)) {
        return path + ": not a regular file";
    }
    if ((status.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        return path + ": readable by group or others (mode " + mode +
               "); make it readable by its owner only (chmod 600)";
    }
    return {};
}

/// One [bridge_tls] file, resolved against the config file's folder. False when the key
/// is there but is not a usable path.
bool read_tls_path(TableReader& table, std::string_view key, const std::string& file_name,
                   std::string& out) {
    const toml::node* entry = table.find(key);
    if (!entry) {
        return true;
    }
    const auto* text = entry->as_string();
    if (!text || text->get().empty() || table.dialect().has_refused_characters(text->get())) {
        table.report_at(*entry, "'bridge_tls." + std::string(key) + "' must be a file path");
        return false;
    }
    out = resolve_against(file_name, text->get());
    return true;
}

/// The rules that relate [bridge_tls]'s keys; false when one is broken.
bool check_tls_keys(TableReader& table) {
    bool valid = true;
    if (!table.has("ca")) {
        table.report_at(table.where(), "'bridge_tls' needs 'ca', the CA that signed the "
                                       "bridges' certificates");
        valid = false;
    }
    if (table.has("cert") != table.has("key")) {
        table.report_at(table.where(),
                        "set both 'bridge_tls.cert' and 'bridge_tls.key', or neither");
        valid = false;
    }
    return valid;
}

void read_bridge_tls(TableReader& root, PolicydConfig& config, const std::string& file_name) {
    TableReader table = root.child("bridge_tls");
    if (!table.present()) {
        return;
    }
    BridgeTlsConfig tls;
    bool valid = read_tls_path(table, "ca", file_name, tls.ca_file);
    valid = read_tls_path(table, "cert", file_name, tls.cert_file) && valid;
    valid = read_tls_path(table, "key", file_name, tls.key_file) && valid;
    valid = check_tls_keys(table) && valid;
    if (valid && !tls.key_file.empty()) {
        if (auto problem = private_file_problem(tls.key_file); !problem.empty()) {
            table.report_value("key", "'bridge_tls.key': " + problem);
            valid = false;
        }
    }
    table.report_unknown_keys();
    if (valid) {
        config.bridge_tls = std::move(tls);
    }
}

void read_document(TableReader& reader, PolicydConfig& config, const std::string& file_name) {
    read_listen(reader, config);
    read_bridges(reader, config);
    read_domains(reader, config);
    read_failure_action(reader, config);
    read_numbers(reader, config);
    reader.read("serve_stale", config.serve_stale);
    read_delimiter(reader, config);
    reader.read("stats_file", config.stats_file);
    read_log(reader, config);
    read_bridge_tls(reader, config, file_name);
    reader.report_unknown_keys();
}

} // namespace

Result<PolicydConfig, std::vector<Problem>> parse_policyd_config(std::string_view text,
                                                                  const std::string& file_name) {
    Diagnostics out(file_name);
    PolicydConfig config;
    if (const auto root = parse_toml(text, file_name, out)) {
        TableReader reader(*root, out, kDialect);
        read_document(reader, config, file_name);
    }
    if (!out.empty()) {
        return unexpected(out.take_sorted());
    }
    return config;
}

Result<PolicydConfig, std::vector<Problem>> load_policyd_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return unexpected(std::vector<Problem>{{path, 0, 0, "cannot read the file"}});
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_policyd_config(text.str(), path);
}

std::vector<std::string> keys_needing_restart(const PolicydConfig& running,
                                              const PolicydConfig& reloaded) {
    std::vector<std::string> keys;
    if (running.listen != reloaded.listen) {
        keys.push_back("listen");
    }
    if (running.threads != reloaded.threads) {
        keys.push_back("threads");
    }
    if (running.cache_max_entries != reloaded.cache_max_entries) {
        keys.push_back("cache_max_entries");
    }
    if (running.log != reloaded.log) {
        keys.push_back("log");
    }
    if (running.stats_file != reloaded.stats_file) {
        keys.push_back("stats_file");
    }
    return keys;
}

} // namespace mailng::policyd
