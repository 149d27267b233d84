// JSON-RPC 2.0 line framing for `mailng-agent stdio` (DESIGN.md, "Agent"): one JSON
// object per line in each direction, stdout carrying nothing but protocol.
//
// Pure functions: nothing here reads, writes or logs. The agent's loop reads one line
// (at most kMaxLineBytes; a longer one it discards up to the next LF and answers with
// line_too_long()), calls parse_request(), dispatches, and writes the string that
// format_result() or format_error() returns. A notification (no "id") gets no answer,
// not even an error, as the specification requires.
//
// Error codes. The reserved ones mean what JSON-RPC 2.0 says; mailng's own live in the
// "server error" range -32000..-32099 and carry what the console needs in `data`:
//
//   -32700 parse_error        the line is not JSON (or is over the size limit)
//   -32600 invalid_request    JSON, but not a request object (batches included)
//   -32601 method_not_found   the dispatcher knows no such method; data {"method"}
//   -32602 invalid_params     a parameter is missing or has the wrong type/value
//   -32603 internal_error     a bug or an unexpected failure inside the agent
//   -32001 permission_denied  the caller's role is too low; data {"method","required_role"}
//   -32002 not_found          a queue id / quarantine id that does not exist; data {"id"}
//   -32003 tool_failed        a command exited non-zero or timed out;
//                             data {"tool","exit_status","stderr","stderr_truncated"}
//   -32004 not_supported      this host cannot do it (no director, no amavisd...); data {"what"}
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailng/result.h"

namespace mailng::jsonrpc {

enum ErrorCode : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    permission_denied = -32001,
    not_found = -32002,
    tool_failed = -32003,
    not_supported = -32004,
};

/// The longest request line accepted, without its LF. Longer lines are refused before
/// any parsing (the longest legitimate request, a queue.delete with a few thousand
/// ids, is well under 100 KiB).
inline constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

/// Deepest nesting of arrays/objects accepted in a request; mailng's params need 3.
inline constexpr int kMaxDepth = 32;

/// Bytes of a tool's stderr kept in a tool_failed error.
inline constexpr std::size_t kMaxStderrBytes = 16 * 1024;

/// A JSON-RPC error object. `data` is null when there is nothing to add.
struct Error {
    int code = internal_error;
    std::string message;
    nlohmann::json data;
};

/// A valid request. `id` is a string, an integer or null; `notification` is true when
/// the request had no "id" member at all (an explicit null id is a request, answered
/// with a null id, as the specification says). `params` is an object, an array, or
/// null when absent.
struct Request {
    nlohmann::json id;
    bool notification = false;
    std::string method;
    nlohmann::json params;
};

/// Why a line was not a request, and the id to answer with: the request's own id when
/// it could be read, null otherwise. Always answered: a line without "id" that is not a
/// valid request is not a notification (the specification's own examples answer it).
struct RequestError {
    Error error;
    nlohmann::json id;
};

/// Splits the agent's stdin into lines, holding at most max_line + 1 bytes of a line
/// (room for a CR), so that a client cannot make the agent buffer without bound. A
/// longer line is dropped up to its LF and reported once, at its end, as too_long, so
/// that its error answer comes in order and the session goes on.
class LineSplitter {
public:
    struct Line {
        std::string text;       // without the LF; empty when too_long
        bool too_long = false;  // answer with format_error(nullptr, line_too_long(max_line))
    };

    explicit LineSplitter(std::size_t max_line = kMaxLineBytes) : max_line_(max_line) {}

    /// Consumes `bytes` (any split of the stream) and returns the lines they complete.
    std::vector<Line> feed(std::string_view bytes);

    /// At end of input: the last line if it had no LF, else nullopt.
    std::optional<Line> finish();

private:
    void append(std::string_view piece);
    Line take_line();

    std::size_t max_line_;
    std::string partial_;
    bool discarding_ = false;
};

/// Parses one line (without its LF; one trailing CR is tolerated) into a request.
/// Lines longer than `max_line` bytes are refused without being parsed.
/// Errors: -32700 for non-JSON and over-long lines, -32600 for anything that is not a
/// single JSON-RPC 2.0 request object (wrong "jsonrpc", method not a string, params
/// neither object nor array, id of another type, nesting over kMaxDepth, batches).
Result<Request, RequestError> parse_request(std::string_view line,
                                            std::size_t max_line = kMaxLineBytes);

/// A complete response line, ending in exactly one LF and containing no other:
/// {"jsonrpc":"2.0","id":ID,"result":RESULT}. Invalid UTF-8 in strings is replaced
/// with U+FFFD rather than failing, since results carry text from mail and tools.
std::string format_result(const nlohmann::json& id, const nlohmann::json& result);

/// A complete error response line, as format_result() but with "error".
std::string format_error(const nlohmann::json& id, const Error& error);

/// Shorthand for format_error(failure.id, failure.error).
std::string format_error(const RequestError& failure);

// Builders for each error, with the message an admin reads in the console.
Error line_too_long(std::size_t max_line);
Error method_not_found_error(std::string_view method);
Error invalid_params_error(std::string message);
Error internal_error_error(std::string message);
/// "queue.delete needs the operator role"
Error permission_denied_error(std::string_view method, std::string_view required_role);
/// `what` names the kind of thing ("queue id", "quarantine id").
Error not_found_error(std::string_view what, std::string_view id);
/// `exit_status` is the exit code, or -1 for a timeout or a kill (say so in `reason`).
/// stderr is cut to kMaxStderrBytes.
Error tool_failed_error(std::string_view tool, int exit_status, std::string_view stderr_text,
                        std::string_view reason = {});
Error not_supported_error(std::string_view what);

// Typed access to named params. `params` is Request::params: an object, or null when
// the request had none (then every parameter is absent). Positional (array) params are
// an invalid_params error, since every mailng method takes named ones. Each returns
// the value, or an invalid_params error whose message names the parameter and the
// expected type, e.g. "queue_ids must be an array of strings".

Result<std::string, Error> required_string(const nlohmann::json& params, std::string_view name);
Result<std::optional<std::string>, Error> optional_string(const nlohmann::json& params,
                                                          std::string_view name);
Result<std::vector<std::string>, Error> required_string_array(const nlohmann::json& params,
                                                              std::string_view name);
Result<std::optional<std::vector<std::string>>, Error>
optional_string_array(const nlohmann::json& params, std::string_view name);
/// An integer within [min, max]; a float such as 1.5 or a value out of range is an error.
Result<std::optional<std::int64_t>, Error> optional_integer(const nlohmann::json& params,
                                                            std::string_view name,
                                                            std::int64_t min, std::int64_t max);
Result<std::optional<bool>, Error> optional_bool(const nlohmann::json& params,
                                                 std::string_view name);

/// An invalid_params error naming the first member of `params` that is not in `known`,
/// or nullopt when there is none, so that a misspelt filter does not silently match
/// everything. Positional params are an error here too.
std::optional<Error> unknown_param(const nlohmann::json& params,
                                   const std::vector<std::string_view>& known);

} // namespace mailng::jsonrpc
