#include "process_probe.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>

namespace mailng::agent {
namespace {

constexpr std::size_t kCommBytes = 15;     // TASK_COMM_LEN - 1
constexpr std::size_t kPidFileBytes = 256; // a pid file is one short line
constexpr std::size_t kStatBytes = 4096;

std::string_view trim(std::string_view text) {
    const char* blanks = " \t\r\n";
    auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos)
        return {};
    auto last = text.find_last_not_of(blanks);
    return text.substr(first, last - first + 1);
}

std::optional<pid_t> parse_pid(std::string_view text) {
    long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0 ||
        value > std::numeric_limits<pid_t>::max())
        return std::nullopt;
    return static_cast<pid_t>(value);
}

char state_of(const std::string& proc_dir) {
    auto stat = read_file_head(proc_dir + "/stat", kStatBytes);
    return stat ? parse_proc_stat_state(*stat) : '\0';
}

bool comm_matches(const std::string& proc_dir, std::string_view wanted) {
    auto comm = read_file_head(proc_dir + "/comm", kCommBytes + 2);
    if (!comm)
        return false;
    std::string_view name(*comm);
    if (!name.empty() && name.back() == '\n')
        name.remove_suffix(1);
    return name == wanted.substr(0, kCommBytes);
}

ServiceState stopped(const ServiceSpec& spec, std::string source, std::string detail) {
    return {spec.name, false, 0, std::move(source), std::move(detail)};
}

/// Why the pid file does not show a running service; empty when it does (then `pid`
/// is set).
std::string pid_file_verdict(const std::string& path, pid_t& pid) {
    auto read = read_pid_file(path);
    if (!read)
        return read.error();
    switch (probe_pid(*read)) {
    case ProcessState::alive:
        pid = *read;
        return {};
    case ProcessState::zombie:
        return "pid " + std::to_string(*read) + " is a zombie";
    case ProcessState::absent:
        break;
    }
    return "stale pid file " + path + ": no process " + std::to_string(*read);
}

} // namespace

std::optional<std::string> read_file_head(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string text(limit, '\0');
    in.read(text.data(), static_cast<std::streamsize>(limit));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

Result<pid_t, std::string> read_pid_file(const std::string& path) {
    auto text = read_file_head(path, kPidFileBytes);
    if (!text)
        return unexpected("cannot read pid file " + path + ": " + std::strerror(errno));
    std::string_view line(*text);
    line = line.substr(0, line.find('\n'));
    auto pid = parse_pid(trim(line));
    if (!pid)
        return unexpected("pid file " + path + " holds no pid");
    return *pid;
}

char parse_proc_stat_state(std::string_view stat_text) {
    // The command name may contain anything, ") " included; it ends at the last ')'.
    auto close = stat_text.rfind(')');
    if (close == std::string_view::npos || close + 2 >= stat_text.size() ||
        stat_text[close + 1] != ' ')
        return '\0';
    return stat_text[close + 2];
}

ProcessState probe_pid(pid_t pid) {
    if (pid <= 0)
        return ProcessState::absent;
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        return ProcessState::absent;
    char state = state_of("/proc/" + std::to_string(pid));
    return state == 'Z' ? ProcessState::zombie : ProcessState::alive;
}

pid_t find_process(std::string_view name, const std::string& proc_root) {
    std::error_code error;
    std::filesystem::directory_iterator entries(proc_root, error);
    pid_t lowest = 0;
    for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
        auto pid = parse_pid(entries->path().filename().native());
        if (!pid || (lowest != 0 && *pid > lowest))
            continue;
        std::string dir = entries->path().native();
        if (comm_matches(dir, name) && state_of(dir) != 'Z')
            lowest = *pid;
    }
    return lowest;
}

ServiceState probe_service(const ServiceSpec& spec) {
    pid_t pid = 0;
    std::string why =
        spec.pid_file.empty() ? "no pid file configured" : pid_file_verdict(spec.pid_file, pid);
    if (why.empty())
        return {spec.name, true, pid, "pid_file", {}};
    if (spec.process.empty())
        return stopped(spec, "pid_file", why);
    if (pid_t found = find_process(spec.process, "/proc"))
        return {spec.name, true, found, "process", {}};
    return stopped(spec, "process", why + "; no process named " + spec.process);
}

} // namespace mailng::agent
