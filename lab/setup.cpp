#include "setup.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "daemons.h"
#include "mailng/render.h"
#include "process.h"

namespace mailng::lab {
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

Status fail(std::string message) {
    return unexpected(std::move(message));
}
const Status ok = true;

uid_t uid_of(const std::string& user) {
    const passwd* pw = user.empty() ? nullptr : getpwnam(user.c_str());
    return pw ? pw->pw_uid : static_cast<uid_t>(-1);
}

gid_t gid_of(const std::string& group) {
    const struct group* gr = group.empty() ? nullptr : getgrnam(group.c_str());
    return gr ? gr->gr_gid : static_cast<gid_t>(-1);
}

Status make_dir(const std::string& path, int mode, const std::string& owner = {},
                const std::string& group = {}) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec)
        return fail("cannot create " + path + ": " + ec.message());
    if (chmod(path.c_str(), static_cast<mode_t>(mode)) != 0 ||
        chown(path.c_str(), uid_of(owner), gid_of(group.empty() ? owner : group)) != 0)
        return fail("cannot set owner or mode of " + path);
    return ok;
}

Status run_checked(const std::vector<std::string>& argv) {
    auto result = run_command(argv);
    if (result.exit_code != 0)
        return fail(describe(argv) + " failed (exit " + std::to_string(result.exit_code) +
                    "): " + result.output);
    return ok;
}

std::string random_secret() {
    std::random_device device;
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    std::string secret;
    for (int i = 0; i < 24; ++i)
        secret += alphabet[device() % (sizeof alphabet - 1)];
    return secret;
}

Status make_tls(const Layout& layout, const Cluster& cluster) {
    if (auto made = make_dir(fs::path(layout.tls_cert()).parent_path(), 0755); !made)
        return made;
    return run_checked({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        layout.tls_key(), "-out", layout.tls_cert(), "-days", "365", "-subj",
                        "/CN=mail." + cluster.domain});
}

std::string known_hosts_line(const Host& host, int port, const std::string& public_key) {
    std::string key = public_key.substr(0, public_key.find_last_of(' '));
    return "[" + host.address + "]:" + std::to_string(port) + " " + key + "\n";
}

Status make_ssh_keys(const Layout& layout, const Cluster& cluster) {
    if (auto made = make_dir(layout.ssh_dir(), 0700); !made)
        return made;
    if (auto key = run_checked({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                "mailng-lab-console", "-f", layout.client_key()});
        !key)
        return key;
    std::string known_hosts;
    for (const auto& host : cluster.hosts) {
        auto key_file = layout.host_dir(host.name) + "/ssh_host_ed25519_key";
        if (auto made = make_dir(layout.host_dir(host.name), 0755); !made)
            return made;
        if (auto key = run_checked(
                {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", host.name, "-f", key_file});
            !key)
            return key;
        known_hosts += known_hosts_line(host, cluster.ports.ssh, read_file(key_file + ".pub"));
    }
    return in_order({[&] { return write_file(layout.known_hosts(), known_hosts, 0644); },
                     [&] {
                         return write_file(layout.authorized_keys(),
                                           read_file(layout.client_key() + ".pub"), 0600);
                     }});
}

Status write_rendered(const RenderedFile& file) {
    if (auto made = make_dir(fs::path(file.path).parent_path(), 0755); !made)
        return made;
    return write_file(file.path, file.content, file.mode, {}, file.group);
}

Status make_postfix_dirs(const Host& host) {
    return in_order({[&] { return make_dir(host.paths.postfix_queue_dir, 0755); },
                     [&] { return make_dir(host.paths.postfix_data_dir, 0700, "postfix"); }});
}

Status make_backend_dirs(const Host& host) {
    const auto& p = host.paths;
    for (const auto& dir : {p.mail_root, p.index_root, p.control_root})
        if (auto made = make_dir(dir, 0770, "mail"); !made)
            return made;
    if (auto made = make_dir(p.dovecot_state_dir, 0755); !made)
        return made;
    return run_checked({"sievec", "-c", p.dovecot_config, p.sieve_dir + "/default.sieve"});
}

Status make_relay_dirs(const Host& host) {
    const auto& p = host.paths;
    for (const auto& dir : {p.amavis_home, p.amavis_home + "/tmp", p.amavis_home + "/db",
                            p.amavis_home + "/var", p.amavis_quarantine})
        if (auto made = make_dir(dir, 0750, "amavis"); !made)
            return made;
    if (auto log = write_file(p.amavis_log, "", 0640, "amavis"); !log)
        return log;
    return make_dir(p.dovecot_state_dir, 0755);
}

Status make_host_dirs(const Layout& layout, const Host& host) {
    if (auto made = make_dir(layout.log_dir(host.name), 0755); !made)
        return made;
    if (auto made = make_dir(host.paths.mailng_state_dir, 0755); !made)
        return made;
    if (host.role == Role::directory)
        return ok;
    if (auto made = make_postfix_dirs(host); !made)
        return made;
    if (host.role == Role::backend)
        return make_backend_dirs(host);
    if (host.role == Role::relay)
        return make_relay_dirs(host);
    return ok;
}

Result<std::string, std::string> render_resource(const std::string& path, const Json& context) {
    std::string text = read_file(path);
    if (text.empty())
        return unexpected("cannot read " + path);
    auto rendered = render_template(text, context);
    if (!rendered)
        return unexpected(path + ": " + rendered.error());
    return rendered;
}

Json directory_context(const Layout& layout, const Cluster& cluster, const Fixtures& fixtures,
                       const std::string& resource_dir) {
    RenderOptions options;
    options.ldap_bind_password = read_file(layout.ldap_secret());
    options.lab = true;
    const Host& directory = *cluster.hosts_with_role(Role::directory).front();
    Json context = render_context(cluster, directory, options);
    context.update(fixtures_ldif_context(fixtures, cluster.domain, cluster.ldap.base));
    context["header"] = "# Generated by mailng-lab for the lab directory. Do not edit.";
    context["lab"] = {{"schema_dir", resource_dir + "/ldap"},
                      {"ldap_data_dir", layout.ldap_dir() + "/data"},
                      {"ldap_run_dir", layout.ldap_dir() + "/run"},
                      {"root_dn", "cn=admin," + cluster.ldap.base},
                      {"root_password", read_file(layout.ldap_root_secret())}};
    return context;
}

} // namespace

Status in_order(std::initializer_list<Step> steps) {
    for (const auto& step : steps)
        if (auto result = step(); !result)
            return result;
    return ok;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Status write_file(const std::string& path, const std::string& content, int mode,
                  const std::string& user, const std::string& group) {
    const std::string temporary = path + ".new";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out)
            return fail("cannot write " + path);
    }
    if (chmod(temporary.c_str(), static_cast<mode_t>(mode)) != 0 ||
        chown(temporary.c_str(), uid_of(user), gid_of(group.empty() ? user : group)) != 0 ||
        std::rename(temporary.c_str(), path.c_str()) != 0)
        return fail("cannot install " + path);
    return ok;
}

