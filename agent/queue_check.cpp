#include "queue_check.h"

#include <algorithm>
#include <ctime>
#include <exception>
#include <map>

#include "host_status.h"
#include "mailng/postfix_queue_scan.h"
#include "metrics_store.h"
#include "queue_source.h"

namespace mailng::agent {
namespace {

constexpr std::int64_t kMinMaxGapSeconds = 5 * 60;
constexpr std::int64_t kGapIntervals = 3;
constexpr std::int64_t kMinStepSeconds = 60;
constexpr std::size_t kMaxHistorySamples = 5000;

const std::vector<QueueName> kCountedQueues = {QueueName::incoming, QueueName::active,
                                               QueueName::deferred, QueueName::hold};

std::string minutes(std::int64_t seconds) {
    return std::to_string(seconds / 60) + " min";
}

/// `text` fit for a plugin's status text: one line, no '|' (which starts perfdata).
std::string plugin_text(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    std::replace(text.begin(), text.end(), '|', '/');
    return text;
}

Growth not_judged(std::string why) {
    return {false, std::move(why), 0};
}

/// The first index of the run of points, ending with the last, with no gap over max_gap.
std::size_t continuous_start(const std::vector<TotalSample>& points, std::int64_t max_gap) {
    std::size_t first = points.size() - 1;
    while (first > 0 && points[first].time - points[first - 1].time <= max_gap)
        --first;
    return first;
}

/// The latest of points[from..before) whose time is at or before `time`, or nullopt.
std::optional<std::size_t> latest_at(const std::vector<TotalSample>& points, std::size_t from,
                                     std::size_t before, std::int64_t time) {
    auto begin = points.begin() + static_cast<std::ptrdiff_t>(from);
    auto end = points.begin() + static_cast<std::ptrdiff_t>(before);
    auto after = std::upper_bound(begin, end, time,
                                  [](std::int64_t t, const TotalSample& p) { return t < p.time; });
    if (after == begin)
        return std::nullopt;
    return static_cast<std::size_t>(after - points.begin()) - 1;
}

/// Rule 2: a run may only start after every sample that is not above the latest sample
/// at least one step before it. Returns the last such earlier sample, or nullopt.
std::optional<std::size_t> last_stall(const std::vector<TotalSample>& points, std::size_t first,
                                      std::int64_t step) {
    std::optional<std::size_t> stall;
    for (std::size_t i = first + 1; i < points.size(); ++i) {
        auto earlier = latest_at(points, first, i, points[i].time - step);
        if (earlier && points[i].total <= points[*earlier].total)
            stall = std::max(stall.value_or(0), *earlier);
    }
    return stall;
}

/// Seconds since the earliest start of a growth run within points[first..], or 0.
std::int64_t growth_run(const std::vector<TotalSample>& points, std::size_t first,
                        const GrowthRule& rule) {
    // floor[i]: the lowest total from points[i] to the end (rule 1).
    std::vector<std::int64_t> floor(points.size());
    floor.back() = points.back().total;
    for (std::size_t i = points.size() - 1; i-- > first;)
        floor[i] = std::min(points[i].total, floor[i + 1]);
    auto stall = last_stall(points, first, std::max<std::int64_t>(rule.step_seconds, 1));
    const TotalSample& last = points.back();
    for (std::size_t start = stall ? *stall + 1 : first; start + 1 < points.size(); ++start) {
        const TotalSample& candidate = points[start];
        if (candidate.total < floor[start + 1] && last.total - candidate.total >= rule.min_rise &&
            last.time > candidate.time)
            return last.time - candidate.time;
    }
    return 0;
}

NagiosStatus fixed_level(std::int64_t total, const QueueCheckSettings& thresholds) {
    if (total > thresholds.critical)
        return NagiosStatus::critical;
    if (total > thresholds.warning)
        return NagiosStatus::warning;
    return NagiosStatus::ok;
}

NagiosStatus growth_level(const Growth& growth, const GrowthRule& rule) {
    if (growth.judged && growth.growing_seconds >= rule.critical_seconds)
        return NagiosStatus::critical;
    if (growth.judged && growth.growing_seconds >= rule.warning_seconds)
        return NagiosStatus::warning;
    return NagiosStatus::ok;
}

std::string growth_text(const Growth& growth) {
    if (!growth.judged)
        return "growth not judged (" + growth.not_judged_why + ")";
    if (growth.growing_seconds == 0)
        return "not growing";
    if (growth.growing_seconds < 60)
        return "growing for under 1 min";
    return "growing for " + minutes(growth.growing_seconds);
}

/// "734 messages (deferred 700, hold 34)": the non-empty queues.
std::string counts_text(const QueueTotals& counts) {
    std::int64_t total = counts.total();
    std::string text = std::to_string(total) + (total == 1 ? " message" : " messages");
    const std::pair<const char*, std::int64_t> queues[] = {{"incoming", counts.incoming},
                                                           {"active", counts.active},
                                                           {"deferred", counts.deferred},
                                                           {"hold", counts.hold}};
    std::string parts;
    for (const auto& [name, count] : queues)
        if (count != 0)
            parts += (parts.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(count);
    return parts.empty() ? text : text + " (" + parts + ")";
}

Growth judge(const QueueCheckInput& input, const GrowthRule& rule) {
    if (!input.history_error.empty())
        return not_judged("metrics unreadable: " + input.history_error);
    std::vector<TotalSample> points;
    for (const auto& sample : input.history)
        if (sample.time <= input.now)
            points.push_back(sample);
    std::stable_sort(points.begin(), points.end(),
                     [](const TotalSample& a, const TotalSample& b) { return a.time < b.time; });
    points.push_back({input.now, input.counts->total()});
    return judge_growth(points, rule);
}

// ---- I/O: gathering the input ----

Result<QueueTotals, std::string> live_counts(const AgentConfig& config) {
    auto dir = queue_directory(config);
    if (!dir)
        return unexpected(describe_error(dir.error()));
    auto counts = count_queue_files(*dir, kCountedQueues);
    if (!counts)
        return unexpected(counts.error());
    auto count_of = [&](QueueName queue) {
        auto found = counts->find(queue);
        return found == counts->end() ? std::int64_t{0} : static_cast<std::int64_t>(found->second);
    };
    return QueueTotals{count_of(QueueName::incoming), count_of(QueueName::active),
                       count_of(QueueName::deferred), count_of(QueueName::hold)};
}

/// Samples that have all four counted queues (a sample without Postfix has none).
std::vector<TotalSample> totals_of(const MetricsHistory& history) {
    std::vector<TotalSample> totals;
    for (const auto& row : history.rows) {
        std::int64_t total = 0;
        bool complete = true;
        for (Metric metric : history.columns) {
            complete = complete && row[metric].has_value();
            total += static_cast<std::int64_t>(row[metric].value_or(0));
        }
        if (complete)
            totals.push_back({row.time, total});
    }
    return totals;
}

Result<std::vector<TotalSample>, std::string> recorded_totals(const AgentConfig& config,
                                                              std::int64_t now) {
    auto store = MetricsStore::open(config.metrics_db(), MetricsStore::Mode::existing);
    if (!store)
        return unexpected(store.error().message);
    std::int64_t lookback = 2 * std::int64_t{config.check_queue.growth_critical_minutes} * 60;
    auto history = (*store)->history(
        now - lookback, now, kMaxHistorySamples,
        {Metric::queue_incoming, Metric::queue_active, Metric::queue_deferred, Metric::queue_hold});
    if (!history)
        return unexpected(history.error());
    return totals_of(*history);
}

QueueCheckInput gather(const AgentConfig& config, std::int64_t now) {
    QueueCheckInput input;
    input.now = now;
    auto counts = live_counts(config);
    if (!counts) {
        input.counts_error = counts.error();
        return input;
    }
    input.counts = *counts;
    auto history = recorded_totals(config, now);
    if (history)
        input.history = std::move(*history);
    else
        input.history_error = history.error();
    return input;
}

} // namespace

std::string_view to_string(NagiosStatus status) {
    switch (status) {
    case NagiosStatus::ok:
        return "OK";
    case NagiosStatus::warning:
        return "WARNING";
    case NagiosStatus::critical:
        return "CRITICAL";
    case NagiosStatus::unknown:
        break;
    }
    return "UNKNOWN";
}

GrowthRule growth_rule(const AgentConfig& config) {
    GrowthRule rule;
    rule.warning_seconds = std::int64_t{config.check_queue.growth_warning_minutes} * 60;
    rule.critical_seconds = std::int64_t{config.check_queue.growth_critical_minutes} * 60;
    rule.step_seconds = std::max<std::int64_t>(kMinStepSeconds, rule.warning_seconds / 3);
    rule.max_gap_seconds =
        std::max<std::int64_t>(kMinMaxGapSeconds, kGapIntervals * config.metrics.interval.count());
    return rule;
}

Growth judge_growth(const std::vector<TotalSample>& points, const GrowthRule& rule) {
    if (points.size() < 2)
        return not_judged("no metrics samples; is mailng-agent serve running?");
    std::int64_t silence = points.back().time - points[points.size() - 2].time;
    if (silence > rule.max_gap_seconds)
        return not_judged("last metrics sample " + minutes(silence) +
                          " ago; is mailng-agent serve running?");
    std::size_t first = continuous_start(points, rule.max_gap_seconds);
    std::int64_t covered = points.back().time - points[first].time;
    if (covered < rule.warning_seconds)
        return not_judged(minutes(covered) + " of samples, needs " + minutes(rule.warning_seconds));
    if (points.size() - first < rule.min_samples)
        return not_judged("only " + std::to_string(points.size() - first) + " samples");
    return {true, {}, growth_run(points, first, rule)};
}

std::string queue_perfdata(const QueueTotals& counts, const QueueCheckSettings& thresholds) {
    auto plain = [](const char* name, std::int64_t value) {
        return std::string(name) + "=" + std::to_string(value) + ";;;0; ";
    };
    return plain("incoming", counts.incoming) + plain("active", counts.active) +
           plain("deferred", counts.deferred) + plain("hold", counts.hold) +
           "total=" + std::to_string(counts.total()) + ";" + std::to_string(thresholds.warning) +
           ";" + std::to_string(thresholds.critical) + ";0;";
}

QueueCheckResult decide_queue_check(const QueueCheckInput& input,
                                    const QueueCheckSettings& thresholds, const GrowthRule& rule) {
    if (!input.counts)
        return {NagiosStatus::unknown, "QUEUE UNKNOWN - " + plugin_text(input.counts_error)};
    Growth growth = judge(input, rule);
    NagiosStatus status =
        std::max(fixed_level(input.counts->total(), thresholds), growth_level(growth, rule));
    std::string text = counts_text(*input.counts) + ", " + growth_text(growth);
    std::string line = "QUEUE " + std::string(to_string(status)) + " - " + plugin_text(text) +
                       " | " + queue_perfdata(*input.counts, thresholds);
    return {status, std::move(line)};
}

int run_check_queue(const AgentConfig& config, std::ostream& out) {
    QueueCheckResult result;
    try {
        auto now = static_cast<std::int64_t>(std::time(nullptr));
        result = decide_queue_check(gather(config, now), config.check_queue, growth_rule(config));
    } catch (const std::exception& error) {
        result = {NagiosStatus::unknown, "QUEUE UNKNOWN - " + plugin_text(error.what())};
    }
    out << result.line << '\n' << std::flush;
    return static_cast<int>(result.status);
}

} // namespace mailng::agent
