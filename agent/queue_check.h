// `mailng-agent check queue`: a Nagios plugin for the Postfix queue, the manual's wish
// in Table 7 ("check the queue, record the value, compare... if the number keeps
// increasing for 30 min report WARNING, for 1 hour report CRITICAL"), on top of the
// fixed thresholds of check_postfix_queue. Exit status and one line on stdout:
//
//   QUEUE WARNING - 734 messages (deferred 700, hold 34), growing for 42 min |
//   incoming=0;;;0; active=0;;;0; deferred=700;;;0; hold=34;;;0; total=734;500;2000;0;
//
// (one line, broken here for width).
//
// The total is incoming + active + deferred + hold (maildrop is not yet queued, corrupt
// is not mail Postfix will deliver). The current counts are read live from the queue
// directories; the history comes from the samples `mailng-agent serve` records.
//
// Levels (the worse one wins):
// - fixed: WARNING when the total is above check_queue.warning, CRITICAL above
//   check_queue.critical (Nagios threshold semantics: alert when value > threshold);
// - growth: WARNING when the total has been growing for growth_warning_minutes,
//   CRITICAL for growth_critical_minutes;
// - UNKNOWN when the queue cannot be counted (no Postfix, queue directory unreadable).
//
// "Has been growing since T" — the rule, over the samples from T to now, the live
// count being the sample at now:
//   1. every sample after T is above the total at T: the queue never fell back to
//      where it started (a drain restarts the count);
//   2. it rose over every step of L = growth_warning_minutes / 3 (10 min by default)
//      within [T, now]: each sample is above the latest sample at least L before it
//      (samples less than L after T are above T by rule 1). Flat stretches and dips
//      shorter than L are tolerated (deferred mail waits out its retry time, the
//      active queue churns); a queue flat for L or longer was not growing then, so a
//      run starts after such a stretch;
//   3. it rose by at least min_rise messages (10) from T to now, so that the churn of
//      a small, busy queue is not growth.
// The queue is growing for now - T, with T the earliest such time within the
// continuous samples (no gap longer than max_gap: 3 sampling intervals, at least 5 min)
// that end now. Growth is not judged, and the output says why, when there are fewer
// than 4 such samples, when they span less than growth_warning_minutes (serve started
// recently), when the last sample is older than max_gap (serve not running), or when
// the metrics cannot be read; the fixed thresholds still apply then. The samples
// looked at reach back 2 × growth_critical_minutes, which caps the duration reported.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "agent_config.h"

namespace mailng::agent {

enum class NagiosStatus { ok = 0, warning = 1, critical = 2, unknown = 3 };

/// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view to_string(NagiosStatus status);

struct QueueTotals {
    std::int64_t incoming = 0;
    std::int64_t active = 0;
    std::int64_t deferred = 0;
    std::int64_t hold = 0;

    std::int64_t total() const { return incoming + active + deferred + hold; }
};

/// The queue's total at one time (seconds since the epoch).
struct TotalSample {
    std::int64_t time = 0;
    std::int64_t total = 0;
};

struct GrowthRule {
    std::int64_t warning_seconds = 30 * 60;
    std::int64_t critical_seconds = 60 * 60;
    std::int64_t step_seconds = 10 * 60; // L in rule 2
    std::int64_t max_gap_seconds = 5 * 60;
    std::int64_t min_rise = 10;
    std::size_t min_samples = 4;
};

/// The rule with the config's minutes, L = growth_warning_minutes / 3 (at least 1 min)
/// and a max_gap of 3 metrics intervals (at least 5 min).
GrowthRule growth_rule(const AgentConfig& config);

struct Growth {
    bool judged = false;
    std::string not_judged_why;       // when !judged: for the status line
    std::int64_t growing_seconds = 0; // 0: not growing
};

/// Applies the rule above to `points`, sorted by time, whose last element is now (the
/// live count). Pure.
Growth judge_growth(const std::vector<TotalSample>& points, const GrowthRule& rule);

/// Everything the check decides from, gathered by run_check_queue.
struct QueueCheckInput {
    std::int64_t now = 0;
    std::optional<QueueTotals> counts; // nullopt: the queue could not be counted
    std::string counts_error;          // then: why
    std::vector<TotalSample> history;  // samples before now, any order
    std::string history_error;         // non-empty: the metrics could not be read
};

struct QueueCheckResult {
    NagiosStatus status = NagiosStatus::unknown;
    std::string line; // without a newline
};

/// The check's verdict and status line. Pure.
QueueCheckResult decide_queue_check(const QueueCheckInput& input,
                                    const QueueCheckSettings& thresholds, const GrowthRule& rule);

/// The perfdata part: each queue, then the total with the warning and critical
/// thresholds, minimum 0: "incoming=0;;;0; active=0;;;0; deferred=700;;;0; hold=34;;;0;
/// total=734;500;2000;0;". Pure.
std::string queue_perfdata(const QueueTotals& counts, const QueueCheckSettings& thresholds);

/// Gathers the input (live counts, the samples of the last 2 × growth_critical_minutes
/// from config.metrics_db()), writes the status line and a newline to `out`, and
/// returns the Nagios exit status (0..3). Never throws; any unexpected failure is
/// UNKNOWN.
int run_check_queue(const AgentConfig& config, std::ostream& out);

} // namespace mailng::agent