Status prepare_lab_dir(const Layout& layout) {
    std::error_code ec;
    if (fs::exists(layout.dir) && !fs::is_empty(layout.dir, ec) && !fs::exists(layout.marker()))
        return fail(layout.dir + " is not empty and is not a mailng lab; choose another --dir");
    for (const char* part : {"hosts", "ldap", "mail", "ssh", "tls", "secrets"})
        fs::remove_all(layout.dir + "/" + part, ec);
    for (const auto& file : {layout.state_file(), layout.lab_json()})
        fs::remove(file, ec);
    // Daemons that run as postfix, dovecot, mail or amavis must be able to walk in.
    return in_order({[&] { return make_dir(layout.dir, 0755); },
                     [&] { return write_file(layout.marker(), "", 0644); },
                     [&] { return make_dir(layout.secrets(), 0700); }});
}

Status make_credentials(const Layout& layout, const Cluster& cluster) {
    return in_order({[&] { return write_file(layout.ldap_secret(), random_secret(), 0600); },
                     [&] { return write_file(layout.ldap_root_secret(), random_secret(), 0600); },
                     [&] { return make_tls(layout, cluster); },
                     [&] { return make_ssh_keys(layout, cluster); }});
}

Status write_host_files(const Layout& layout, const Cluster& cluster,
                        const std::string& resource_dir) {
    RenderOptions options;
    options.ldap_bind_password = read_file(layout.ldap_secret());
    options.lab = true;
    options.policy_service = policy_programs_built();
    for (const auto& host : cluster.hosts) {
        auto files = render_host(cluster, host, options, resource_dir + "/templates");
        if (!files)
            return fail("rendering " + host.name + ": " + files.error());
        for (const auto& file : *files)
            if (auto written = write_rendered(file); !written)
                return written;
        if (auto dirs = make_host_dirs(layout, host); !dirs)
            return dirs;
    }
    return ok;
}

Status write_directory(const Layout& layout, const Cluster& cluster, const Fixtures& fixtures,
                       const std::string& resource_dir) {
    Json context = directory_context(layout, cluster, fixtures, resource_dir);
    auto conf = render_resource(resource_dir + "/lab/slapd.conf.mustache", context);
    auto ldif = render_resource(resource_dir + "/lab/directory.ldif.mustache", context);
    if (!conf || !ldif)
        return fail(!conf ? conf.error() : ldif.error());
    const std::string conf_file = layout.ldap_dir() + "/slapd.conf";
    const std::string ldif_file = layout.ldap_dir() + "/directory.ldif";
    return in_order({[&] { return make_dir(layout.ldap_dir() + "/data", 0700); },
                     [&] { return make_dir(layout.ldap_dir() + "/run", 0755); },
                     [&] { return write_file(conf_file, *conf, 0600); },
                     [&] { return write_file(ldif_file, *ldif, 0600); },
                     [&] {
                         return run_checked({"slapadd", "-q", "-f", conf_file, "-l", ldif_file});
                     }});
}

Status write_sshd_configs(const Layout& layout, const Cluster& cluster,
                          const std::string& resource_dir) {
    if (auto made = make_dir("/run/sshd", 0755); !made)
        return made;
    for (const auto& host : cluster.hosts) {
        Json context = {{"address", host.address},
                        {"port", cluster.ports.ssh},
                        {"host_dir", layout.host_dir(host.name)},
                        {"authorized_keys", layout.authorized_keys()},
                        {"log_dir", layout.log_dir(host.name)}};
        auto conf = render_resource(resource_dir + "/lab/sshd_config.mustache", context);
        if (!conf)
            return fail(conf.error());
        if (auto written = write_file(layout.host_dir(host.name) + "/sshd_config", *conf, 0600);
            !written)
            return written;
    }
    return ok;
}

} // namespace mailng::lab
