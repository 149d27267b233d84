// `mailng-agent check queue`: the pure decision, table-tested. Time runs in minutes
// before `kNow`; samples are one a minute, as `serve` records them by default.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "queue_check.h"

namespace mailng::agent {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

/// One sample a minute from `minutes` ago up to one minute ago; value(m) gives the
/// total m minutes before now.
std::vector<TotalSample> history(int minutes, const std::function<std::int64_t(int)>& value) {
    std::vector<TotalSample> samples;
    for (int m = minutes; m >= 1; --m)
        samples.push_back({kNow - m * 60, value(m)});
    return samples;
}

QueueCheckInput input_with(QueueTotals counts, std::vector<TotalSample> samples) {
    QueueCheckInput input;
    input.now = kNow;
    input.counts = counts;
    input.history = std::move(samples);
    return input;
}

QueueTotals deferred(std::int64_t count) {
    QueueTotals totals;
    totals.deferred = count;
    return totals;
}

QueueCheckResult decide(const QueueCheckInput& input) {
    return decide_queue_check(input, QueueCheckSettings{}, GrowthRule{});
}

/// The growth part of the status line: between ", " and " | ".
std::string growth_part(const std::string& line) {
    auto start = line.find(", ");
    auto end = line.find(" | ");
    return start == std::string::npos ? "" : line.substr(start + 2, end - start - 2);
}

TEST(QueueCheck, StatusNames) {
    EXPECT_EQ(to_string(NagiosStatus::ok), "OK");
    EXPECT_EQ(to_string(NagiosStatus::warning), "WARNING");
    EXPECT_EQ(to_string(NagiosStatus::critical), "CRITICAL");
    EXPECT_EQ(to_string(NagiosStatus::unknown), "UNKNOWN");
    EXPECT_EQ(static_cast<int>(NagiosStatus::unknown), 3);
}

TEST(QueueCheck, FixedThresholdsOnTheTotal) {
    struct Case {
        QueueTotals counts;
        NagiosStatus expected;
    };
    const Case cases[] = {
        {{0, 0, 0, 0}, NagiosStatus::ok},
        {{100, 100, 200, 100}, NagiosStatus::ok}, // 500: not above
        {{0, 0, 501, 0}, NagiosStatus::warning},
        {{1, 0, 0, 500}, NagiosStatus::warning}, // hold counts too
        {{0, 0, 2000, 0}, NagiosStatus::warning},
        {{0, 2001, 0, 0}, NagiosStatus::critical},
        {{1000, 1000, 1000, 1000}, NagiosStatus::critical},
    };
    for (const auto& c : cases) {
        auto result = decide(input_with(c.counts, {})); // no history: growth not judged
        EXPECT_EQ(result.status, c.expected) << result.line;
    }
}

TEST(QueueCheck, ExampleLineWithGrowthAndPerfdata) {
    // Flat at 300 for over an hour, then rising steadily for the last 42 minutes.
    auto samples = history(120, [](int m) { return m >= 42 ? 300 : 300 + (42 - m) * 10; });
    QueueTotals counts{0, 0, 700, 34};
    auto result = decide(input_with(counts, samples));
    EXPECT_EQ(result.status, NagiosStatus::warning);
    EXPECT_EQ(result.line,
              "QUEUE WARNING - 734 messages (deferred 700, hold 34), growing for 42 min"
              " | incoming=0;;;0; active=0;;;0; deferred=700;;;0; hold=34;;;0;"
              " total=734;500;2000;0;");
}

TEST(QueueCheck, PerfdataFormat) {
    QueueCheckSettings thresholds;
    thresholds.warning = 100;
    thresholds.critical = 500;
    EXPECT_EQ(queue_perfdata({1, 2, 3, 4}, thresholds),
              "incoming=1;;;0; active=2;;;0; deferred=3;;;0; hold=4;;;0; total=10;100;500;0;");
}

TEST(QueueCheck, GrowthLevels) {
    struct Case {
        const char* name;
        int rising_minutes; // before that: flat at 50
        NagiosStatus expected;
        const char* growth;
    };
    const Case cases[] = {
        {"rising 20 min", 20, NagiosStatus::ok, "growing for 20 min"},
        {"rising 30 min", 30, NagiosStatus::warning, "growing for 30 min"},
        {"rising 45 min", 45, NagiosStatus::warning, "growing for 45 min"},
        {"rising 60 min", 60, NagiosStatus::critical, "growing for 60 min"},
        {"rising 100 min", 100, NagiosStatus::critical, "growing for 100 min"},
    };
    for (const auto& c : cases) {
        int rising = c.rising_minutes;
        auto samples =
            history(120, [rising](int m) { return m >= rising ? 50 : 50 + (rising - m) * 2; });
        auto counts = deferred(50 + rising * 2);
        auto result = decide(input_with(counts, samples));
        EXPECT_EQ(result.status, c.expected) << c.name << ": " << result.line;
        EXPECT_EQ(growth_part(result.line), c.growth) << c.name;
    }
}

TEST(QueueCheck, GrowthOnTopOfFixedThresholds) {
    // Above warning and growing for an hour: critical although under the critical threshold.
    auto samples = history(90, [](int m) { return 1000 - m * 5; });
    auto result = decide(input_with(deferred(1000), samples));
    EXPECT_EQ(result.status, NagiosStatus::critical) << result.line;
    // Above critical and not growing: still critical.
    auto flat = history(90, [](int) { return 2500; });
    EXPECT_EQ(decide(input_with(deferred(2500), flat)).status, NagiosStatus::critical);
}

TEST(QueueCheck, NotGrowing) {
    struct Case {
        const char* name;
        std::function<std::int64_t(int)> value;
        std::int64_t now_total;
    };
    const Case cases[] = {
        {"flat", [](int) { return 120; }, 120},
        {"empty", [](int) { return 0; }, 0},
        {"shrinking", [](int m) { return 100 + m * 3; }, 100},
        {"rising, then drained to where it began", [](int m) { return m > 5 ? 300 - m : 200; },
         201},
        {"small busy queue: churn under min_rise", [](int m) { return 5 + (m % 4); }, 9},
        {"rose, then flat for the last half hour", [](int m) { return m > 30 ? 400 - m : 370; },
         370},
    };
    for (const auto& c : cases) {
        auto result = decide(input_with(deferred(c.now_total), history(120, c.value)));
        EXPECT_EQ(result.status, NagiosStatus::ok) << c.name << ": " << result.line;
        EXPECT_EQ(growth_part(result.line), "not growing") << c.name << ": " << result.line;
    }
}

TEST(QueueCheck, AnUptickAfterAFlatHourIsOneMinuteOfGrowth) {
    auto result = decide(input_with(deferred(260), history(120, [](int) { return 200; })));
    EXPECT_EQ(result.status, NagiosStatus::ok);
    EXPECT_EQ(growth_part(result.line), "growing for 1 min");
}

TEST(QueueCheck, GrowthUnderAMinute) {
    auto samples = history(60, [](int) { return 200; });
    samples.push_back({kNow - 30, 200});
    auto result = decide(input_with(deferred(230), samples));
    EXPECT_EQ(growth_part(result.line), "growing for under 1 min");
}

TEST(QueueCheck, AFlatStretchOfAStepOrMoreEndsTheGrowth) {
    // Rose for an hour, flat from 45 to 33 minutes ago (12 min), rising since.
    auto samples = history(120, [](int m) {
        if (m >= 105)
            return 100;
        if (m >= 45)
            return 100 + (105 - m) * 2;
        if (m >= 33)
            return 220;
        return 220 + (33 - m) * 2;
    });
    auto result = decide(input_with(deferred(286), samples));
    EXPECT_EQ(result.status, NagiosStatus::warning) << result.line;
    EXPECT_EQ(growth_part(result.line), "growing for 33 min");
}

TEST(QueueCheck, ToleratesFlatStretchesAndDips) {
    // Rising for 40 minutes with an 8-minute flat stretch in the middle.
    auto flat_middle = history(120, [](int m) {
        if (m >= 40)
            return 100;
        if (m >= 24)
            return 100 + (40 - m) * 4;
        if (m >= 16)
            return 164;
        return 164 + (16 - m) * 4;
    });
    auto result = decide(input_with(deferred(228), flat_middle));
    EXPECT_EQ(growth_part(result.line), "growing for 40 min") << result.line;
    EXPECT_EQ(result.status, NagiosStatus::warning);

    // Rising for 35 minutes, active-queue churn of a few messages on the way.
    auto churn = history(120, [](int m) {
        if (m >= 35)
            return 100;
        return 100 + (35 - m) * 3 - (m % 3 == 0 ? 4 : 0);
    });
    result = decide(input_with(deferred(205), churn));
    EXPECT_EQ(result.status, NagiosStatus::warning) << result.line;
}

TEST(QueueCheck, DrainRestartsTheGrowthCount) {
    // Grew for an hour until 25 minutes ago, was drained to 10, has grown since.
    auto samples = history(120, [](int m) {
        if (m > 85)
            return 10;
        if (m > 25)
            return 10 + (85 - m) * 5;
        return 10 + (25 - m) * 2;
    });
    auto result = decide(input_with(deferred(60), samples));
    EXPECT_EQ(result.status, NagiosStatus::ok) << result.line;
    EXPECT_EQ(growth_part(result.line), "growing for 25 min");
}

TEST(QueueCheck, GrowthNotJudgedWithoutEnoughHistory) {
    struct Case {
        const char* name;
        std::vector<TotalSample> samples;
        const char* growth;
    };
    const Case cases[] = {
        {"no samples",
         {},
         "growth not judged (no metrics samples; is mailng-agent serve running?)"},
        {"serve started 10 min ago", history(10, [](int m) { return 100 - m * 5; }),
         "growth not judged (10 min of samples, needs 30 min)"},
        {"serve stopped an hour ago",
         {{kNow - 3600, 10}, {kNow - 3660, 5}},
         "growth not judged (last metrics sample 60 min ago; is mailng-agent serve running?)"},
        {"a gap 20 min ago",
         [] {
             auto samples = history(60, [](int m) { return 200 - m; });
             std::erase_if(samples, [](const TotalSample& s) {
                 return s.time < kNow - 15 * 60 && s.time > kNow - 25 * 60;
             });
             return samples;
         }(),
         "growth not judged (15 min of samples, needs 30 min)"},
    };
    for (const auto& c : cases) {
        // Over the warning threshold: the fixed threshold still applies.
        auto result = decide(input_with(deferred(600), c.samples));
        EXPECT_EQ(result.status, NagiosStatus::warning) << c.name << ": " << result.line;
        EXPECT_EQ(growth_part(result.line), c.growth) << c.name;
    }
}

TEST(QueueCheck, TooFewSamplesOverTheWindow) {
    GrowthRule rule;
    rule.max_gap_seconds = 20 * 60; // sampling every 10 minutes
    std::vector<TotalSample> points = {{kNow - 1800, 10}, {kNow - 1200, 40}, {kNow, 90}};
    auto growth = judge_growth(points, rule);
    EXPECT_FALSE(growth.judged);
    EXPECT_EQ(growth.not_judged_why, "only 3 samples");
}

TEST(QueueCheck, MetricsUnreadableStillChecksCounts) {
    auto input = input_with(deferred(2500), {});
    input.history_error = "metrics database /var/lib/mailng/metrics.sqlite: locked";
    auto result = decide(input);
    EXPECT_EQ(result.status, NagiosStatus::critical);
    EXPECT_EQ(growth_part(result.line), "growth not judged (metrics unreadable: metrics database "
                                        "/var/lib/mailng/metrics.sqlite: locked)");
}

TEST(QueueCheck, UnreadableQueueIsUnknown) {
    QueueCheckInput input;
    input.now = kNow;
    input.counts_error = "cannot read /var/spool/postfix/deferred: Permission denied | x\nmore";
    auto result = decide(input);
    EXPECT_EQ(result.status, NagiosStatus::unknown);
    // One line, no '|' that Nagios would take for the start of perfdata.
    EXPECT_EQ(result.line, "QUEUE UNKNOWN - cannot read /var/spool/postfix/deferred: "
                           "Permission denied / x more");
}

TEST(QueueCheck, SingularAndEmptyCounts) {
    auto one = decide(input_with({0, 1, 0, 0}, {})).line;
    EXPECT_TRUE(one.starts_with("QUEUE OK - 1 message (active 1), growth not judged")) << one;
    auto none = decide(input_with({}, {})).line;
    EXPECT_TRUE(none.starts_with("QUEUE OK - 0 messages, growth not judged")) << none;
}

TEST(QueueCheck, HistoryOrderAndFutureSamplesDoNotMatter) {
    auto samples = history(70, [](int m) { return 500 - m * 5; });
    std::reverse(samples.begin(), samples.end());
    samples.push_back({kNow + 600, 0}); // a clock step: ignored
    auto result = decide(input_with(deferred(500), samples));
    EXPECT_EQ(result.status, NagiosStatus::critical) << result.line;
    EXPECT_EQ(growth_part(result.line), "growing for 70 min");
}

TEST(QueueCheck, RuleFromConfig) {
    AgentConfig config;
    config.check_queue.growth_warning_minutes = 15;
    config.check_queue.growth_critical_minutes = 45;
    config.metrics.interval = std::chrono::seconds(300);
    auto rule = growth_rule(config);
    EXPECT_EQ(rule.warning_seconds, 900);
    EXPECT_EQ(rule.critical_seconds, 2700);
    EXPECT_EQ(rule.max_gap_seconds, 900);
    config.metrics.interval = std::chrono::seconds(10);
    EXPECT_EQ(growth_rule(config).max_gap_seconds, 300);
}

} // namespace
} // namespace mailng::agent
