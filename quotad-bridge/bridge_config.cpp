// Reading mailng-quotad-bridge's TOML file. toml++ parses; the readers below check each
// table's keys and report every problem at the line of the key or value that is wrong.
#include "bridge_config.h"

#include <toml++/toml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "mailng/cluster.h"
#include "mailng/diagnostics.h"
#include "mailng/policy_server.h"

namespace mailng::bridge {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMaxTtlSeconds = 86400;
constexpr std::int64_t kMaxTimeoutMs = 60000;
constexpr std::int64_t kMaxThreads = 64;
constexpr std::size_t kMaxSecretBytes = 4096;

using Position = SourcePosition;

Position position_of(const toml::source_region& region) {
    return {static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return result;
}


/// One TOML table being read: every key that is asked for counts as known, and
/// finish() reports the others as unknown.
class TableReader {
public:
    TableReader(const toml::table& table, std::string prefix, Position where, Diagnostics& out)
        : table_(table), prefix_(std::move(prefix)), where_(where), out_(out) {}

    /// The node of `key`, or nullptr when absent (reported when `required`).
    const toml::node* find(std::string_view key, bool required = false) {
        known_.insert(std::string(key));
        const toml::node* node = table_.get(key);
        if (!node && required)
            out_.report(where_, "missing key " + name(key));
        return node;
    }

    /// A string value; nullopt when absent or not a string (the latter reported).
    std::optional<std::string> string(std::string_view key, bool required = false) {
        const toml::node* node = find(key, required);
        if (!node)
            return std::nullopt;
        if (auto value = node->value<std::string>())
            return value;
        report(*node, name(key) + " must be a string");
        return std::nullopt;
    }

    /// An integer within [low, high]; nullopt when absent or invalid (the latter reported).
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t low, std::int64_t high) {
        const toml::node* node = find(key);
        if (!node)
            return std::nullopt;
        auto value = node->as_integer() ? std::optional(node->as_integer()->get()) : std::nullopt;
        if (!value || *value < low || *value > high) {
            report(*node, name(key) + " must be an integer from " + std::to_string(low) +
                              " to " + std::to_string(high));
            return std::nullopt;
        }
        return value;
    }

    /// A sub-table; nullptr when absent or not a table (the latter reported).
    const toml::table* table(std::string_view key, bool required = false) {
        const toml::node* node = find(key, required);
        if (node && !node->is_table())
            report(*node, name(key) + " must be a table");
        return node ? node->as_table() : nullptr;
    }

    void report(const toml::node& node, std::string message) {
        out_.report(position_of(node.source()), std::move(message));
    }

    std::string name(std::string_view key) const {
        return in_quotes(prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key));
    }

    void finish() {
        for (auto&& [key, node] : table_)
            if (!known_.count(std::string(key.str())))
                out_.report(position_of(key.source()), "unknown key " + name(key.str()));
    }

private:
    const toml::table& table_;
    std::string prefix_;
    Position where_;
    Diagnostics& out_;
    std::set<std::string> known_;
};

Position table_position(const toml::table& table) {
    return position_of(table.source());
}

void read_listen(TableReader& root, BridgeConfig& config) {
    auto listen = root.string("listen", true);
    if (!listen)
        return;
    auto host_port = parse_host_port(*listen);
    if (!host_port || !is_valid_ip_address(host_port->host) || host_port->port == 0)
        root.report(*root.find("listen"), "'listen' must be an IP address and a port 1..65535, "
                                          "like \"192.0.2.21:10041\" or \"[::1]:10041\"");
    config.listen = std::move(*listen);
}

std::optional<std::string> normalised_network(std::string text) {
    if (text.find('/') == std::string::npos && is_valid_ip_address(text))
        text += text.find(':') == std::string::npos ? "/32" : "/128";
    if (!cidr_error(text).empty())
        return std::nullopt;
    return text;
}

void read_allow(TableReader& root, BridgeConfig& config) {
    const toml::node* node = root.find("allow");
    if (!node)
        return;
    const toml::array* array = node->as_array();
    if (!array || array->empty()) {
        root.report(*node, "'allow' must be a non-empty list of networks like \"192.0.2.0/24\"");
        return;
    }
    config.allow.clear();
    for (const toml::node& element : *array) {
        auto text = element.value<std::string>();
        auto network = text ? normalised_network(*text) : std::nullopt;
        if (!network) {
            std::string why = text ? in_quotes(*text) + " " + cidr_error(*text) : "not a string";
            root.report(element, "'allow' entry " + why);
            continue;
        }
        config.allow.push_back(std::move(*network));
    }
}

