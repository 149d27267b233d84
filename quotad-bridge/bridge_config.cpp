// Reading mailng-quotad-bridge's TOML file. toml++ parses; the shared TableReader
// (mailng/toml_reader.h) checks each table's keys and reports every problem at the line of
// the key or value that is wrong, in the bridge's own wording (BridgeDialect).
#include "bridge_config.h"

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
#include <sstream>

#include "mailng/cluster.h"
#include "mailng/diagnostics.h"
#include "mailng/policy_server.h"
#include "mailng/toml_reader.h"

namespace mailng::bridge {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::chrono::seconds kMaxTtl{86400};
constexpr std::chrono::milliseconds kMaxTimeout{60000};
constexpr std::int64_t kMaxThreads = 64;
constexpr std::size_t kMaxSecretBytes = 4096;

/// quotad-bridge.toml's wording, as its tests quote it: one message for an integer that
/// is not one and for one out of range. The bridge never refused control characters in
/// strings (each value meets its own check: address, URI, path), and still does not.
class BridgeDialect : public DottedDialect {
public:
    std::string not_an_integer(const std::string& name, std::int64_t min, std::int64_t max,
                               const toml::node&) const override {
        return integer_range(name, min, max);
    }
    std::string out_of_range(const std::string& name, std::int64_t min, std::int64_t max,
                             std::int64_t) const override {
        return integer_range(name, min, max);
    }
    std::string missing_key(const TableReader& table, std::string_view key) const override {
        return "missing key " + name(table, key);
    }
    std::string missing_table(const TableReader& parent, std::string_view key) const override {
        return missing_key(parent, key);
    }
    bool is_refused(unsigned char) const override { return false; }

private:
    static std::string integer_range(const std::string& name, std::int64_t min, std::int64_t max) {
        return name + " must be an integer from " + std::to_string(min) + " to " +
               std::to_string(max);
    }
};

const BridgeDialect kDialect{};

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return result;
}

void read_listen(TableReader& root, BridgeConfig& config) {
    std::string listen;
    if (!root.require("listen", listen))
        return;
    auto host_port = parse_host_port(listen);
    if (!host_port || !is_valid_ip_address(host_port->host) || host_port->port == 0)
        root.report_value("listen", "'listen' must be an IP address and a port 1..65535, "
                                    "like \"192.0.2.21:10041\" or \"[::1]:10041\"");
    config.listen = std::move(listen);
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
        root.report_at(*node, "'allow' must be a non-empty list of networks like \"192.0.2.0/24\"");
        return;
    }
    config.allow.clear();
    for (const toml::node& element : *array) {
        auto text = element.value<std::string>();
        auto network = text ? normalised_network(*text) : std::nullopt;
        if (!network) {
            std::string why = text ? in_quotes(*text) + " " + cidr_error(*text) : "not a string";
            root.report_at(element, "'allow' entry " + why);
            continue;
        }
        config.allow.push_back(std::move(*network));
    }
}

void read_domain(TableReader& root, BridgeConfig& config) {
    std::string domain;
    if (!root.require("domain", domain))
        return;
    if (!is_valid_domain_name(domain))
        root.report_value("domain", "'domain' " + in_quotes(domain) + " is not a domain name");
    config.resolver.primary_domain = lowercase(domain);
}

void read_log(TableReader& root, BridgeConfig& config) {
    std::string log;
    if (!root.read("log", log))
        return;
    if (log == "syslog")
        config.log = LogTarget::syslog;
    else if (log == "stderr")
        config.log = LogTarget::stderr_stream;
    else
        root.report_value("log", "'log' must be \"syslog\" or \"stderr\"");
}

