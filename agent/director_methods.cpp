// director.*: the manual's back-end maintenance with doveadm (Dovecot 2.3). On a host
// whose Dovecot runs no director, the director verbs answer not_supported; kick works
// on any Dovecot (the back-end step of a drain is a kick there).
#include "method_table.h"

#include "command_runner.h"
#include "mailng/cluster.h"
#include "mailng/doveadm_director.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace mailng::agent {
namespace {

constexpr std::int64_t kMaxWeight = 10000;

Command doveadm(const AgentConfig& config, std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", config.dovecot_config});
    return make_command(config.tools.doveadm, std::move(args), config.command_timeout);
}

/// Runs doveadm; a missing director becomes not_supported.
Result<std::string, jsonrpc::Error> run_doveadm(const AgentConfig& config,
                                                std::vector<std::string> args) {
    if (::access(config.tools.doveadm.c_str(), X_OK) != 0 ||
        ::access(config.dovecot_config.c_str(), R_OK) != 0)
        return unexpected(jsonrpc::not_supported_error("Dovecot (no doveadm or dovecot.conf)"));
    auto command = doveadm(config, std::move(args));
    auto outcome = run_command(command, 16u << 20);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (outcome->succeeded())
        return outcome->stdout_text;
    if (director_unavailable(outcome->stderr_text))
        return unexpected(
            jsonrpc::not_supported_error("Dovecot director (none runs on this host)"));
    return unexpected(tool_error(command, *outcome));
}

/// "ADDRESS/BITS" or a bare address.
bool is_network(const std::string& text) {
    auto slash = text.find('/');
    if (slash == std::string::npos)
        return is_valid_ip_address(text);
    auto bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit))
        return false;
    auto address = text.substr(0, slash);
    int max = is_ipv6_address(address) ? 128 : 32;
    return is_valid_ip_address(address) && std::stoi(bits) <= max;
}

/// A login name as Dovecot and LDAP see it; no leading '-', no spaces, no wildcards
/// (doveadm kick would take '*' and '?' as a mask).
bool is_user_name(const std::string& text) {
    if (text.empty() || text.size() > 256 || text.front() == '-')
        return false;
    return std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    });
}

Result<std::string, jsonrpc::Error> backend_param(const nlohmann::json& params) {
    auto backend = jsonrpc::required_string(params, "backend");
    if (!backend)
        return unexpected(backend.error());
    if (!is_valid_ip_address(*backend))
        return unexpected(jsonrpc::invalid_params_error("backend must be an IP address"));
    return *backend;
}

nlohmann::json backend_json(const DirectorBackend& backend) {
    return {{"address", backend.address},
            {"tag", backend.tag},
            {"weight", backend.vhosts},
            {"state", backend.state},
            {"state_changed", backend.state_changed},
            {"users", backend.users}};
}

Result<std::vector<DirectorBackend>, jsonrpc::Error> backends(const AgentConfig& config) {
    auto output = run_doveadm(config, {"-f", "tab", "director", "status"});
    if (!output)
        return unexpected(output.error());
    auto parsed = parse_director_status(*output);
    if (!parsed)
        return unexpected(
            jsonrpc::internal_error_error("doveadm director status: " + parsed.error()));
    return *parsed;
}

MethodResult user_status(const AgentConfig& config, const std::string& user) {
    if (!is_user_name(user))
        return unexpected(jsonrpc::invalid_params_error("user is not a login name"));
    auto output = run_doveadm(config, {"-f", "tab", "director", "status", user});
    if (!output)
        return unexpected(output.error());
    auto parsed = parse_director_user_status(*output);
    if (!parsed)
        return unexpected(
            jsonrpc::internal_error_error("doveadm director status: " + parsed.error()));
    return nlohmann::json{{"user", user},
                          {"current", parsed->current},
                          {"expires", parsed->expires},
                          {"hashed", parsed->hashed},
                          {"initial_config", parsed->initial_config}};
}

MethodResult director_status(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"user"}))
        return unexpected(*unknown);
    auto user = jsonrpc::optional_string(params, "user");
    if (!user)
        return unexpected(user.error());
    if (*user)
        return user_status(context.config, **user);
    auto list = backends(context.config);
    if (!list)
        return unexpected(list.error());
    nlohmann::json items = nlohmann::json::array();
    std::uint64_t users = 0;
    for (const auto& backend : *list) {
        items.push_back(backend_json(backend));
        users += backend.users;
    }
    return nlohmann::json{{"backends", items}, {"users", users}};
}

