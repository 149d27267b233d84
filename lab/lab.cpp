#include "lab.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "agent_files.h"
#include "daemons.h"
#include "fixtures.h"
#include "layout.h"
#include "mailng/cluster.h"
#include "mailng/render.h"
#include "net.h"
#include "process.h"
#include "setup.h"
#include "state.h"

namespace mailng::lab {
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto startup_deadline = std::chrono::seconds(90);
// policyd.toml's breaker_open_s in the lab (resources/templates/mailng/policyd.toml).
constexpr int lab_breaker_open_s = 5;

Layout layout_of(const Options& options) {
    return Layout{fs::absolute(options.dir).lexically_normal().string()};
}

std::string resources_of(const Options& options) {
    return options.resource_dir.empty() ? default_resource_dir() : options.resource_dir;
}

std::string cluster_file_of(const Options& options) {
    return options.cluster_file.empty() ? resources_of(options) + "/lab/cluster.toml"
                                        : options.cluster_file;
}

bool all_running(const std::vector<DaemonRecord>& records) {
    if (records.empty())
        return false;
    for (const auto& record : records)
        if (!live_pid(record))
            return false;
    return true;
}

std::vector<std::string> taken_ports(const std::vector<DaemonRecord>& plan) {
    std::vector<std::string> taken;
    for (const auto& record : plan)
        for (const auto& e : record.endpoints)
            if (!port_is_free(e.address, e.port))
                taken.push_back(e.address + ":" + std::to_string(e.port) + " (" + e.service +
                                " of " + record.host + ")");
    return taken;
}

// Postfix binds only addresses that an interface carries; the lab adds its hosts'
// addresses to lo and takes back exactly those it added.
Result<bool, std::string> add_loopback_addresses(const Layout& layout, const Cluster& cluster) {
    std::string added;
    for (const auto& host : cluster.hosts) {
        if (address_is_local(host.address))
            continue;
        auto result = run_command({"ip", "addr", "add", host.address + "/32", "dev", "lo"});
        if (result.exit_code != 0)
            return unexpected("cannot add " + host.address + " to lo: " + result.output);
        added += host.address + "\n";
        write_file(layout.added_addresses(), added, 0644);
    }
    return true;
}

void remove_loopback_addresses(const Layout& layout) {
    std::istringstream lines(read_file(layout.added_addresses()));
    for (std::string address; std::getline(lines, address);)
        if (!address.empty())
            run_command({"ip", "addr", "del", address + "/32", "dev", "lo"});
    std::error_code ec;
    fs::remove(layout.added_addresses(), ec);
}

int stop_all(const Layout& layout) {
    auto records = read_state(layout.state_file());
    std::vector<int> pids;
    for (const auto& record : records)
        if (int pid = live_pid(record))
            pids.push_back(pid);
    auto survivors = stop_processes(pids);
    for (int pid : survivors)
        std::cerr << "mailng-lab: pid " << pid << " did not stop\n";
    if (survivors.empty())
        remove_loopback_addresses(layout);
    return static_cast<int>(survivors.size());
}

Json host_json(const Host& host, const Cluster& cluster, const Layout& layout) {
    Json ports = Json::object();
    for (const auto& service : services_of(host.role))
        ports[service] = port_of(cluster.ports, service);
    Json json = {{"role", std::string(role_name(host.role))},
                 {"address", host.address},
                 {"fqdn", host.fqdn},
                 {"ports", ports},
                 {"agent_command", agent_command(layout, host.name)},
                 {"agent_config", agent_config_path(layout, host.name)}};
    if (host.role != Role::directory)
        json["postfix_config_dir"] = host.paths.postfix_config_dir;
    if (host.role == Role::relay || host.role == Role::backend)
        json["dovecot_config"] = host.paths.dovecot_config;
    if (host.role == Role::relay)
        json["amavis_quarantine"] = host.paths.amavis_quarantine;
    return json;
}

Json policy_json(const PolicySettings& policy) {
    return {{"positive_ttl_s", policy.positive_ttl_s}, {"negative_ttl_s", policy.negative_ttl_s},
            {"backend_timeout_ms", policy.backend_timeout_ms},
            {"breaker_open_s", lab_breaker_open_s}};
}

Json lab_json(const Cluster& cluster, const Layout& layout, const Fixtures& fixtures) {
    Json hosts = Json::object();
    for (const auto& host : cluster.hosts)
        hosts[host.name] = host_json(host, cluster, layout);
    Json fixture_json = fixtures_lab_json(fixtures, cluster.domain);
    return {
        {"hosts", hosts},
        {"domain", cluster.domain},
        {"ldap",
         {{"uri", cluster.ldap.uri},
          {"base", cluster.ldap.base},
          {"root_dn", "cn=admin," + cluster.ldap.base},
          {"root_password", read_file(layout.ldap_root_secret())},
          {"bind_dn", cluster.ldap.bind_dn},
          {"bind_password_file", layout.ldap_secret()}}},
        {"ssh",
         {{"user", "root"}, {"key", layout.client_key()}, {"known_hosts", layout.known_hosts()}}},
        {"cluster_file", cluster.source_file},
        {"users", fixture_json["users"]},
        {"lists", fixture_json["lists"]},
        {"outside_address", "127.0.2.1"},
        {"mail_root", layout.mail_root() + "/maildirs"},
        {"tls", {{"cert", layout.tls_cert()}}},
        {"policy", policy_programs_built() ? policy_json(cluster.policy) : Json::object()}};
}

Result<bool, std::string> prepare(const Layout& layout, const Cluster& cluster,
                                  const Fixtures& fixtures, const std::string& resources) {
    return in_order({[&] { return prepare_lab_dir(layout); },
                     [&] { return add_loopback_addresses(layout, cluster); },
                     [&] { return make_credentials(layout, cluster); },
                     [&] { return write_host_files(layout, cluster, resources); },
                     [&] { return write_agent_files(layout, cluster); },
                     [&] { return write_directory(layout, cluster, fixtures, resources); },
                     [&] { return write_sshd_configs(layout, cluster, resources); }});
}

Result<bool, std::string> start_all(const Layout& layout, const Cluster& cluster) {
    auto plan = plan_daemons(layout, cluster);
    std::vector<DaemonRecord> started;
    for (auto& record : plan) {
        started.push_back(record);
        write_state(layout.state_file(), started); // before the start: down must see it
        if (auto ok = start_daemon(started.back(), layout, cluster); !ok)
            return ok;
        write_state(layout.state_file(), started);
    }
    return true;
}

Result<bool, std::string> wait_for_all(const Layout& layout) {
    auto deadline = Clock::now() + startup_deadline;
    for (const auto& record : read_state(layout.state_file()))
        for (const auto& e : record.endpoints) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            std::string banner = (e.service == "smtp" || e.service == "amavis") ? "220" : "";
            if (!wait_until_answering(e.address, e.port, banner, left))
                return unexpected(record.name + " on " + record.host + " does not answer on " +
                                  e.address + ":" + std::to_string(e.port) + " (" + e.service +
                                  "); logs in " + layout.log_dir(record.host));
        }
    return true;
}