void read_domain(TableReader& root, BridgeConfig& config) {
    auto domain = root.string("domain", true);
    if (!domain)
        return;
    if (!is_valid_domain_name(*domain))
        root.report(*root.find("domain"), "'domain' " + in_quotes(*domain) + " is not a domain name");
    config.resolver.primary_domain = lowercase(*domain);
}

void read_log(TableReader& root, BridgeConfig& config) {
    auto log = root.string("log");
    if (!log)
        return;
    if (*log == "syslog")
        config.log = LogTarget::syslog;
    else if (*log == "stderr")
        config.log = LogTarget::stderr_stream;
    else
        root.report(*root.find("log"), "'log' must be \"syslog\" or \"stderr\"");
}

void read_numbers(TableReader& root, BridgeConfig& config) {
    ResolverConfig& resolver = config.resolver;
    if (auto threads = root.integer("threads", 1, kMaxThreads))
        config.threads = static_cast<std::size_t>(*threads);
    if (auto ttl = root.integer("positive_ttl_s", 0, kMaxTtlSeconds))
        resolver.positive_ttl = std::chrono::seconds(*ttl);
    if (auto ttl = root.integer("negative_ttl_s", 0, kMaxTtlSeconds))
        resolver.negative_ttl = std::chrono::seconds(*ttl);
    if (auto timeout = root.integer("ldap_timeout_ms", 1, kMaxTimeoutMs))
        resolver.ldap_timeout = std::chrono::milliseconds(*timeout);
    if (auto timeout = root.integer("quota_timeout_ms", 1, kMaxTimeoutMs))
        resolver.quota_timeout = std::chrono::milliseconds(*timeout);
}

bool is_ldap_uri(std::string_view uri) {
    for (std::string_view scheme : {"ldap://", "ldaps://", "ldapi://"})
        if (uri.substr(0, scheme.size()) == scheme)
            return uri.find_first_of(" \t\r\n") == std::string_view::npos;
    return false;
}

fs::path resolve_against(const std::string& config_file, const std::string& path) {
    fs::path resolved(path);
    if (resolved.is_relative())
        resolved = fs::path(config_file).parent_path() / resolved;
    return resolved;
}

/// Reads [ldap]; returns the bind_password_file node when there is a secret to read.
const toml::node* read_ldap(TableReader& ldap, const std::string& file_name, BridgeConfig& config) {
    ResolverConfig& resolver = config.resolver;
    if (auto uri = ldap.string("uri", true)) {
        if (!is_ldap_uri(*uri))
            ldap.report(*ldap.find("uri"), "'ldap.uri' must start with ldap://, ldaps:// or ldapi://");
        resolver.ldap_uri = std::move(*uri);
    }
    if (auto base = ldap.string("base", true)) {
        if (base->empty())
            ldap.report(*ldap.find("base"), "'ldap.base' must not be empty");
        resolver.ldap_base = std::move(*base);
    }
    resolver.bind_dn = ldap.string("bind_dn").value_or("");
    auto secret = ldap.string("bind_password_file").value_or("");
    // The rendered template writes both as "" when the directory allows anonymous reads.
    if (resolver.bind_dn.empty() != secret.empty()) {
        const toml::node* at = ldap.find(resolver.bind_dn.empty() ? "bind_password_file" : "bind_dn");
        ldap.report(*at, "set both 'ldap.bind_dn' and 'ldap.bind_password_file', or neither "
                         "(anonymous bind)");
        return nullptr;
    }
    if (secret.empty())
        return nullptr;
    config.bind_password_file = resolve_against(file_name, secret).string();
    return ldap.find("bind_password_file");
}

std::optional<QuotaSource> parse_quota_source(std::string_view name) {
    if (name == "dovecot-quota-status")
        return QuotaSource::dovecot_quota_status;
    if (name == "maildirsize")
        return QuotaSource::maildirsize;
    if (name == "fs")
        return QuotaSource::fs;
    return std::nullopt;
}

