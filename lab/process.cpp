#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <thread>

namespace mailng::lab {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> pointers;
    for (const auto& arg : argv)
        pointers.push_back(const_cast<char*>(arg.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out_fd) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    auto pointers = c_argv(argv);
    execvp(pointers[0], pointers.data());
    _exit(127);
}

// Reads what the child writes until it closes the pipe or the deadline passes.
bool drain_until(int fd, Clock::time_point deadline, std::string& output) {
    char buffer[4096];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        pollfd pfd{fd, POLLIN, 0};
        int ready = poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return false;
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n <= 0)
            return true;
        output.append(buffer, static_cast<std::size_t>(n));
    }
}

int wait_exit_code(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

} // namespace

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
    CommandResult result;
    int fds[2];
    if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0)
        return result;
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, fds[1]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return result;
    }
    bool finished = drain_until(fds[0], Clock::now() + timeout, result.output);
    close(fds[0]);
    if (!finished) {
        kill(pid, SIGKILL);
        result.timed_out = true;
    }
    int code = wait_exit_code(pid);
    result.exit_code = finished ? code : -1;
    return result;
}

CommandResult run_daemonizing(const std::vector<std::string>& argv, const std::string& log_file,
                              std::chrono::milliseconds timeout) {
    CommandResult result;
    int log_fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (argv.empty() || log_fd < 0)
        return result;
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, log_fd);
    close(log_fd);
    if (pid < 0)
        return result;
    auto deadline = Clock::now() + timeout;
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (Clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            result.timed_out = true;
            return result;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

int spawn_detached(const std::vector<std::string>& argv, const std::string& log_file) {
    int log_fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        exec_child(argv, log_fd);
    }
    close(log_fd);
    return pid;
}

// A zombie has exited; only its parent has not collected it yet (in some containers
// pid 1 never does), so it counts as gone.
static bool is_zombie(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    auto close_paren = text.rfind(')');
    return close_paren != std::string::npos && text.size() > close_paren + 2 &&
           text[close_paren + 2] == 'Z';
}

bool process_alive(int pid) {
    if (pid <= 0)
        return false;
    // Reap it if it is our own child that has exited.
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
        return false;
    return (kill(pid, 0) == 0 || errno == EPERM) && !is_zombie(pid);
}

int live_pid_from_file(const std::string& pid_file) {
    std::ifstream in(pid_file);
    int pid = 0;
    if (!(in >> pid) || !process_alive(pid))
        return 0;
    return pid;
}

static std::vector<int> still_alive(const std::vector<int>& pids) {
    std::vector<int> alive;
    for (int pid : pids)
        if (process_alive(pid))
            alive.push_back(pid);
    return alive;
}

std::vector<int> stop_processes(const std::vector<int>& pids, std::chrono::milliseconds grace) {
    for (int pid : still_alive(pids))
        kill(pid, SIGTERM);
    auto deadline = Clock::now() + grace;
    auto alive = still_alive(pids);
    while (!alive.empty() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        alive = still_alive(alive);
    }
    for (int pid : alive)
        kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(alive.empty() ? 0 : 200));
    return still_alive(alive);
}

std::string describe(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv)
        text += (text.empty() ? "" : " ") + arg;
    return text;
}

} // namespace mailng::lab