int fail_up(const Layout& layout, const std::string& message) {
    std::cerr << "mailng-lab: " << message << "\n";
    stop_all(layout);
    return 1;
}

Result<Cluster, int> load_lab_cluster(const Options& options, const Layout& layout) {
    auto cluster = load_cluster(cluster_file_of(options));
    if (!cluster) {
        for (const auto& problem : cluster.error())
            std::cerr << problem.to_string() << "\n";
        return unexpected(2);
    }
    if (cluster->hosts_with_role(Role::directory).empty()) {
        std::cerr << cluster->source_file << ": the lab needs a host with role \"directory\"\n";
        return unexpected(2);
    }
    apply_lab_paths(*cluster, layout);
    return std::move(*cluster);
}

} // namespace

int lab_up(const Options& options) {
    const Layout layout = layout_of(options);
    if (all_running(read_state(layout.state_file()))) {
        std::cout << "mailng-lab: already up in " << layout.dir << "\n";
        return 0;
    }
    if (stop_all(layout) != 0)
        return 1;
    auto cluster = load_lab_cluster(options, layout);
    if (!cluster)
        return cluster.error();
    auto fixtures = load_fixtures(resources_of(options) + "/lab/fixtures.toml");
    if (!fixtures) {
        std::cerr << fixtures.error().to_string() << "\n";
        return 2;
    }
    if (auto taken = taken_ports(plan_daemons(layout, *cluster)); !taken.empty()) {
        for (const auto& port : taken)
            std::cerr << "mailng-lab: port " << port << " is taken\n";
        return 1;
    }
    auto begin = Clock::now();
    if (auto ready = prepare(layout, *cluster, *fixtures, resources_of(options)); !ready)
        return fail_up(layout, ready.error());
    if (auto started = start_all(layout, *cluster); !started)
        return fail_up(layout, started.error());
    if (auto answering = wait_for_all(layout); !answering)
        return fail_up(layout, answering.error());
    if (!write_file(layout.lab_json(), lab_json(*cluster, layout, *fixtures).dump(2) + "\n", 0600))
        return fail_up(layout, "cannot write " + layout.lab_json());
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - begin);
    std::cout << "mailng-lab: up in " << layout.dir << " (" << took.count() / 1000.0 << " s); see "
              << layout.lab_json() << "\n";
    return 0;
}

