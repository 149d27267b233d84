// agent.hello: who the agent is, who the caller is to it, and what this host can do,
// so that the console can show only the pages and buttons that will work.
#include "method_table.h"
#include "queue_source.h"

#include <unistd.h>

#include <filesystem>

namespace mailng::agent {
namespace {

bool executable(const std::string& path) {
    return !path.empty() && ::access(path.c_str(), X_OK) == 0;
}

bool exists(const std::string& path) {
    std::error_code ignored;
    return std::filesystem::exists(path, ignored);
}

nlohmann::json tools_json(const ToolPaths& tools) {
    return {{"postqueue", executable(tools.postqueue)},
            {"postsuper", executable(tools.postsuper)},
            {"postcat", executable(tools.postcat)},
            {"postconf", executable(tools.postconf)},
            {"doveadm", executable(tools.doveadm)},
            {"amavisd_release", executable(tools.amavisd_release)}};
}

nlohmann::json capabilities_json(const AgentConfig& config) {
    const auto& tools = config.tools;
    bool postfix = !postfix_missing(config);
    bool quarantine = exists(config.amavis_quarantine_dir);
    // Releasing needs a quarantine to release from, not only the script (which a host
    // without amavisd may have from the package).
    return {{"queue", postfix},
            {"quarantine", quarantine},
            {"quarantine_release", quarantine && executable(tools.amavisd_release)},
            {"dovecot", executable(tools.doveadm) && exists(config.dovecot_config)}};
}

nlohmann::json allowed_methods(const MethodTable& table, Access access) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [name, method] : table.all())
        if (access >= method.required)
            names.push_back(name);
    return names;
}

} // namespace

void register_hello_methods(MethodTable& table) {
    table.add({"agent.hello", Access::none, false,
               [&table](const CallContext& context, const nlohmann::json& params) -> MethodResult {
                   if (auto unknown = jsonrpc::unknown_param(params, {}))
                       return unexpected(*unknown);
                   return nlohmann::json{
                       {"agent", "mailng-agent"},
                       {"version", MAILNG_VERSION},
                       {"protocol", 1},
                       {"host", context.config.host},
                       {"role", context.config.role},
                       {"caller", context.caller},
                       {"access", std::string(to_string(context.access))},
                       {"methods", allowed_methods(table, context.access)},
                       {"tools", tools_json(context.config.tools)},
                       {"capabilities", capabilities_json(context.config)},
                       {"time", context.now}};
               }});
}

} // namespace mailng::agent
