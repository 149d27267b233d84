// The agent's methods: a name, the access it needs, whether it changes something (then
// the dispatcher writes it to the audit log before replying), and its handler. Each
// verb family registers its methods from its own file (queue_methods.cpp, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent_config.h"
#include "mailng/jsonrpc.h"
#include "mailng/result.h"

namespace mailng::agent {

class AuditLog;

/// What a handler knows about the call. `now` is read once per call (seconds since the
/// epoch), so that filters and ages agree within one answer.
struct CallContext {
    const AgentConfig& config;
    std::string caller;     // the SSH user, or SUDO_USER under sudo
    Access access = Access::none;
    std::int64_t now = 0;
    AuditLog* audit = nullptr;  // for audit.list; may be null when the log cannot open
};

using MethodResult = Result<nlohmann::json, jsonrpc::Error>;
using Handler = std::function<MethodResult(const CallContext& context,
                                           const nlohmann::json& params)>;

struct Method {
    std::string name;
    Access required = Access::admin;
    bool mutating = false;  // audited; a result's "affected" member is recorded
    Handler handler;
};

class MethodTable {
public:
    void add(Method method);
    /// The method called `name`, or null.
    const Method* find(std::string_view name) const;
    const std::map<std::string, Method, std::less<>>& all() const { return methods_; }

private:
    std::map<std::string, Method, std::less<>> methods_;
};

// One registration function per verb family.
void register_hello_methods(MethodTable& table);       // agent.hello
void register_queue_methods(MethodTable& table);       // queue.*
void register_quarantine_methods(MethodTable& table);  // quarantine.*
void register_director_methods(MethodTable& table);    // director.*
void register_status_methods(MethodTable& table);      // host.status, metrics.history
void register_audit_methods(MethodTable& table);       // audit.list

/// All of the above.
MethodTable standard_methods();

} // namespace mailng::agent