int lab_down(const Options& options) {
    const Layout layout = layout_of(options);
    int left = stop_all(layout);
    std::error_code ec;
    fs::remove(layout.lab_json(), ec);
    std::cout << "mailng-lab: " << (left ? "some processes did not stop" : "down") << "\n";
    return left ? 1 : 0;
}

namespace {

DaemonRecord* find_record(std::vector<DaemonRecord>& records, const Options& options) {
    for (auto& record : records)
        if (record.host == options.host && record.name == options.daemon)
            return &record;
    std::cerr << "mailng-lab: no daemon " << options.daemon << " on " << options.host << "\n";
    return nullptr;
}

} // namespace

int lab_stop_daemon(const Options& options) {
    const Layout layout = layout_of(options);
    auto records = read_state(layout.state_file());
    DaemonRecord* record = find_record(records, options);
    if (!record)
        return 2;
    int pid = live_pid(*record);
    return pid && !stop_processes({pid}).empty() ? 1 : 0;
}

int lab_start_daemon(const Options& options) {
    const Layout layout = layout_of(options);
    auto records = read_state(layout.state_file());
    DaemonRecord* record = find_record(records, options);
    if (!record)
        return 2;
    if (live_pid(*record))
        return 0;
    auto cluster = load_lab_cluster(options, layout);
    if (!cluster)
        return cluster.error();
    auto started = start_daemon(*record, layout, *cluster);
    write_state(layout.state_file(), records);
    if (!started) {
        std::cerr << "mailng-lab: " << started.error() << "\n";
        return 1;
    }
    for (const auto& e : record->endpoints)
        if (!wait_until_answering(e.address, e.port, "", startup_deadline)) {
            std::cerr << "mailng-lab: " << record->name << " does not answer on " << e.address
                      << ":" << e.port << "\n";
            return 1;
        }
    return 0;
}

int lab_status(const Options& options) {
    const Layout layout = layout_of(options);
    auto records = read_state(layout.state_file());
    if (records.empty()) {
        std::cout << "mailng-lab: no lab in " << layout.dir << "\n";
        return 1;
    }
    bool all_up = true;
    for (const auto& record : records) {
        int pid = live_pid(record);
        all_up = all_up && pid;
        std::cout << record.host << "\t" << record.name << "\t"
                  << (pid ? "up, pid " + std::to_string(pid) : std::string("DOWN")) << "\n";
    }
    return all_up ? 0 : 1;
}

} // namespace mailng::lab
