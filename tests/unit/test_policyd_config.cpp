// policyd.toml: the contract keys, the extras, defaults, and problems with positions.
#include <gtest/gtest.h>

#include <fstream>

#include "policyd_config.h"

namespace mailng::policyd {
namespace {

const char* kMinimal = R"(bridges = ["127.0.0.1:10041"]
domains = ["Example.EDU"]
)";

PolicydConfig parse_ok(const std::string& text) {
    auto config = parse_policyd_config(text, "policyd.toml");
    EXPECT_TRUE(config) << (config ? "" : config.error().front().to_string());
    return config ? config.value() : PolicydConfig{};
}

std::vector<std::string> problems_of(const std::string& text) {
    auto config = parse_policyd_config(text, "policyd.toml");
    EXPECT_FALSE(config);
    std::vector<std::string> lines;
    if (!config) {
        for (const auto& problem : config.error()) {
            lines.push_back(problem.to_string());
        }
    }
    return lines;
}

TEST(PolicydConfig, MinimalFileGetsTheDefaults) {
    const auto config = parse_ok(kMinimal);
    EXPECT_EQ(config.listen, "127.0.0.1:10040");
    ASSERT_EQ(config.bridges.size(), 1u);
    EXPECT_EQ(config.bridges[0].host, "127.0.0.1");
    EXPECT_EQ(config.bridges[0].port, 10041);
    EXPECT_EQ(config.domains, std::vector<std::string>{"example.edu"});
    EXPECT_EQ(config.on_backend_failure, FailureAction::defer_if_permit);
    EXPECT_EQ(config.backend_timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(config.cache_max_entries, 1'000'000u);
    EXPECT_FALSE(config.serve_stale);
    EXPECT_EQ(config.recipient_delimiter, "+");
    EXPECT_EQ(config.log, LogTarget::syslog);
}

TEST(PolicydConfig, EveryKeyIsRead) {
    const auto config = parse_ok(R"(listen = "[::1]:10050"
bridges = ["10.0.0.1:10041", "backend2.example.edu:10041"]
domains = ["example.edu", "lists.example.edu"]
on_backend_failure = "dunno"
positive_ttl_s = 600
negative_ttl_s = 30
backend_timeout_ms = 800
threads = 4
cache_max_entries = 5000
serve_stale = true
breaker_failures = 5
breaker_open_s = 10
recipient_delimiter = "+-"
stats_file = "/var/lib/mailng-policyd/stats.json"
log = "stderr"
)");
    EXPECT_EQ(config.listen, "[::1]:10050");
    ASSERT_EQ(config.bridges.size(), 2u);
    EXPECT_EQ(config.bridges[1].host, "backend2.example.edu");
    EXPECT_EQ(config.domains.size(), 2u);
    EXPECT_EQ(config.on_backend_failure, FailureAction::dunno);
    EXPECT_EQ(config.positive_ttl, std::chrono::seconds(600));
    EXPECT_EQ(config.negative_ttl, std::chrono::seconds(30));
    EXPECT_EQ(config.backend_timeout, std::chrono::milliseconds(800));
    EXPECT_EQ(config.threads, 4u);
    EXPECT_EQ(config.cache_max_entries, 5000u);
    EXPECT_TRUE(config.serve_stale);
    EXPECT_EQ(config.breaker_failures, 5u);
    EXPECT_EQ(config.breaker_open, std::chrono::seconds(10));
    EXPECT_EQ(config.recipient_delimiter, "+-");
    EXPECT_EQ(config.stats_file, "/var/lib/mailng-policyd/stats.json");
    EXPECT_EQ(config.log, LogTarget::stderr_stream);
}

TEST(PolicydConfig, UnknownKeyIsRefusedWithItsPosition) {
    const auto problems = problems_of(std::string(kMinimal) + "negative_ttl = 60\n");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0], "policyd.toml:3:1: unknown key 'negative_ttl'");
}

TEST(PolicydConfig, MissingRequiredKeysAreNamed) {
    const auto problems = problems_of("listen = \"127.0.0.1:10040\"\n");
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0], "policyd.toml: missing required key 'bridges'");
    EXPECT_EQ(problems[1], "policyd.toml: missing required key 'domains'");
}

TEST(PolicydConfig, EveryBadValueIsReportedAtItsLine) {
    const auto problems = problems_of(R"(listen = "localhost:10040"
bridges = ["127.0.0.1", "127.0.0.1:0", 5]
domains = ["@example.edu"]
on_backend_failure = "reject"
backend_timeout_ms = 0
threads = "two"
log = "file"
)");
    ASSERT_EQ(problems.size(), 9u);
    EXPECT_EQ(problems[0].rfind("policyd.toml:1:", 0), 0u) << problems[0];
    EXPECT_NE(problems[0].find("not an IP address"), std::string::npos);
    EXPECT_EQ(problems[1].rfind("policyd.toml:2:12:", 0), 0u) << problems[1];
    EXPECT_NE(problems[2].find("port 0"), std::string::npos);
    EXPECT_NE(problems[3].find("plain strings"), std::string::npos);
    EXPECT_EQ(problems[4].rfind("policyd.toml:3:", 0), 0u) << problems[4];
    EXPECT_NE(problems[5].find("'defer_if_permit' or 'dunno'"), std::string::npos);
    EXPECT_NE(problems[6].find("between 1 and"), std::string::npos);
    EXPECT_NE(problems[7].find("'threads' must be an integer"), std::string::npos);
    EXPECT_EQ(problems[8], "policyd.toml:7:7: 'log' must be 'syslog' or 'stderr', not 'file'");
}

TEST(PolicydConfig, TomlSyntaxErrorHasAPosition) {
    const auto problems = problems_of("bridges = [\"127.0.0.1:1\"\ndomains = \n");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].rfind("policyd.toml:", 0), 0u);
    EXPECT_NE(problems[0].find(':', 13), std::string::npos);
}

TEST(PolicydConfig, EmptyListsAreRefused) {
    const auto problems = problems_of("bridges = []\ndomains = [\"example.edu\"]\n");
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0], "policyd.toml:1:11: 'bridges' must not be empty");
}

TEST(PolicydConfig, UnreadableFileIsOneProblem) {
    auto config = load_policyd_config("/nonexistent/policyd.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().front().to_string(), "/nonexistent/policyd.toml: cannot read the file");
}

TEST(PolicydConfig, TheShippedExampleIsValid) {
    auto config = load_policyd_config(MAILNG_SOURCE_DIR "/resources/examples/policyd.toml");
    ASSERT_TRUE(config) << config.error().front().to_string();
    EXPECT_FALSE(config->bridges.empty());
}

TEST(PolicydConfig, ReloadNamesTheKeysThatNeedARestart) {
    const auto running = parse_ok(kMinimal);
    auto reloaded = running;
    reloaded.domains.push_back("other.edu");
    reloaded.negative_ttl = std::chrono::seconds(5);
    EXPECT_TRUE(keys_needing_restart(running, reloaded).empty());
    reloaded.listen = "127.0.0.1:10050";
    EXPECT_EQ(keys_needing_restart(running, reloaded), std::vector<std::string>{"listen"});
}

} // namespace
} // namespace mailng::policyd
