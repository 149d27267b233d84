// Reading policyd.toml. toml++ parses; ConfigReader checks each key's type and range
// and reports every problem at the line of the key (or element) that is wrong.
#include "policyd_config.h"

#include "mailng/policy_server.h"

#include <toml++/toml.h>

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
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

namespace mailng::policyd {
namespace {

constexpr std::int64_t kMaxTtlSeconds = 7 * 24 * 3600;
constexpr std::int64_t kMaxBackendTimeoutMs = 60'000; // Postfix itself waits 100 s
constexpr std::int64_t kMaxThreads = 256;
constexpr std::int64_t kMaxCacheEntries = 100'000'000;

const std::set<std::string, std::less<>> kKnownKeys{
    "listen", "bridges", "domains", "on_backend_failure", "positive_ttl_s",
    "negative_ttl_s", "backend_timeout_ms", "threads", "cache_max_entries", "serve_stale",
    "breaker_failures", "breaker_open_s", "recipient_delimiter", "stats_file", "log",
    "bridge_tls"};
const std::set<std::string, std::less<>> kBridgeTlsKeys{"ca", "cert", "key"};

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

bool has_control_characters(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) {
        return c < 0x20 || c == 0x7f;
    });
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

/// Collects problems and reads typed keys from the top-level table.
class ConfigReader {
public:
    ConfigReader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

    void report(const toml::source_region& where, std::string message) {
        problems_.push_back({file_, static_cast<int>(where.begin.line),
                             static_cast<int>(where.begin.column), std::move(message)});
    }

    void report_unknown_keys() {
        for (const auto& [key, node] : root_) {
            if (!kKnownKeys.contains(key.str())) {
                report(key.source(), "unknown key '" + std::string(key.str()) + "'");
            }
        }
    }

    void require(std::string_view key) {
        if (!root_.contains(key)) {
            problems_.push_back({file_, 0, 0, "missing required key '" + std::string(key) + "'"});
        }
    }

    /// The node of `key` if present and of type T; a problem if of another type.
    template <typename T>
    const toml::value<T>* typed(std::string_view key, std::string_view expected) {
        const toml::node* node = root_.get(key);
        if (!node) {
            return nullptr;
        }
        const auto* value = node->as<T>();
        if (!value) {
            report(node->source(), "'" + std::string(key) + "' must be " + std::string(expected));
        }
        return value;
    }

    bool read_string(std::string_view key, std::string& out) {
        const auto* value = typed<std::string>(key, "a string");
        if (!value) {
            return false;
        }
        if (has_control_characters(value->get())) {
            report(value->source(), "'" + std::string(key) + "' must not contain control characters");
            return false;
        }
        out = value->get();
        return true;
    }

    bool read_int(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t& out) {
        const auto* value = typed<std::int64_t>(key, "an integer");
        if (!value) {
            return false;
        }
        if (value->get() < min || value->get() > max) {
            report(value->source(), "'" + std::string(key) + "' must be between " +
                                        std::to_string(min) + " and " + std::to_string(max) +
                                        ", not " + std::to_string(value->get()));
            return false;
        }
        out = value->get();
        return true;
    }

    template <typename Duration>
    void read_duration(std::string_view key, std::int64_t min, std::int64_t max, Duration& out) {
        std::int64_t count = 0;
        if (read_int(key, min, max, count)) {
            out = Duration(count);
        }
    }

    template <typename Number>
    void read_count(std::string_view key, std::int64_t min, std::int64_t max, Number& out) {
        std::int64_t count = 0;
        if (read_int(key, min, max, count)) {
            out = static_cast<Number>(count);
        }
    }

    void read_bool(std::string_view key, bool& out) {
        if (const auto* value = typed<bool>(key, "true or false")) {
            out = value->get();
        }
    }

