// Boost.Process (v1, Boost 1.74) with one io_context per command: stdout and stderr
// are read asynchronously so that neither pipe can fill and block the child, and a
// timer kills the child when the timeout passes.
#include "command_runner.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace mailng::agent {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process;

/// The read end of the child's stderr (a pipe or a terminal's master side) and the
/// write end the child gets as fd 2. Both are close-on-exec: Boost.Process does not close
/// inherited descriptors, and dup2() onto fd 2 clears the flag for the child's copy only.
struct StderrChannel {
    int read_fd = -1;
    int child_fd = -1;

    static Result<StderrChannel, std::string> make(bool terminal) {
        int fds[2] = {-1, -1};
        if (terminal ? ::openpty(&fds[0], &fds[1], nullptr, nullptr, nullptr) != 0
                     : ::pipe2(fds, O_CLOEXEC) != 0)
            return unexpected(std::string(terminal ? "openpty: " : "pipe: ") + std::strerror(errno));
        ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
        ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
        return StderrChannel{fds[0], fds[1]};
    }

    void close_child_end() {
        if (child_fd >= 0)
            ::close(child_fd);
        child_fd = -1;
    }
};

/// Collects stdout either whole (up to a cap) or as lines handed to a callback.
class StdoutSink {
public:
    StdoutSink(CommandOutcome& outcome, std::size_t max_stdout)
        : outcome_(outcome), max_(max_stdout) {}
    StdoutSink(CommandOutcome& outcome, const LineHandler& on_line, std::size_t max_line)
        : outcome_(outcome), max_(max_line), on_line_(&on_line) {}

    /// False when the line handler asked to stop.
    bool take(std::string_view bytes) {
        return on_line_ ? take_lines(bytes) : (keep(bytes), true);
    }

    /// The last line when it had no LF; false when the handler asked to stop.
    bool finish() {
        if (!on_line_ || partial_.empty())
            return true;
        std::string last = std::move(partial_);
        partial_.clear();
        return (*on_line_)(last);
    }

private:
    void keep(std::string_view bytes) {
        std::size_t room = max_ - std::min(max_, outcome_.stdout_text.size());
        outcome_.stdout_text.append(bytes.substr(0, room));
        if (bytes.size() > room)
            outcome_.stdout_truncated = true;
    }

    bool take_lines(std::string_view bytes) {
        while (!bytes.empty()) {
            auto newline = bytes.find('\n');
            auto piece = bytes.substr(0, newline);
            if (partial_.size() < max_)
                partial_.append(piece.substr(0, max_ - partial_.size()));
            if (newline == std::string_view::npos)
                return true;
            bytes.remove_prefix(newline + 1);
            std::string line = std::move(partial_);
            partial_.clear();
            if (!(*on_line_)(line))
                return false;
        }
        return true;
    }

    CommandOutcome& outcome_;
    std::size_t max_;
    const LineHandler* on_line_ = nullptr;
    std::string partial_;
};

class CommandRun {
public:
    CommandRun(const Command& command, StdoutSink& sink, CommandOutcome& outcome)
        : command_(command), sink_(sink), outcome_(outcome) {}

    Result<bool, std::string> run() {
        if (auto started = start(); !started)
            return started;
        read_stdout();
        read_stderr();
        write_stdin();
        arm_timer();
        io_.run();
        finish();
        return true;
    }

private:
    Result<bool, std::string> start() {
        auto channel = StderrChannel::make(command_.stderr_terminal);
        if (!channel)
            return unexpected(channel.error());
        err_.assign(channel->read_fd);
        std::vector<std::string> args(command_.argv.begin() + 1, command_.argv.end());
        int child_fd = channel->child_fd;
        std::error_code error;
        child_ = bp::child(bp::exe = command_.argv.front(), bp::args = args,
                           bp::std_out > out_, bp::std_in < in_, io_, error,
                           bp::extend::on_exec_setup = [child_fd](auto&) {
                               ::dup2(child_fd, STDERR_FILENO);
                               // Nothing the agent holds (its SSH channel, the audit
                               // database) reaches a tool.
                               ::close_range(3, ~0U, 0);
                           });
        channel->close_child_end();
        if (error)
            return unexpected(command_.argv.front() + ": " + error.message());
        return true;
    }

    void read_stdout() {
        out_.async_read_some(asio::buffer(out_buffer_), [this](auto error, std::size_t n) {
            if (error) {
                out_done_ = true;
                return done_reading();
            }
            if (!sink_.take({out_buffer_.data(), n}))
                return stop_early();
            read_stdout();
        });
    }