void read_numbers(TableReader& root, BridgeConfig& config) {
    ResolverConfig& resolver = config.resolver;
    root.read("threads", config.threads, 1, kMaxThreads);
    root.read("positive_ttl_s", resolver.positive_ttl, 0s, kMaxTtl);
    root.read("negative_ttl_s", resolver.negative_ttl, 0s, kMaxTtl);
    root.read("ldap_timeout_ms", resolver.ldap_timeout, 1ms, kMaxTimeout);
    root.read("quota_timeout_ms", resolver.quota_timeout, 1ms, kMaxTimeout);
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
    if (ldap.require("uri", resolver.ldap_uri) && !is_ldap_uri(resolver.ldap_uri))
        ldap.report_value("uri", "'ldap.uri' must start with ldap://, ldaps:// or ldapi://");
    if (ldap.require("base", resolver.ldap_base) && resolver.ldap_base.empty())
        ldap.report_value("base", "'ldap.base' must not be empty");
    std::string secret;
    ldap.read("bind_dn", resolver.bind_dn);
    ldap.read("bind_password_file", secret);
    // The rendered template writes both as "" when the directory allows anonymous reads.
    if (resolver.bind_dn.empty() != secret.empty()) {
        ldap.report_value(resolver.bind_dn.empty() ? "bind_password_file" : "bind_dn",
                          "set both 'ldap.bind_dn' and 'ldap.bind_password_file', or neither "
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

void check_quota_source(const ResolverConfig& resolver, TableReader& quota) {
    if (resolver.quota_source == QuotaSource::dovecot_quota_status &&
        !parse_host_port(resolver.quota_address))
        quota.report_at(quota.where(), "'quota.address' must be host:port of Dovecot's "
                                       "quota-status service when source is "
                                       "\"dovecot-quota-status\"");
    if (resolver.quota_source == QuotaSource::maildirsize &&
        !fs::path(resolver.maildirsize_root).is_absolute())
        quota.report_at(quota.where(), "'quota.maildir_root' must be an absolute path when "
                                       "source is \"maildirsize\"");
    if (resolver.quota_source == QuotaSource::fs && resolver.fs_quota_device.empty())
        quota.report_at(quota.where(), "'quota.device' must name the block device or mount "
                                       "point when source is \"fs\"");
}

// The rendered template writes every key of [quota] whatever the source, so the keys
// that the chosen source does not use are accepted and ignored.
void read_quota(TableReader& quota, BridgeConfig& config) {
    ResolverConfig& resolver = config.resolver;
    quota.read("address", resolver.quota_address);
    quota.read("maildir_root", resolver.maildirsize_root);
    quota.read("device", resolver.fs_quota_device);
    std::string source_name;
    if (!quota.require("source", source_name))
        return;
    auto source = parse_quota_source(source_name);
    if (!source) {
        quota.report_value(
            "source", "'quota.source' must be \"dovecot-quota-status\", \"maildirsize\" or \"fs\"");
        return;
    }
    resolver.quota_source = *source;
    check_quota_source(resolver, quota);
}

void read_virtual_users(const std::string& domain, const toml::table& users, TableReader& root,
                        std::map<std::string, std::string>& out) {
    for (auto&& [key, node] : users) {
        std::string local = lowercase(key.str());
        auto login = node.value<std::string>();
        if (!is_valid_local_part(local))
            root.report_at(node, in_quotes(key.str()) + " in " + in_quotes(domain) +
                                     " is not a valid local part");
        else if (!login || !is_valid_login(*login))
            root.report_at(node, "the login of " + in_quotes(local + "@" + domain) +
                                     " must be a string like \"alice\" ([a-z0-9._-])");
        else
            out[local] = *login;
    }
}

void read_virtual_domains(const toml::table& table, BridgeConfig& config, TableReader& root) {
    for (auto&& [key, node] : table) {
        std::string domain = lowercase(key.str());
        const toml::table* users = node.as_table();
        if (!is_valid_domain_name(domain) || domain == config.resolver.primary_domain)
            root.report_at(node, in_quotes(domain) + " is not a domain name other than 'domain'");
        else if (!users)
            root.report_at(node, in_quotes(domain) + " must map local parts to logins: "
                                                     "{ postmaster = \"alice\" }");
        else
            read_virtual_users(domain, *users, root, config.resolver.virtual_domains[domain]);
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
    std::string cert, key, client_ca;
    const bool has_cert = tls.require("cert", cert);
    const bool has_key = tls.require("key", key);
    tls.read("client_ca", client_ca);
    for (const char* name : {"cert", "key", "client_ca"})
        if (const toml::node* node = tls.find(name); node && node->value<std::string>() &&
                                                     node->value<std::string>()->empty())
            tls.report_at(*node, "'tls." + std::string(name) + "' must not be empty");
    if (!has_cert || !has_key || cert.empty() || key.empty())
        return nullptr;
    TlsServerSettings settings;
    settings.cert_file = resolve_against(file_name, cert).string();
    settings.key_file = resolve_against(file_name, key).string();
    if (!client_ca.empty())
        settings.client_ca_file = resolve_against(file_name, client_ca).string();
    config.tls = std::move(settings);
    return tls.find("key");
}

struct Files {
    const toml::node* secret = nullptr;  // ldap.bind_password_file
    const toml::node* tls_key = nullptr; // tls.key
};

Files read_sections(TableReader& root, const std::string& file_name, BridgeConfig& config) {
    Files files;
    if (TableReader ldap = root.child("ldap", Need::required); ldap.present()) {
        files.secret = read_ldap(ldap, file_name, config);
        ldap.report_unknown_keys();
    }
    if (TableReader quota = root.child("quota", Need::required); quota.present()) {
        read_quota(quota, config);
        quota.report_unknown_keys();
    }
    if (const toml::table* domains = root.data_table("virtual_domains"))
        read_virtual_domains(*domains, config, root);
    if (TableReader tls = root.child("tls"); tls.present()) {
        files.tls_key = read_tls(tls, file_name, config);
        tls.report_unknown_keys();
    }
    return files;
}

/// The TLS key's mode and the bind password, once the file is otherwise valid.
void read_files(TableReader& root, const Files& files, BridgeConfig& config) {
    if (files.tls_key)
        if (auto key = check_private_file(config.tls->key_file); !key)
            root.report_at(*files.tls_key, "'tls.key': " + key.error());
    if (!files.secret)
        return;
    auto password = read_secret_file(config.bind_password_file);
    if (password)
        config.resolver.bind_password = std::move(*password);
    else
        root.report_at(*files.secret, "'ldap.bind_password_file': " + password.error());
}

void read_root(TableReader& root, const std::string& file_name, BridgeConfig& config,
               const Diagnostics& out) {
    read_listen(root, config);
    read_allow(root, config);
    read_domain(root, config);
    read_log(root, config);
    read_numbers(root, config);
    const Files files = read_sections(root, file_name, config);
    root.report_unknown_keys();
    fill_domains(config.resolver);
    // Only a file that is otherwise valid is worth a look at the secrets.
    if (out.empty())
        read_files(root, files, config);
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
    if (const auto table = parse_toml(text, file_name, out)) {
        TableReader root(*table, out, kDialect);
        read_root(root, file_name, config, out);
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
