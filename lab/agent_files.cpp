#include "agent_files.h"

#include "daemons.h"
#include "setup.h"

#include <filesystem>
#include <map>

namespace mailng::lab {
namespace {

using Status = Result<bool, std::string>;

constexpr const char* kReleaseScript = "/usr/sbin/amavisd-release";
constexpr const char* kReleaseSocketLine = "  $socketname = '/var/lib/amavis/amavisd.sock';";

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string release_script_path(const Layout& layout, const Host& host) {
    return layout.host_dir(host.name) + "/bin/amavisd-release";
}

/// The services host.status reports: the daemons the lab runs there, by pid file.
std::map<std::string, std::string> service_pid_files(const Layout& layout, const Host& host) {
    std::map<std::string, std::string> services;
    for (const auto& daemon : lab_daemons_of(host.role)) {
        if (daemon == "sshd")
            continue;
        std::string name = daemon == "policyd"  ? "mailng-policyd"
                           : daemon == "bridge" ? "mailng-quotad-bridge"
                                                : daemon;
        services[name] = daemon == "policyd" || daemon == "bridge"
                             ? foreground_pid_file(host, daemon)
                             : lab_pid_file(daemon, host, layout);
    }
    return services;
}

std::string agent_toml(const Layout& layout, const Host& host) {
    const auto& paths = host.paths;
    std::string toml = "# mailng-agent on lab host " + host.name + ", written by mailng-lab.\n";
    toml += "host = " + quoted(host.name) + "\nrole = " + quoted(std::string(role_name(host.role))) +
            "\nstate_dir = " + quoted(layout.host_dir(host.name) + "/agent-state") + "\n";
    if (host.role == Role::relay)
        toml += "\n[tools]\namavisd_release = " + quoted(release_script_path(layout, host)) + "\n";
    toml += "\n[postfix]\nconfig_dir = " + quoted(paths.postfix_config_dir) +
            "\nqueue_dir = " + quoted(paths.postfix_queue_dir) + "\n";
    toml += "\n[dovecot]\nconfig = " + quoted(paths.dovecot_config) + "\n";
    toml += "\n[amavis]\nquarantine_dir = " + quoted(paths.amavis_quarantine) + "\n";
    toml += "\n[filesystems]\nmail = " + quoted(paths.mail_root) + "\nvar = " + quoted(layout.dir) + "\n";
    for (const auto& [name, pid_file] : service_pid_files(layout, host))
        toml += "\n[services." + name + "]\npid_file = " + quoted(pid_file) + "\n";
    toml += "\n[access]\nroot = \"admin\"\n" + quoted(kLabOperator) + " = \"operator\"\n" +
            quoted(kLabViewer) + " = \"viewer\"\n";
    return toml;
}

Status write_release_script(const Layout& layout, const Host& host) {
    std::string script = read_file(kReleaseScript);
    auto at = script.find(kReleaseSocketLine);
    if (at == std::string::npos)
        return unexpected(std::string(kReleaseScript) + " has no socket line to point at " +
                          host.name + "'s amavisd");
    script.replace(at, std::string_view(kReleaseSocketLine).size(),
                   "  $socketname = '" + host.paths.amavis_release_socket + "';  # mailng-lab");
    auto dir = std::filesystem::path(release_script_path(layout, host)).parent_path();
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        return unexpected("cannot create " + dir.string() + ": " + error.message());
    return write_file(release_script_path(layout, host), script, 0755);
}

} // namespace

std::string agent_config_path(const Layout& layout, const std::string& host) {
    return layout.host_dir(host) + "/agent.toml";
}

std::string agent_command(const Layout& layout, const std::string& host) {
    return sibling_program("agent/mailng-agent") + " --config " + agent_config_path(layout, host) +
           " stdio";
}

std::string foreground_pid_file(const Host& host, const std::string& daemon) {
    return host.paths.mailng_state_dir + "/" + daemon + ".pid";
}

Status write_agent_files(const Layout& layout, const Cluster& cluster) {
    for (const auto& host : cluster.hosts) {
        if (auto written = write_file(agent_config_path(layout, host.name), agent_toml(layout, host), 0600);
            !written)
            return written;
        if (host.role == Role::relay)
            if (auto written = write_release_script(layout, host); !written)
                return written;
    }
    return true;
}

} // namespace mailng::lab
