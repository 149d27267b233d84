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

/// A service of agent.toml: how the agent sees it running, and the counters it writes.
struct LabService {
    std::string pid_file;
    std::string stats_file; // empty: none
};

/// The services host.status reports: the mail daemons the lab runs there, by pid file.
/// Not sshd (no mail service) nor the agent itself: a host lists what it serves, and an
/// agent that answers host.status is running anyway.
std::map<std::string, LabService> lab_services(const Layout& layout, const Host& host) {
    std::map<std::string, LabService> services;
    for (const auto& daemon : lab_daemons_of(host.role)) {
        if (daemon == "sshd" || daemon == "agent")
            continue;
        if (daemon == "policyd")
            services["mailng-policyd"] = {foreground_pid_file(host, daemon),
                                          policyd_stats_file(host)};
        else if (daemon == "bridge")
            services["mailng-quotad-bridge"] = {foreground_pid_file(host, daemon), ""};
        else
            services[daemon] = {lab_pid_file(daemon, host, layout), ""};
    }
    return services;
}

std::string services_toml(const Layout& layout, const Host& host) {
    std::string toml;
    for (const auto& [name, service] : lab_services(layout, host)) {
        toml += "\n[services." + name + "]\npid_file = " + quoted(service.pid_file) + "\n";
        if (!service.stats_file.empty())
            toml += "stats_file = " + quoted(service.stats_file) + "\n";
    }
    return toml;
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
    toml += services_toml(layout, host);
    // The lab's serve samples every 10 s so that the console's charts fill within a minute.
    toml += "\n[metrics]\ninterval_s = 10\n";
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

std::string policyd_stats_file(const Host& host) {
    return host.paths.mailng_state_dir + "/policyd-stats.json";
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