void check_quota_source(const ResolverConfig& resolver, Position where, Diagnostics& out) {
    if (resolver.quota_source == QuotaSource::dovecot_quota_status &&
        !parse_host_port(resolver.quota_address))
        out.report(where, "'quota.address' must be host:port of Dovecot's quota-status service "
                          "when source is \"dovecot-quota-status\"");
    if (resolver.quota_source == QuotaSource::maildirsize &&
        !fs::path(resolver.maildirsize_root).is_absolute())
        out.report(where, "'quota.maildir_root' must be an absolute path when source is "
                          "\"maildirsize\"");
    if (resolver.quota_source == QuotaSource::fs && resolver.fs_quota_device.empty())
        out.report(where, "'quota.device' must name the block device or mount point when "
                          "source is \"fs\"");
}

// The rendered template writes every key of [quota] whatever the source, so the keys
// that the chosen source does not use are accepted and ignored.
void read_quota(TableReader& quota, Position where, BridgeConfig& config, Diagnostics& out) {
    ResolverConfig& resolver = config.resolver;
    resolver.quota_address = quota.string("address").value_or("");
    resolver.maildirsize_root = quota.string("maildir_root").value_or("");
    resolver.fs_quota_device = quota.string("device").value_or("");
    auto source_name = quota.string("source", true);
    if (!source_name)
        return;
    auto source = parse_quota_source(*source_name);
    if (!source) {
        quota.report(*quota.find("source"),
                     "'quota.source' must be \"dovecot-quota-status\", \"maildirsize\" or \"fs\"");
        return;
    }
    resolver.quota_source = *source;
    check_quota_source(resolver, where, out);
}

void read_virtual_users(const std::string& domain, const toml::table& users, TableReader& domains,
                        std::map<std::string, std::string>& out) {
    for (auto&& [key, node] : users) {
        std::string local = lowercase(key.str());
        auto login = node.value<std::string>();
        if (!is_valid_local_part(local))
            domains.report(node, in_quotes(key.str()) + " in " + in_quotes(domain) +
                                     " is not a valid local part");
        else if (!login || !is_valid_login(*login))
            domains.report(node, "the login of " + in_quotes(local + "@" + domain) +
                                     " must be a string like \"alice\" ([a-z0-9._-])");
        else
            out[local] = *login;
    }
}

void read_virtual_domains(const toml::table& table, BridgeConfig& config, Diagnostics& out) {
    TableReader domains(table, "virtual_domains", table_position(table), out);
    for (auto&& [key, node] : table) {
        std::string domain = lowercase(key.str());
        const toml::table* users = node.as_table();
        if (!is_valid_domain_name(domain) || domain == config.resolver.primary_domain)
            domains.report(node, in_quotes(domain) + " is not a domain name other than 'domain'");
        else if (!users)
            domains.report(node, in_quotes(domain) + " must map local parts to logins: "
                                                     "{ postmaster = \"alice\" }");
        else
            read_virtual_users(domain, *users, domains, config.resolver.virtual_domains[domain]);
    }
}

void fill_domains(ResolverConfig& resolver) {
    resolver.domains.clear();
    if (!resolver.primary_domain.empty())
        resolver.domains.push_back(resolver.primary_domain);
    for (const auto& [domain, users] : resolver.virtual_domains)
        resolver.domains.push_back(domain);
}

/// Reads [tls]; returns the `key` node when there is a key file to check.
const toml::node* read_tls(TableReader& tls, const std::string& file_name, BridgeConfig& config) {
    auto cert = tls.string("cert", true);
    auto key = tls.string("key", true);
    auto client_ca = tls.string("client_ca");
    for (const char* name : {"cert", "key", "client_ca"})
        if (const toml::node* node = tls.find(name); node && node->value<std::string>() &&
                                                     node->value<std::string>()->empty())
            tls.report(*node, "'tls." + std::string(name) + "' must not be empty");
    if (!cert || !key || cert->empty() || key->empty())
        return nullptr;
    TlsServerSettings settings;
    settings.cert_file = resolve_against(file_name, *cert).string();
    settings.key_file = resolve_against(file_name, *key).string();
    if (client_ca && !client_ca->empty())
        settings.client_ca_file = resolve_against(file_name, *client_ca).string();
    config.tls = std::move(settings);
    return tls.find("key");
}

struct Files {
    const toml::node* secret = nullptr;  // ldap.bind_password_file
    const toml::node* tls_key = nullptr; // tls.key
};

