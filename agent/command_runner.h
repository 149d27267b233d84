// Runs the tools the agent drives (postqueue, postsuper, postcat, doveadm,
// amavisd-release, postconf) with Boost.Process: an argument vector, never a shell; a
// timeout after which the child is killed; stderr kept up to jsonrpc::kMaxStderrBytes.
// The caller validates every argument before it gets here.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/jsonrpc.h"
#include "mailng/result.h"

namespace mailng::agent {

struct Command {
    std::vector<std::string> argv;  // argv[0] is an absolute path
    std::chrono::milliseconds timeout{30'000};
    std::string stdin_data;         // written to the child's stdin, which is then closed
    /// Give the child a terminal as stderr: Postfix's tools (postsuper) report what
    /// they did ("Deleted: 3 messages") on stderr only when it is a terminal, and to
    /// syslog otherwise. CR of the terminal's CRLF is removed from stderr_text.
    bool stderr_terminal = false;
};

/// A Command running `program` with `args` and `timeout`.
Command make_command(std::string program, std::vector<std::string> args,
                     std::chrono::milliseconds timeout);

struct CommandOutcome {
    int exit_status = -1;  // -1 when killed (timeout, or the line callback stopped it)
    bool timed_out = false;
    bool stopped_early = false;      // the line callback returned false
    std::string stdout_text;         // run_command only; up to max_stdout bytes
    bool stdout_truncated = false;
    std::string stderr_text;         // up to jsonrpc::kMaxStderrBytes
    bool stderr_truncated = false;

    bool succeeded() const { return exit_status == 0 && !timed_out; }
};

/// Runs `command` and collects its stdout (at most `max_stdout` bytes; the rest is
/// read and dropped so that the child does not block). Errors: the program could not
/// be started (missing, not executable) — the message names it.
Result<CommandOutcome, std::string> run_command(const Command& command,
                                                std::size_t max_stdout = 64u << 20);

/// Called with each stdout line (without its LF); returning false stops the command
/// (the child is killed, stopped_early set). A line longer than `max_line` is passed
/// cut to max_line bytes.
using LineHandler = std::function<bool(std::string_view line)>;

/// Runs `command` and streams its stdout line by line, holding one line at a time.
Result<CommandOutcome, std::string> run_command_lines(const Command& command,
                                                      const LineHandler& on_line,
                                                      std::size_t max_line = 16u << 20);

/// The JSON-RPC error for a failed run: tool_failed with exit status and stderr, the
/// reason naming a timeout when there was one. `tool` is argv[0]'s base name.
jsonrpc::Error tool_error(const Command& command, const CommandOutcome& outcome);

/// The JSON-RPC error for a command that could not start.
jsonrpc::Error start_error(const Command& command, const std::string& why);

} // namespace mailng::agent
