// One JSON-RPC session's brain: a request line in, a response line out. Checks the
// caller's access, writes mutating and refused calls to the audit log, and turns every
// failure - including an exception escaping a handler - into a JSON-RPC error, so that
// the session always goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent_config.h"
#include "audit_log.h"
#include "method_table.h"

namespace mailng::agent {

using Clock = std::function<std::int64_t()>;

/// Seconds since the epoch, from the system clock.
std::int64_t system_now();

class Dispatcher {
public:
    /// `config` and `methods` must outlive the dispatcher. The audit log opens on the
    /// first call that needs it; if it cannot, mutating calls are refused (nothing runs
    /// unrecorded) and read-only ones go on.
    Dispatcher(const AgentConfig& config, const MethodTable& methods, std::string caller,
               Clock clock = system_now);

    /// The response line (with its LF) to one request line, or "" for a notification.
    std::string handle_line(std::string_view line);

    /// The response to a line that was over the size limit.
    std::string handle_too_long() const;

private:
    MethodResult call(const jsonrpc::Request& request);
    MethodResult run_mutating(const Method& method, const CallContext& context,
                              const nlohmann::json& params);
    MethodResult refuse(const Method& method, const nlohmann::json& params, std::int64_t now);
    static MethodResult run_guarded(const Method& method, const CallContext& context,
                                    const nlohmann::json& params);
    AuditLog* audit();

    const AgentConfig& config_;
    const MethodTable& methods_;
    std::string caller_;
    Access access_;
    Clock clock_;
    std::unique_ptr<AuditLog> audit_;
    std::optional<std::string> audit_error_;
};

} // namespace mailng::agent