    /// Calls `each(text, where)` for every string element of the array `key`.
    template <typename Each>
    void read_strings(std::string_view key, Each each) {
        const toml::node* node = root_.get(key);
        if (!node) {
            return;
        }
        const auto* array = node->as_array();
        if (!array) {
            report(node->source(), "'" + std::string(key) + "' must be an array of strings");
            return;
        }
        if (array->empty()) {
            report(node->source(), "'" + std::string(key) + "' must not be empty");
        }
        for (const toml::node& element : *array) {
            const auto* text = element.as_string();
            if (!text || has_control_characters(text->get())) {
                report(element.source(), "'" + std::string(key) + "' must hold only plain strings");
                continue;
            }
            each(text->get(), element.source());
        }
    }

    std::vector<Problem> take_sorted() {
        std::stable_sort(problems_.begin(), problems_.end(), [](const Problem& a, const Problem& b) {
            return std::tie(a.line, a.column) < std::tie(b.line, b.column);
        });
        return std::move(problems_);
    }

    const toml::table& root() const { return root_; }

private:
    const toml::table& root_;
    std::string file_;
    std::vector<Problem> problems_;
};

void read_listen(ConfigReader& reader, PolicydConfig& config) {
    if (!reader.read_string("listen", config.listen)) {
        return;
    }
    // The server binds without resolving names, so `listen` must be an address.
    const auto& where = reader.root().get("listen")->source();
    auto endpoint = parse_host_port(config.listen);
    boost::system::error_code error;
    if (!endpoint) {
        reader.report(where, "'listen': " + endpoint.error());
    } else if (boost::asio::ip::make_address(endpoint->host, error); error) {
        reader.report(where, "'listen': '" + endpoint->host + "' is not an IP address");
    }
}

void read_bridges(ConfigReader& reader, PolicydConfig& config) {
    reader.read_strings("bridges", [&](const std::string& text, const toml::source_region& where) {
        auto endpoint = parse_host_port(text);
        if (!endpoint) {
            reader.report(where, "'bridges': " + endpoint.error());
        } else if (endpoint->port == 0) {
            reader.report(where, "'bridges': port 0 in '" + text + "'");
        } else {
            config.bridges.push_back({text, endpoint->host, endpoint->port});
        }
    });
}

void read_domains(ConfigReader& reader, PolicydConfig& config) {
    reader.read_strings("domains", [&](const std::string& text, const toml::source_region& where) {
        const std::string domain = lowercase(text);
        if (!plausible_domain(domain)) {
            reader.report(where, "'domains': '" + text + "' is not a domain name");
        } else if (std::find(config.domains.begin(), config.domains.end(), domain) ==
                   config.domains.end()) {
            config.domains.push_back(domain);
        }
    });
}

void read_failure_action(ConfigReader& reader, PolicydConfig& config) {
    std::string name;
    if (!reader.read_string("on_backend_failure", name)) {
        return;
    }
    if (auto action = parse_failure_action(name)) {
        config.on_backend_failure = *action;
    } else {
        reader.report(reader.root().get("on_backend_failure")->source(),
                      "'on_backend_failure' must be 'defer_if_permit' or 'dunno', not '" + name + "'");
    }
}

void read_log(ConfigReader& reader, PolicydConfig& config) {
    std::string name;
    if (!reader.read_string("log", name)) {
        return;
    }
    if (name == "syslog" || name == "stderr") {
        config.log = name == "syslog" ? LogTarget::syslog : LogTarget::stderr_stream;
    } else {
        reader.report(reader.root().get("log")->source(),
                      "'log' must be 'syslog' or 'stderr', not '" + name + "'");
    }
}

void read_delimiter(ConfigReader& reader, PolicydConfig& config) {
    if (!reader.read_string("recipient_delimiter", config.recipient_delimiter)) {
        return;
    }
    // Postfix allows several delimiter characters; '@' or a space would break addresses.
    if (config.recipient_delimiter.find_first_of("@ \t\"") != std::string::npos) {
        reader.report(reader.root().get("recipient_delimiter")->source(),
                      "'recipient_delimiter' must not contain '@', '\"' or blanks");
    }
}

void read_numbers(ConfigReader& reader, PolicydConfig& config) {
    reader.read_duration("positive_ttl_s", 0, kMaxTtlSeconds, config.positive_ttl);
    reader.read_duration("negative_ttl_s", 0, kMaxTtlSeconds, config.negative_ttl);
    reader.read_duration("backend_timeout_ms", 1, kMaxBackendTimeoutMs, config.backend_timeout);
    reader.read_count("threads", 1, kMaxThreads, config.threads);
    reader.read_count("cache_max_entries", 0, kMaxCacheEntries, config.cache_max_entries);
    reader.read_count("breaker_failures", 1, 1000, config.breaker_failures);
    reader.read_duration("breaker_open_s", 1, 3600, config.breaker_open);
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

void read_bridge_tls(ConfigReader& reader, PolicydConfig& config, const std::string& file_name) {
    const toml::node* node = reader.root().get("bridge_tls");
    if (!node) {
        return;
    }
    const toml::table* table = node->as_table();
    if (!table) {
        reader.report(node->source(), "'bridge_tls' must be a table");
        return;
    }
    for (const auto& [key, value] : *table) {
        if (!kBridgeTlsKeys.contains(key.str())) {
            reader.report(key.source(), "unknown key 'bridge_tls." + std::string(key.str()) + "'");
        }
    }
    BridgeTlsConfig tls;
    bool valid = true;
    const auto read_path = [&](std::string_view key, std::string& out) {
        const toml::node* entry = table->get(key);
        if (!entry) {
            return;
        }
        const auto* text = entry->as_string();
        if (!text || text->get().empty() || has_control_characters(text->get())) {
            reader.report(entry->source(), "'bridge_tls." + std::string(key) + "' must be a file path");
            valid = false;
            return;
        }
        out = resolve_against(file_name, text->get());
    };
    read_path("ca", tls.ca_file);
    read_path("cert", tls.cert_file);
    read_path("key", tls.key_file);
    if (!table->contains("ca")) {
        reader.report(node->source(), "'bridge_tls' needs 'ca', the CA that signed the bridges' "
                                      "certificates");
        valid = false;
    }
    if (table->contains("cert") != table->contains("key")) {
        reader.report(node->source(), "set both 'bridge_tls.cert' and 'bridge_tls.key', or neither");
        valid = false;
    }
    if (valid && !tls.key_file.empty()) {
        if (auto problem = private_file_problem(tls.key_file); !problem.empty()) {
            reader.report(table->get("key")->source(), "'bridge_tls.key': " + problem);
            valid = false;
        }
    }
    if (valid) {
        config.bridge_tls = std::move(tls);
    }
}

void read_document(ConfigReader& reader, PolicydConfig& config, const std::string& file_name) {
    reader.report_unknown_keys();
    reader.require("bridges");
    reader.require("domains");
    read_listen(reader, config);
    read_bridges(reader, config);
    read_domains(reader, config);
    read_failure_action(reader, config);
    read_numbers(reader, config);
    reader.read_bool("serve_stale", config.serve_stale);
    read_delimiter(reader, config);
    reader.read_string("stats_file", config.stats_file);
    read_log(reader, config);
    read_bridge_tls(reader, config, file_name);
}

} // namespace

Result<PolicydConfig, std::vector<Problem>> parse_policyd_config(std::string_view text,
                                                                  const std::string& file_name) {
    PolicydConfig config;
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(file_name));
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        return unexpected(std::vector<Problem>{{file_name, static_cast<int>(where.line),
                                                static_cast<int>(where.column),
                                                std::string(error.description())}});
    }
    ConfigReader reader(root, file_name);
    read_document(reader, config, file_name);
    auto problems = reader.take_sorted();
    if (!problems.empty()) {
        return unexpected(std::move(problems));
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
