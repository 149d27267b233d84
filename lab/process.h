// Running the daemons' own tools from the lab: argument vectors, never a shell, and a
// deadline on everything.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace mailng::lab {

struct CommandResult {
    int exit_code = -1; // -1: did not run or did not finish in time
    bool timed_out = false;
    std::string output; // stdout and stderr, interleaved
};

/// Runs argv[0] (looked up in PATH) with `argv`, waits at most `timeout`, kills it
/// after that. Never throws.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Runs a command that daemonizes (postfix start, dovecot, sshd): its output goes to
/// `log_file`, not a pipe, because the daemon it leaves behind keeps the descriptors.
/// Waits at most `timeout` for the command itself to exit.
CommandResult run_daemonizing(const std::vector<std::string>& argv, const std::string& log_file,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60));

/// Starts `argv` in a new session with stdout and stderr appended to `log_file`, and
/// returns its pid at once (or -1). For daemons that only log to a terminal.
int spawn_detached(const std::vector<std::string>& argv, const std::string& log_file);

/// The pid in `pid_file`, or 0 when the file is missing or holds no live process.
int live_pid_from_file(const std::string& pid_file);

bool process_alive(int pid);

/// SIGTERM to all of `pids` at once, then SIGKILL to those still there after `grace`.
/// Returns the pids that survived even that.
std::vector<int> stop_processes(const std::vector<int>& pids,
                                std::chrono::milliseconds grace = std::chrono::seconds(10));

/// "argv[0] argv[1] ..." for messages.
std::string describe(const std::vector<std::string>& argv);

} // namespace mailng::lab
