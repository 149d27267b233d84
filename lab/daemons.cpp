#include "daemons.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

#include "agent_files.h"
#include "process.h"
#include "setup.h"

namespace mailng::lab {
namespace {

using Status = Result<bool, std::string>;

std::vector<std::string> daemon_services(const std::string& daemon, Role role) {
    static const std::map<std::string, std::vector<std::string>> relay{
        {"postfix", {"smtp", "submission", "reinject"}},
        {"dovecot", {"imap", "pop3", "sieve", "director"}},
        {"amavisd", {"amavis"}},
        {"policyd", {"policy"}}};
    static const std::map<std::string, std::vector<std::string>> backend{
        {"postfix", {"smtp"}},
        {"bridge", {"bridge"}},
        {"dovecot", {"imap", "pop3", "sieve", "lmtp", "sasl", "quota_status"}}};
    if (daemon == "sshd")
        return {"ssh"};
    if (daemon == "slapd")
        return {"ldap"};
    if (role == Role::client)
        return daemon == "postfix" ? std::vector<std::string>{"smtp"} : std::vector<std::string>{};
    const auto& table = role == Role::relay ? relay : backend;
    auto found = table.find(daemon);
    return found == table.end() ? std::vector<std::string>{} : found->second;
}

std::vector<std::string> mail_daemons_of(Role role) {
    const bool policy = policy_programs_built();
    switch (role) {
    case Role::directory:
        return {"slapd", "sshd"};
    case Role::relay:
        if (policy)
            return {"amavisd", "postfix", "dovecot", "policyd", "sshd"};
        return {"amavisd", "postfix", "dovecot", "sshd"};
    case Role::backend:
        if (policy)
            return {"postfix", "dovecot", "bridge", "sshd"};
        return {"postfix", "dovecot", "sshd"};
    case Role::client:
        return {"postfix", "sshd"};
    }
    return {};
}

/// The daemons the lab runs in the foreground itself: the spawned pid is the daemon.
bool runs_in_foreground(const std::string& daemon) {
    return daemon == "policyd" || daemon == "bridge" || daemon == "agent";
}

} // namespace

std::vector<std::string> lab_daemons_of(Role role) {
    auto daemons = mail_daemons_of(role);
    if (agent_program_built())
        daemons.push_back("agent");
    return daemons;
}

std::string lab_pid_file(const std::string& daemon, const Host& host, const Layout& layout) {
    if (daemon == "postfix")
        return host.paths.postfix_queue_dir + "/pid/master.pid";
    if (daemon == "dovecot")
        return host.paths.dovecot_base_dir + "/master.pid";
    if (daemon == "amavisd")
        return host.paths.amavis_home + "/amavisd.pid";
    if (daemon == "slapd")
        return layout.ldap_dir() + "/run/slapd.pid";
    if (runs_in_foreground(daemon))
        return {}; // the spawned pid is the daemon (and foreground_pid_file() has it)
    return layout.host_dir(host.name) + "/sshd.pid";
}

namespace {

// Output goes to `log`, next to what the daemon itself logs there.
Status run_step(const std::vector<std::string>& argv, const std::string& log) {
    auto result = run_daemonizing(argv, log);
    if (result.exit_code == 0)
        return true;
    std::string what = result.timed_out ? " did not return in time"
                                        : " failed (exit " + std::to_string(result.exit_code) + ")";
    return unexpected(describe(argv) + what + "; see " + log);
}

Status start_postfix(const Host& host) {
    const auto& dir = host.paths.postfix_config_dir;
    if (auto checked = run_step({"postfix", "-c", dir, "check"}, host.paths.postfix_maillog);
        !checked)
        return checked;
    return run_step({"postfix", "-c", dir, "start"}, host.paths.postfix_maillog);
}

Status spawned(int pid, DaemonRecord& record, const std::string& log) {
    if (pid <= 0)
        return unexpected("cannot start " + record.name + " on " + record.host);
    record.pid = pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    if (!process_alive(pid))
        return unexpected(record.name + " on " + record.host + " exited at once; see " + log);
    return true;
}

Status start_slapd(DaemonRecord& record, const Layout& layout, const Host& host,
                   const Cluster& cluster) {
    const std::string log = layout.log_dir(host.name) + "/slapd.log";
    const std::string url =
        "ldap://" + host.address + ":" + std::to_string(cluster.ports.ldap) + "/";
    // -d keeps slapd in the foreground, the only way it logs anywhere but syslog.
    int pid = spawn_detached(
        {"slapd", "-h", url, "-f", layout.ldap_dir() + "/slapd.conf", "-d", "stats"}, log);
    return spawned(pid, record, log);
}

Status start_amavisd(DaemonRecord& record, const Host& host) {
    const std::string log = host.paths.amavis_log + ".out";
    int pid = spawn_detached({"amavisd", "-c", host.paths.amavis_config, "foreground"}, log);
    return spawned(pid, record, log);
}

// mailng's own daemons run in the foreground with their log on stderr, into the host's
// log directory, like slapd. Their pid goes to foreground_pid_file() too, where the
// agent (and anyone else) finds it the way it finds the other daemons' pid files.
Status start_in_foreground(DaemonRecord& record, const Layout& layout, const Host& host,
                           const std::vector<std::string>& argv) {
    const std::string log = layout.log_dir(host.name) + "/" + record.name + ".log";
    auto started = spawned(spawn_detached(argv, log), record, log);
    if (started)
        (void)write_file(foreground_pid_file(host, record.name), std::to_string(record.pid) + "\n",
                         0644);
    return started;
}

Status start_policy_daemon(DaemonRecord& record, const Layout& layout, const Host& host) {
    const bool policyd = record.name == "policyd";
    const std::string program =
        sibling_program(policyd ? "policyd/mailng-policyd" : "quotad-bridge/mailng-quotad-bridge");
    const std::string config =
        host.paths.mailng_config_dir + (policyd ? "/policyd.toml" : "/quotad-bridge.toml");
    return start_in_foreground(record, layout, host, {program, "--config", config, "--foreground"});
}

// `serve` samples host.status into the host's metrics.sqlite (agent.toml's state_dir).
Status start_agent(DaemonRecord& record, const Layout& layout, const Host& host) {
    return start_in_foreground(record, layout, host,
                               {sibling_program("agent/mailng-agent"), "--config",
                                agent_config_path(layout, host.name), "serve", "--foreground"});
}

Status start_sshd(const Layout& layout, const Host& host) {
    const std::string dir = layout.host_dir(host.name);
    return run_step({"/usr/sbin/sshd", "-f", dir + "/sshd_config", "-E",
                     layout.log_dir(host.name) + "/sshd.log"},
                    layout.log_dir(host.name) + "/sshd.log");
}

Status start_by_name(DaemonRecord& record, const Layout& layout, const Host& host,
                     const Cluster& cluster) {
    if (record.name == "postfix")
        return start_postfix(host);
    if (record.name == "dovecot")
        return run_step({"dovecot", "-c", host.paths.dovecot_config}, host.paths.dovecot_log);
    if (record.name == "amavisd")
        return start_amavisd(record, host);
    if (record.name == "slapd")
        return start_slapd(record, layout, host, cluster);
    if (record.name == "policyd" || record.name == "bridge")
        return start_policy_daemon(record, layout, host);
    if (record.name == "agent")
        return start_agent(record, layout, host);
    return start_sshd(layout, host);
}

} // namespace

std::string sibling_program(const std::string& relative) {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return (self.parent_path().parent_path() / relative).string();
}

bool policy_programs_built() {
    return access(sibling_program("policyd/mailng-policyd").c_str(), X_OK) == 0 &&
           access(sibling_program("quotad-bridge/mailng-quotad-bridge").c_str(), X_OK) == 0;
}

bool agent_program_built() {
    return access(sibling_program("agent/mailng-agent").c_str(), X_OK) == 0;
}

std::vector<std::string> services_of(Role role) {
    std::vector<std::string> services;
    for (const auto& daemon : lab_daemons_of(role))
        for (const auto& service : daemon_services(daemon, role))
            services.push_back(service);
    return services;
}

std::vector<DaemonRecord> plan_daemons(const Layout& layout, const Cluster& cluster) {
    std::vector<DaemonRecord> plan;
    for (const auto& host : cluster.hosts)
        for (const auto& daemon : lab_daemons_of(host.role)) {
            DaemonRecord record{host.name, daemon, lab_pid_file(daemon, host, layout), 0, {}};
            for (const auto& service : daemon_services(daemon, host.role))
                record.endpoints.push_back(
                    {host.address, port_of(cluster.ports, service), service});
            plan.push_back(record);
        }
    return plan;
}

Result<bool, std::string> start_daemon(DaemonRecord& record, const Layout& layout,
                                       const Cluster& cluster) {
    const Host* host = cluster.find_host(record.host);
    if (!host)
        return unexpected("no host " + record.host);
    auto started = start_by_name(record, layout, *host, cluster);
    if (!started)
        return started;
    if (int pid = live_pid_from_file(record.pid_file))
        record.pid = pid;
    return true;
}

} // namespace mailng::lab
