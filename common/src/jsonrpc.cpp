#include "mailng/jsonrpc.h"

#include <algorithm>

namespace mailng::jsonrpc {
namespace {

using nlohmann::json;

// Thrown from the parser callback; never leaves this file.
struct TooDeep {};

Error make_error(int code, std::string message, json data = nullptr) {
    return Error{code, std::move(message), std::move(data)};
}

RequestError request_error(int code, std::string message, json id = nullptr) {
    return RequestError{make_error(code, std::move(message)), std::move(id)};
}

std::string_view without_trailing_cr(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

// nlohmann's parser is iterative, but a deep value still costs memory per level and
// recursion elsewhere (dump, destruction in older versions): refuse it while parsing.
std::optional<json> parse_json(std::string_view text, bool& too_deep) {
    auto limit_depth = [](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start ||
             event == json::parse_event_t::array_start) && depth >= kMaxDepth)
            throw TooDeep{};
        return true;
    };
    try {
        json value = json::parse(text.begin(), text.end(), limit_depth, false);
        if (value.is_discarded())
            return std::nullopt;
        return value;
    } catch (const TooDeep&) {
        too_deep = true;
        return std::nullopt;
    }
}

bool valid_id(const json& id) {
    return id.is_string() || id.is_number_integer() || id.is_null();
}

// Checks the members of a request object once "id" is known to be usable.
std::optional<std::string> request_problem(const json& object) {
    auto version = object.find("jsonrpc");
    if (version == object.end() || *version != "2.0")
        return "\"jsonrpc\" must be \"2.0\"";
    auto method = object.find("method");
    if (method == object.end() || !method->is_string() || method->get_ref<const std::string&>().empty())
        return "\"method\" must be a non-empty string";
    auto params = object.find("params");
    if (params != object.end() && !params->is_object() && !params->is_array())
        return "\"params\" must be an object or an array";
    return std::nullopt;
}

Result<Request, RequestError> request_from(json&& object) {
    if (object.is_array())
        return unexpected(request_error(invalid_request, "batch requests are not supported"));
    if (!object.is_object())
        return unexpected(request_error(invalid_request, "a request must be a JSON object"));
    auto id = object.find("id");
    if (id != object.end() && !valid_id(*id))
        return unexpected(request_error(invalid_request, "\"id\" must be a string, an integer or null"));
    json id_value = id == object.end() ? json(nullptr) : *id;
    if (auto problem = request_problem(object))
        return unexpected(request_error(invalid_request, *problem, id_value));
    Request request;
    request.notification = id == object.end();
    request.id = std::move(id_value);
    request.method = object["method"].get<std::string>();
    if (auto params = object.find("params"); params != object.end())
        request.params = std::move(*params);
    return request;
}

std::string dump_line(const json& response) {
    // Without indentation dump() escapes every control character, so the only LF is ours.
    return response.dump(-1, ' ', false, json::error_handler_t::replace) + '\n';
}

json error_object(const Error& error) {
    json object = {{"code", error.code}, {"message", error.message}};
    if (!error.data.is_null())
        object["data"] = error.data;
    return object;
}

// The named member of `params`, or nullptr when params is null or lacks it.
// Positional params are reported through `error`.
const json* member(const json& params, std::string_view name, std::optional<Error>& error) {
    if (params.is_null())
        return nullptr;
    if (!params.is_object()) {
        error = invalid_params_error("params must be an object of named parameters");
        return nullptr;
    }
    auto found = params.find(std::string(name));
    return found == params.end() ? nullptr : &*found;
}

Error wrong_type(std::string_view name, std::string_view expected) {
    return invalid_params_error(std::string(name) + " must be " + std::string(expected));
}

Error missing(std::string_view name) {
    return invalid_params_error("missing parameter " + std::string(name));
}

bool is_string_array(const json& value) {
    return value.is_array() &&
           std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); });
}

} // namespace

std::vector<LineSplitter::Line> LineSplitter::feed(std::string_view bytes) {
    std::vector<Line> lines;
    while (!bytes.empty()) {
        auto end = bytes.find('\n');
        append(bytes.substr(0, end));
        if (end == std::string_view::npos)
            break;
        lines.push_back(take_line());
        bytes.remove_prefix(end + 1);
    }
    return lines;
}

std::optional<LineSplitter::Line> LineSplitter::finish() {
    if (partial_.empty() && !discarding_)
        return std::nullopt;
    return take_line();
}

void LineSplitter::append(std::string_view piece) {
    if (discarding_)
        return;
    if (partial_.size() + piece.size() > max_line_ + 1) {
        discarding_ = true;
        partial_.clear();
        partial_.shrink_to_fit();
        return;
    }
    partial_ += piece;
}

LineSplitter::Line LineSplitter::take_line() {
    Line line{std::move(partial_), discarding_};
    partial_.clear();
    discarding_ = false;
    return line;
}

Result<Request, RequestError> parse_request(std::string_view line, std::size_t max_line) {
    line = without_trailing_cr(line);
    if (line.size() > max_line)
        return unexpected(RequestError{line_too_long(max_line), nullptr});
    bool too_deep = false;
    auto value = parse_json(line, too_deep);
    if (too_deep)
        return unexpected(request_error(invalid_request, "nesting deeper than " +
                                                             std::to_string(kMaxDepth) + " levels"));
    if (!value)
        return unexpected(request_error(parse_error, "parse error: not valid JSON"));
    return request_from(std::move(*value));
}

