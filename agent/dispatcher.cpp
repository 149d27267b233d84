#include "dispatcher.h"

#include <chrono>
#include <exception>

namespace mailng::agent {
namespace {

std::optional<std::int64_t> affected_of(const nlohmann::json& result) {
    if (result.is_object() && result.contains("affected") && result["affected"].is_number_integer())
        return result["affected"].get<std::int64_t>();
    return std::nullopt;
}

} // namespace

std::int64_t system_now() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

Dispatcher::Dispatcher(const AgentConfig& config, const MethodTable& methods, std::string caller,
                       Clock clock)
    : config_(config), methods_(methods), caller_(std::move(caller)),
      access_(config.access_of(caller_)), clock_(std::move(clock)) {}

std::string Dispatcher::handle_line(std::string_view line) {
    auto request = jsonrpc::parse_request(line);
    if (!request)
        return jsonrpc::format_error(request.error());
    auto result = call(*request);
    if (request->notification)
        return {};
    if (!result)
        return jsonrpc::format_error(request->id, result.error());
    return jsonrpc::format_result(request->id, *result);
}

std::string Dispatcher::handle_too_long() const {
    return jsonrpc::format_error(nullptr, jsonrpc::line_too_long(jsonrpc::kMaxLineBytes));
}

MethodResult Dispatcher::call(const jsonrpc::Request& request) {
    const Method* method = methods_.find(request.method);
    if (!method)
        return unexpected(jsonrpc::method_not_found_error(request.method));
    std::int64_t now = clock_();
    if (access_ < method->required)
        return refuse(*method, request.params, now);
    CallContext context{config_, caller_, access_, now, nullptr};
    if (method->mutating)
        return run_mutating(*method, context, request.params);
    context.audit = audit();
    return run_guarded(*method, context, request.params);
}

MethodResult Dispatcher::refuse(const Method& method, const nlohmann::json& params,
                                std::int64_t now) {
    auto error = jsonrpc::permission_denied_error(method.name, to_string(method.required));
    if (AuditLog* log = audit())
        (void)log->denied(caller_, method.name, params, now,
                          "access " + std::string(to_string(access_)));
    return unexpected(error);
}

MethodResult Dispatcher::run_mutating(const Method& method, const CallContext& context,
                                      const nlohmann::json& params) {
    AuditLog* log = audit();
    if (!log)
        return unexpected(jsonrpc::internal_error_error(
            "refusing " + method.name + ": the audit log is not writable (" + *audit_error_ + ")"));
    auto id = log->begin(caller_, method.name, params, context.now);
    if (!id)
        return unexpected(jsonrpc::internal_error_error("refusing " + method.name +
                                                        ": audit log: " + id.error()));
    auto result = run_guarded(method, context, params);
    if (result)
        (void)log->finish(*id, "ok", affected_of(*result), {});
    else
        (void)log->finish(*id, "error", std::nullopt, result.error().message);
    return result;
}

MethodResult Dispatcher::run_guarded(const Method& method, const CallContext& context,
                                     const nlohmann::json& params) {
    try {
        return method.handler(context, params);
    } catch (const std::exception& error) {
        return unexpected(jsonrpc::internal_error_error(method.name + ": " + error.what()));
    }
}

AuditLog* Dispatcher::audit() {
    if (audit_ || audit_error_)
        return audit_.get();
    auto opened = AuditLog::open(config_.audit_db(), config_.host);
    if (opened)
        audit_ = std::move(*opened);
    else
        audit_error_ = opened.error();
    return audit_.get();
}

} // namespace mailng::agent