    void read_stderr() {
        err_.async_read_some(asio::buffer(err_buffer_), [this](auto error, std::size_t n) {
            if (error) {
                err_done_ = true;
                return done_reading();
            }
            keep_stderr({err_buffer_.data(), n});
            read_stderr();
        });
    }

    void keep_stderr(std::string_view bytes) {
        auto& text = outcome_.stderr_text;
        std::string without_cr;
        if (command_.stderr_terminal) {
            for (char c : bytes)
                if (c != '\r')
                    without_cr.push_back(c);
            bytes = without_cr;
        }
        std::size_t room = jsonrpc::kMaxStderrBytes - std::min(jsonrpc::kMaxStderrBytes, text.size());
        text.append(bytes.substr(0, room));
        if (bytes.size() > room)
            outcome_.stderr_truncated = true;
    }

    void write_stdin() {
        if (command_.stdin_data.empty()) {
            in_.close();
            return;
        }
        asio::async_write(in_, asio::buffer(command_.stdin_data),
                          [this](auto, std::size_t) { in_.close(); });
    }

    void arm_timer() {
        timer_.expires_after(command_.timeout);
        timer_.async_wait([this](auto error) {
            if (error)
                return;
            outcome_.timed_out = true;
            kill();
        });
    }

    void stop_early() {
        outcome_.stopped_early = true;
        kill();
    }

    void kill() {
        std::error_code ignored;
        boost::system::error_code ignored_too;
        child_.terminate(ignored);
        out_.close(ignored_too);
        err_.close(ignored_too);
        timer_.cancel();
    }

    void done_reading() {
        if (out_done_ && err_done_)
            timer_.cancel();
    }

    void finish() {
        if (!outcome_.stopped_early && !outcome_.timed_out && !sink_.finish())
            outcome_.stopped_early = true;
        std::error_code error;
        if (child_.running(error))
            child_.wait(error);
        bool killed = outcome_.timed_out || outcome_.stopped_early;
        outcome_.exit_status = killed ? -1 : child_.exit_code();
    }

    const Command& command_;
    StdoutSink& sink_;
    CommandOutcome& outcome_;
    asio::io_context io_;
    bp::async_pipe out_{io_};
    asio::posix::stream_descriptor err_{io_};
    bp::async_pipe in_{io_};
    asio::steady_timer timer_{io_};
    bp::child child_;
    std::array<char, 64 * 1024> out_buffer_{};
    std::array<char, 4096> err_buffer_{};
    bool out_done_ = false;
    bool err_done_ = false;
};

Result<CommandOutcome, std::string> run_with(const Command& command, StdoutSink& sink,
                                             CommandOutcome& outcome) {
    if (command.argv.empty() || command.argv.front().empty() || command.argv.front()[0] != '/')
        return unexpected(std::string("a command needs an absolute program path"));
    // Checked here because the child closes every descriptor above 2 before exec,
    // Boost.Process's exec-error pipe included.
    if (::access(command.argv.front().c_str(), X_OK) != 0)
        return unexpected(command.argv.front() + ": " + std::strerror(errno));
    CommandRun run(command, sink, outcome);
    if (auto ran = run.run(); !ran)
        return unexpected(ran.error());
    return outcome;
}

std::string tool_name(const Command& command) {
    if (command.argv.empty())
        return "?";
    return std::filesystem::path(command.argv.front()).filename().string();
}

} // namespace

Command make_command(std::string program, std::vector<std::string> args,
                     std::chrono::milliseconds timeout) {
    Command command;
    command.argv.push_back(std::move(program));
    command.argv.insert(command.argv.end(), std::make_move_iterator(args.begin()),
                        std::make_move_iterator(args.end()));
    command.timeout = timeout;
    return command;
}

Result<CommandOutcome, std::string> run_command(const Command& command, std::size_t max_stdout) {
    CommandOutcome outcome;
    StdoutSink sink(outcome, max_stdout);
    return run_with(command, sink, outcome);
}

Result<CommandOutcome, std::string> run_command_lines(const Command& command,
                                                      const LineHandler& on_line,
                                                      std::size_t max_line) {
    CommandOutcome outcome;
    StdoutSink sink(outcome, on_line, max_line);
    return run_with(command, sink, outcome);
}

jsonrpc::Error tool_error(const Command& command, const CommandOutcome& outcome) {
    std::string reason;
    if (outcome.timed_out)
        reason = "timed out after " + std::to_string(command.timeout.count()) + " ms";
    return jsonrpc::tool_failed_error(tool_name(command), outcome.exit_status,
                                      outcome.stderr_text, reason);
}

jsonrpc::Error start_error(const Command& command, const std::string& why) {
    return jsonrpc::tool_failed_error(tool_name(command), -1, {}, "could not start: " + why);
}

} // namespace mailng::agent
