// Is a service running? Answered from its pid file and /proc, as not every host runs
// systemd (DESIGN.md; issue 4, host.status). Linux only: reads /proc/PID/stat and
// /proc/PID/comm.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "agent_config.h"
#include "mailng/result.h"

namespace mailng::agent {

/// The first `limit` bytes of the file at `path` (all of it when shorter), or nullopt
/// when it cannot be opened (errno tells why). For /proc files and pid files, whose
/// size stat() does not report.
std::optional<std::string> read_file_head(const std::string& path, std::size_t limit);

/// The pid in a pid file's first line: decimal, surrounding blanks allowed (Postfix's
/// master.pid is "%10d\n"). Errors: unreadable file, or no positive pid in it — the
/// message names the file. Never returns a pid <= 0, so that kill(pid, 0) cannot hit a
/// process group.
Result<pid_t, std::string> read_pid_file(const std::string& path);

/// The one-letter state in the text of /proc/PID/stat (the field after the command
/// name, which is in parentheses and may itself contain ") "), or '\0' when the text
/// is not such a line. Pure.
char parse_proc_stat_state(std::string_view stat_text);

enum class ProcessState { alive, zombie, absent };

/// `pid` exists (kill(pid, 0) succeeds or fails with EPERM) and is not a zombie
/// (/proc/PID/stat state 'Z'; a zombie has exited, its parent has not reaped it).
/// When /proc/PID/stat cannot be read although kill() found the process, alive.
/// pid <= 0 is absent.
ProcessState probe_pid(pid_t pid);

/// The lowest pid of a live, non-zombie process whose /proc/PID/comm equals `name`,
/// or 0 when there is none. comm holds at most 15 bytes (TASK_COMM_LEN), so only the
/// first 15 bytes of `name` are compared. `proc_root` is for tests.
pid_t find_process(std::string_view name, const std::string& proc_root = "/proc");

/// How a service's state was found.
struct ServiceState {
    std::string name;
    bool running = false;
    pid_t pid = 0;      // 0 when stopped
    std::string source; // "pid_file" or "process": what decided
    std::string detail; // why it counts as stopped; empty when running
};

/// The pid file decides when its pid is alive; otherwise, when spec.process is set,
/// a process of that name. A stale pid file (dead or zombie pid) is not an error:
/// the service is stopped, and `detail` says what was seen.
ServiceState probe_service(const ServiceSpec& spec);

} // namespace mailng::agent