/// The back-end `address` in the director's list, or not_found.
Result<DirectorBackend, jsonrpc::Error> find_backend(const AgentConfig& config,
                                                     const std::string& address) {
    auto list = backends(config);
    if (!list)
        return unexpected(list.error());
    for (const auto& backend : *list)
        if (backend.address == address)
            return backend;
    return unexpected(jsonrpc::not_found_error("director back-end", address));
}

MethodResult set_weight(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"backend", "weight"}))
        return unexpected(*unknown);
    auto backend = backend_param(params);
    auto weight = jsonrpc::optional_integer(params, "weight", 0, kMaxWeight);
    if (!backend || !weight)
        return unexpected(!backend ? backend.error() : weight.error());
    if (!*weight)
        return unexpected(jsonrpc::invalid_params_error("weight is required"));
    auto before = find_backend(context.config, *backend);
    if (!before)
        return unexpected(before.error());
    auto done =
        run_doveadm(context.config, {"director", "update", *backend, std::to_string(**weight)});
    if (!done)
        return unexpected(done.error());
    return nlohmann::json{{"affected", 1},
                          {"backend", *backend},
                          {"previous_weight", before->vhosts},
                          {"weight", **weight}};
}

MethodResult director_flush(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"backend"}))
        return unexpected(*unknown);
    auto backend = backend_param(params);
    if (!backend)
        return unexpected(backend.error());
    auto before = find_backend(context.config, *backend);
    if (!before)
        return unexpected(before.error());
    auto done = run_doveadm(context.config, {"director", "flush", *backend});
    if (!done)
        return unexpected(done.error());
    return nlohmann::json{{"affected", before->users}, {"backend", *backend}};
}

/// The users doveadm kick names: it prints them around the phrase "kicked connections
/// from the following users:" (Dovecot 2.3 puts them before it), or "no users kicked".
std::int64_t kicked_users(std::string output) {
    static const std::string kPhrase = "kicked connections from the following users:";
    if (auto at = output.find(kPhrase); at != std::string::npos)
        output.erase(at, kPhrase.size());
    else
        return 0;
    std::int64_t count = 0;
    bool in_word = false;
    for (char c : output) {
        bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        count += (!space && !in_word) ? 1 : 0;
        in_word = !space;
    }
    return count;
}

bool nobody_to_kick(const jsonrpc::Error& error) {
    return error.code == jsonrpc::tool_failed && error.data.is_object() &&
           error.data.value("exit_status", 0) == 68; // EX_NOUSER: "no users kicked"
}

/// A user's sessions everywhere: the director ring tells every proxy to drop them.
/// Without a director, the sessions on this host.
MethodResult kick_local(const AgentConfig& config, const std::string& mask);

MethodResult kick_user(const AgentConfig& config, const std::string& user) {
    auto ring = run_doveadm(config, {"director", "kick", user});
    if (ring)
        return nlohmann::json{{"affected", 1}, {"scope", "director"}};
    if (ring.error().code != jsonrpc::not_supported)
        return unexpected(ring.error());
    return kick_local(config, user);
}

MethodResult kick_local(const AgentConfig& config, const std::string& mask) {
    auto output = run_doveadm(config, {"kick", mask});
    if (!output && nobody_to_kick(output.error()))
        return nlohmann::json{{"affected", 0}, {"scope", "host"}};
    if (!output)
        return unexpected(output.error());
    return nlohmann::json{{"affected", kicked_users(*output)}, {"scope", "host"}};
}

MethodResult director_kick(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"user", "network"}))
        return unexpected(*unknown);
    auto user = jsonrpc::optional_string(params, "user");
    auto network = jsonrpc::optional_string(params, "network");
    if (!user || !network)
        return unexpected(!user ? user.error() : network.error());
    if (user->has_value() == network->has_value())
        return unexpected(jsonrpc::invalid_params_error("give exactly one of user or network"));
    if (user->has_value()) {
        if (!is_user_name(**user))
            return unexpected(jsonrpc::invalid_params_error("user is not a login name"));
        return kick_user(context.config, **user);
    }
    if (!is_network(**network))
        return unexpected(jsonrpc::invalid_params_error("network must be ADDRESS or ADDRESS/BITS"));
    return kick_local(context.config, **network);
}

} // namespace

void register_director_methods(MethodTable& table) {
    table.add({"director.status", Access::viewer, false, director_status});
    table.add({"director.set_weight", Access::operator_, true, set_weight});
    table.add({"director.flush", Access::operator_, true, director_flush});
    table.add({"director.kick", Access::operator_, true, director_kick});
}

} // namespace mailng::agent
