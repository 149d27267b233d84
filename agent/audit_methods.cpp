// audit.list: the host's audit log, newest first.
#include "audit_log.h"
#include "method_table.h"

namespace mailng::agent {
namespace {

constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;

Result<AuditQuery, jsonrpc::Error> audit_query(const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(
            params, {"since", "until", "user", "method", "offset", "limit"}))
        return unexpected(*unknown);
    AuditQuery query;
    auto since = jsonrpc::optional_integer(params, "since", 0, kMaxTime);
    auto until = jsonrpc::optional_integer(params, "until", 0, kMaxTime);
    auto user = jsonrpc::optional_string(params, "user");
    auto method = jsonrpc::optional_string(params, "method");
    auto offset = jsonrpc::optional_integer(params, "offset", 0, kMaxTime);
    auto limit = jsonrpc::optional_integer(params, "limit", 1, kMaxLimit);
    for (const auto* error : {since ? nullptr : &since.error(), until ? nullptr : &until.error(),
                              user ? nullptr : &user.error(), method ? nullptr : &method.error(),
                              offset ? nullptr : &offset.error(), limit ? nullptr : &limit.error()})
        if (error)
            return unexpected(*error);
    query.since = *since;
    query.until = *until;
    query.user = user->value_or("");
    query.method = method->value_or("");
    query.offset = offset->value_or(0);
    query.limit = limit->value_or(100);
    return query;
}

MethodResult audit_list(const CallContext& context, const nlohmann::json& params) {
    auto query = audit_query(params);
    if (!query)
        return unexpected(query.error());
    if (!context.audit)
        return unexpected(jsonrpc::internal_error_error("the audit log cannot be opened: " +
                                                        context.config.audit_db()));
    auto listed = context.audit->list(*query);
    if (!listed)
        return unexpected(jsonrpc::internal_error_error("audit log: " + listed.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& entry : listed->second)
        items.push_back(to_json(entry));
    return nlohmann::json{{"total", listed->first}, {"items", items}};
}

} // namespace

void register_audit_methods(MethodTable& table) {
    table.add({"audit.list", Access::viewer, false, audit_list});
}

} // namespace mailng::agent
