// The agent's command runner against real programs: argument vectors reach the child
// unchanged, stdout is streamed or capped, stderr kept, timeouts kill.
#include "command_runner.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace mailng::agent;
using namespace std::chrono_literals;

namespace {

Command command(std::vector<std::string> argv, std::chrono::milliseconds timeout = 10s) {
    Command c;
    c.argv = std::move(argv);
    c.timeout = timeout;
    return c;
}

TEST(CommandRunner, ArgumentsAreNotInterpretedByAShell) {
    auto outcome = run_command(command({"/bin/echo", "$(id)", "a;b", "*"}));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->stdout_text, "$(id) a;b *\n");
    EXPECT_TRUE(outcome->succeeded());
}

TEST(CommandRunner, StdinIsWrittenAndClosed) {
    auto c = command({"/bin/cat"});
    c.stdin_data = "one\ntwo\n";
    auto outcome = run_command(c);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->stdout_text, "one\ntwo\n");
}

TEST(CommandRunner, ExitStatusAndStderrOfAFailure) {
    auto c = command({"/bin/ls", "/nonexistent-mailng-path"});
    auto outcome = run_command(c);
    ASSERT_TRUE(outcome);
    EXPECT_NE(outcome->exit_status, 0);
    EXPECT_FALSE(outcome->succeeded());
    EXPECT_NE(outcome->stderr_text.find("nonexistent-mailng-path"), std::string::npos);
    auto error = tool_error(c, *outcome);
    EXPECT_EQ(error.code, mailng::jsonrpc::tool_failed);
    EXPECT_EQ(error.data["tool"], "ls");
}

TEST(CommandRunner, TimeoutKillsTheChild) {
    auto start = std::chrono::steady_clock::now();
    auto c = command({"/bin/sleep", "30"}, 200ms);
    auto outcome = run_command(c);
    ASSERT_TRUE(outcome);
    EXPECT_TRUE(outcome->timed_out);
    EXPECT_EQ(outcome->exit_status, -1);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_NE(tool_error(c, *outcome).message.find("timed out"), std::string::npos);
}

TEST(CommandRunner, MissingProgramIsAStartError) {
    auto outcome = run_command(command({"/nonexistent/program"}));
    EXPECT_FALSE(outcome);
    EXPECT_FALSE(run_command(command({"relative/program"})));
}

TEST(CommandRunner, StdoutIsCapped) {
    auto outcome = run_command(command({"/usr/bin/seq", "1", "100000"}), 10);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->stdout_text.size(), 10u);
    EXPECT_TRUE(outcome->stdout_truncated);
    EXPECT_TRUE(outcome->succeeded());
}

TEST(CommandRunner, LinesAreStreamedAndCanStopTheCommand) {
    std::vector<std::string> lines;
    auto outcome = run_command_lines(command({"/usr/bin/seq", "1", "5"}), [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    ASSERT_TRUE(outcome);
    EXPECT_EQ(lines, (std::vector<std::string>{"1", "2", "3", "4", "5"}));

    int seen = 0;
    auto stopped = run_command_lines(command({"/usr/bin/yes"}), [&](std::string_view) {
        return ++seen < 3;
    });
    ASSERT_TRUE(stopped);
    EXPECT_TRUE(stopped->stopped_early);
    EXPECT_EQ(seen, 3);
}

TEST(CommandRunner, LastLineWithoutNewline) {
    std::vector<std::string> lines;
    auto outcome = run_command_lines(command({"/usr/bin/printf", "a\nb"}), [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    ASSERT_TRUE(outcome);
    EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
}

TEST(CommandRunner, TerminalStderrForToolsThatOnlyTalkToTerminals) {
    auto c = command({"/usr/bin/test", "-t", "2"});
    c.stderr_terminal = true;
    auto outcome = run_command(c);
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->exit_status, 0) << "stderr is not a terminal";

    auto piped = run_command(command({"/usr/bin/test", "-t", "2"}));
    ASSERT_TRUE(piped);
    EXPECT_EQ(piped->exit_status, 1);
}

TEST(CommandRunner, NoDescriptorLeaksIntoTheChild) {
    // Only 0, 1, 2 and the directory ls itself opens for /proc/self/fd.
    auto outcome = run_command(command({"/bin/ls", "/proc/self/fd"}));
    ASSERT_TRUE(outcome);
    EXPECT_EQ(outcome->stdout_text, "0\n1\n2\n3\n");
}

} // namespace
