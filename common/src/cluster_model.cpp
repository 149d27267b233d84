// The plain parts of the cluster model: roles, Table 7 defaults, host lookups.
#include <algorithm>
#include <array>
#include <cctype>

#include "mailng/cluster.h"

namespace mailng {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> role_names{{
    {Role::relay, "relay"},
    {Role::backend, "backend"},
    {Role::client, "client"},
    {Role::directory, "directory"},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

} // namespace

std::string_view role_name(Role role) {
    for (const auto& [candidate, name] : role_names) {
        if (candidate == role) {
            return name;
        }
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
    for (const auto& [role, candidate] : role_names) {
        if (candidate == name) {
            return role;
        }
    }
    return std::nullopt;
}

Thresholds default_thresholds(Role role) {
    Thresholds thresholds; // /var: -w 20% -c 10% for every role
    if (role == Role::relay) {
        thresholds.load_warning = {25, 40, 15};
        thresholds.load_critical = {50, 80, 30};
        thresholds.queue_warning = 300;
        thresholds.queue_critical = 1000;
    } else {
        thresholds.load_warning = {50, 40, 30};
        thresholds.load_critical = {70, 60, 50};
        thresholds.queue_warning = 100;
        thresholds.queue_critical = 500;
    }
    return thresholds;
}

std::vector<const Host*> Cluster::hosts_with_role(Role role) const {
    std::vector<const Host*> result;
    for (const Host& host : hosts) {
        if (host.role == role) {
            result.push_back(&host);
        }
    }
    return result;
}

const Host* Cluster::find_host(std::string_view name) const {
    // Host names are DNS labels, so "Theano" and "theano" are the same host.
    const auto found = std::find_if(hosts.begin(), hosts.end(), [name](const Host& host) {
        return equal_ignoring_case(host.name, name);
    });
    return found == hosts.end() ? nullptr : &*found;
}

const std::vector<std::pair<std::string_view, int Ports::*>>& port_fields() {
    static const std::vector<std::pair<std::string_view, int Ports::*>> fields{
        {"smtp", &Ports::smtp},
        {"submission", &Ports::submission},
        {"imap", &Ports::imap},
        {"pop3", &Ports::pop3},
        {"lmtp", &Ports::lmtp},
        {"sieve", &Ports::sieve},
        {"director", &Ports::director},
        {"sasl", &Ports::sasl},
        {"quota_status", &Ports::quota_status},
        {"amavis", &Ports::amavis},
        {"reinject", &Ports::reinject},
        {"policy", &Ports::policy},
        {"bridge", &Ports::bridge},
        {"ldap", &Ports::ldap},
        {"ssh", &Ports::ssh}};
    return fields;
}

int port_of(const Ports& ports, std::string_view service) {
    for (const auto& [key, member] : port_fields())
        if (key == service)
            return ports.*member;
    return 0;
}

} // namespace mailng