Files read_sections(TableReader& root, const std::string& file_name, BridgeConfig& config,
                    Diagnostics& out) {
    Files files;
    const toml::node*& secret = files.secret;
    if (const toml::table* ldap = root.table("ldap", true)) {
        TableReader reader(*ldap, "ldap", table_position(*ldap), out);
        secret = read_ldap(reader, file_name, config);
        reader.finish();
    }
    if (const toml::table* quota = root.table("quota", true)) {
        TableReader reader(*quota, "quota", table_position(*quota), out);
        read_quota(reader, table_position(*quota), config, out);
        reader.finish();
    }
    if (const toml::table* domains = root.table("virtual_domains"))
        read_virtual_domains(*domains, config, out);
    if (const toml::table* tls = root.table("tls")) {
        TableReader reader(*tls, "tls", table_position(*tls), out);
        files.tls_key = read_tls(reader, file_name, config);
        reader.finish();
    }
    return files;
}

void read_root(const toml::table& table, const std::string& file_name, BridgeConfig& config,
               Diagnostics& out) {
    TableReader root(table, "", Position{}, out);
    read_listen(root, config);
    read_allow(root, config);
    read_domain(root, config);
    read_log(root, config);
    read_numbers(root, config);
    const Files files = read_sections(root, file_name, config, out);
    root.finish();
    fill_domains(config.resolver);
    // Only a file that is otherwise valid is worth a look at the secrets.
    if (!out.empty())
        return;
    if (files.tls_key)
        if (auto key = check_private_file(config.tls->key_file); !key)
            root.report(*files.tls_key, "'tls.key': " + key.error());
    if (!files.secret)
        return;
    auto password = read_secret_file(config.bind_password_file);
    if (password)
        config.resolver.bind_password = std::move(*password);
    else
        root.report(*files.secret, "'ldap.bind_password_file': " + password.error());
}

std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

/// Closes a descriptor when it goes out of scope.
struct FileDescriptor {
    int fd = -1;
    ~FileDescriptor() {
        if (fd >= 0)
            ::close(fd);
    }
};

Result<std::string, std::string> one_line_secret(std::string secret, const std::string& path) {
    if (secret.size() > kMaxSecretBytes)
        return unexpected(path + ": longer than " + std::to_string(kMaxSecretBytes) + " bytes");
    if (!secret.empty() && secret.back() == '\n')
        secret.pop_back();
    if (!secret.empty() && secret.back() == '\r')
        secret.pop_back();
    if (secret.empty())
        return unexpected(path + ": empty");
    if (secret.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        return unexpected(path + ": the secret must be one line");
    return secret;
}

/// Checks the open file `fd` (of `path`): a regular file only its owner may read.
Result<bool, std::string> check_private_descriptor(int fd, const std::string& path) {
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode))
        return unexpected(path + ": not a regular file");
    if (status.st_mode & (S_IRGRP | S_IROTH))
        return unexpected(path + ": readable by group or others (mode " +
                          mode_text(status.st_mode) +
                          "); make it readable by its owner only (chmod 600)");
    return true;
}

} // namespace

Result<bool, std::string> check_private_file(const std::string& path) {
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0)
        return unexpected(path + ": " + std::strerror(errno));
    return check_private_descriptor(file.fd, path);
}

Result<std::string, std::string> read_secret_file(const std::string& path) {
    // fstat on the descriptor that is read: the checks apply to the very file used.
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (file.fd < 0)
        return unexpected(path + ": " + std::strerror(errno));
    if (auto checked = check_private_descriptor(file.fd, path); !checked)
        return unexpected(checked.error());
    std::string secret(kMaxSecretBytes + 1, '\0');
    auto length = ::read(file.fd, secret.data(), secret.size());
    if (length < 0)
        return unexpected(path + ": " + std::strerror(errno));
    secret.resize(static_cast<std::size_t>(length));
    return one_line_secret(std::move(secret), path);
}

Result<BridgeConfig, std::vector<Problem>> parse_bridge_config(std::string_view text,
                                                               const std::string& file_name) {
    Diagnostics out(file_name);
    BridgeConfig config;
    try {
        const toml::table root = toml::parse(text, std::string_view(file_name));
        read_root(root, file_name, config, out);
    } catch (const toml::parse_error& error) {
        out.report(position_of(error.source()), std::string(error.description()));
    }
    if (!out.empty())
        return unexpected(out.take_sorted());
    return config;
}

Result<BridgeConfig, std::vector<Problem>> load_bridge_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return unexpected(std::vector<Problem>{{path, 0, 0, std::strerror(errno)}});
    std::ostringstream text;
    text << in.rdbuf();
    return parse_bridge_config(text.str(), path);
}

} // namespace mailng::bridge