std::string format_result(const json& id, const json& result) {
    return dump_line({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string format_error(const json& id, const Error& error) {
    return dump_line({{"jsonrpc", "2.0"}, {"id", id}, {"error", error_object(error)}});
}

std::string format_error(const RequestError& failure) {
    return format_error(failure.id, failure.error);
}

Error line_too_long(std::size_t max_line) {
    return make_error(parse_error, "request line longer than " + std::to_string(max_line) + " bytes",
                      {{"max_line", max_line}});
}

Error method_not_found_error(std::string_view method) {
    return make_error(method_not_found, "method not found: " + std::string(method),
                      {{"method", std::string(method)}});
}

Error invalid_params_error(std::string message) {
    return make_error(invalid_params, std::move(message));
}

Error internal_error_error(std::string message) {
    return make_error(internal_error, std::move(message));
}

Error permission_denied_error(std::string_view method, std::string_view required_role) {
    return make_error(permission_denied,
                      std::string(method) + " needs the " + std::string(required_role) + " role",
                      {{"method", std::string(method)}, {"required_role", std::string(required_role)}});
}

Error not_found_error(std::string_view what, std::string_view id) {
    return make_error(not_found, "no such " + std::string(what) + ": " + std::string(id),
                      {{"id", std::string(id)}});
}

Error tool_failed_error(std::string_view tool, int exit_status, std::string_view stderr_text,
                        std::string_view reason) {
    bool truncated = stderr_text.size() > kMaxStderrBytes;
    std::string message = std::string(tool) + " failed";
    message += reason.empty() ? " with exit status " + std::to_string(exit_status)
                              : ": " + std::string(reason);
    return make_error(tool_failed, std::move(message),
                      {{"tool", std::string(tool)},
                       {"exit_status", exit_status},
                       {"stderr", std::string(stderr_text.substr(0, kMaxStderrBytes))},
                       {"stderr_truncated", truncated}});
}

Error not_supported_error(std::string_view what) {
    return make_error(not_supported, "not supported on this host: " + std::string(what),
                      {{"what", std::string(what)}});
}

Result<std::optional<std::string>, Error> optional_string(const json& params, std::string_view name) {
    std::optional<Error> error;
    const json* value = member(params, name, error);
    if (error)
        return unexpected(*error);
    if (!value)
        return std::optional<std::string>{};
    if (!value->is_string())
        return unexpected(wrong_type(name, "a string"));
    return std::optional<std::string>{value->get<std::string>()};
}

Result<std::string, Error> required_string(const json& params, std::string_view name) {
    auto value = optional_string(params, name);
    if (!value)
        return unexpected(value.error());
    if (!*value)
        return unexpected(missing(name));
    return std::move(**value);
}

Result<std::optional<std::vector<std::string>>, Error>
optional_string_array(const json& params, std::string_view name) {
    std::optional<Error> error;
    const json* value = member(params, name, error);
    if (error)
        return unexpected(*error);
    if (!value)
        return std::optional<std::vector<std::string>>{};
    if (!is_string_array(*value))
        return unexpected(wrong_type(name, "an array of strings"));
    return std::optional<std::vector<std::string>>{value->get<std::vector<std::string>>()};
}

Result<std::vector<std::string>, Error> required_string_array(const json& params,
                                                              std::string_view name) {
    auto value = optional_string_array(params, name);
    if (!value)
        return unexpected(value.error());
    if (!*value)
        return unexpected(missing(name));
    return std::move(**value);
}

Result<std::optional<std::int64_t>, Error> optional_integer(const json& params, std::string_view name,
                                                            std::int64_t min, std::int64_t max) {
    std::optional<Error> error;
    const json* value = member(params, name, error);
    if (error)
        return unexpected(*error);
    if (!value)
        return std::optional<std::int64_t>{};
    std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        return unexpected(wrong_type(name, range));
    if (!value->is_number_integer())
        return unexpected(wrong_type(name, range));
    auto number = value->get<std::int64_t>();
    if (number < min || number > max)
        return unexpected(wrong_type(name, range));
    return std::optional<std::int64_t>{number};
}

Result<std::optional<bool>, Error> optional_bool(const json& params, std::string_view name) {
    std::optional<Error> error;
    const json* value = member(params, name, error);
    if (error)
        return unexpected(*error);
    if (!value)
        return std::optional<bool>{};
    if (!value->is_boolean())
        return unexpected(wrong_type(name, "true or false"));
    return std::optional<bool>{value->get<bool>()};
}

std::optional<Error> unknown_param(const json& params, const std::vector<std::string_view>& known) {
    if (params.is_null())
        return std::nullopt;
    if (!params.is_object())
        return invalid_params_error("params must be an object of named parameters");
    for (const auto& [name, value] : params.items())
        if (std::find(known.begin(), known.end(), name) == known.end())
            return invalid_params_error("unknown parameter " + name);
    return std::nullopt;
}

} // namespace mailng::jsonrpc
