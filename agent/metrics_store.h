// The host's metrics: one row per host.status sample that `mailng-agent serve` takes
// (every metrics.interval), flattened to numbers, in SQLite at config.metrics_db().
// Read by metrics.history (the console's charts) and `mailng-agent check queue`
// (is the queue growing?). Bounded: prune() keeps retention_days and at most max_rows;
// history() holds at most max_points rows in memory whatever the range.
//
// One writer (serve) and any number of readers: WAL journal, so readers never block
// the writer, and a busy timeout for the rest.
//
// Schema versions (PRAGMA user_version): 1 had the metrics up to services_down; 2 adds
// policy_requests and policy_rejects. Opening for writing (Mode::create) migrates an
// older file in place (ALTER TABLE ADD COLUMN; old rows get NULL there); a reader of a
// file not yet migrated gets no value for the columns the file lacks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent_config.h"
#include "mailng/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mailng::agent {

/// The numbers of a sample. The names (metric_name) are the SQL columns and what
/// metrics.history's `metrics` param lists.
enum class Metric : std::size_t {
    queue_incoming,
    queue_active,
    queue_deferred,
    queue_hold,
    queue_corrupt,
    queue_maildrop,
    load1,
    var_used_percent,
    mail_used_percent,
    sessions_imap,
    sessions_pop3,
    services_down,
    policy_requests, // mailng-policyd's cumulative counters (its stats file): requests,
    policy_rejects,  // and 5xx answers (unknown + disabled + over quota)
};
inline constexpr std::size_t kMetricCount = 14;

/// Every metric, in column order.
const std::array<Metric, kMetricCount>& all_metrics();
std::string_view metric_name(Metric metric);
/// Counts are integers (stored and returned as such); load and percentages are not.
bool metric_is_integral(Metric metric);
/// The metric called `name` (exact), or nullopt.
std::optional<Metric> parse_metric(std::string_view name);

/// One sample; a metric without a value (no Postfix here, a statvfs that failed...)
/// is nullopt and stored as NULL.
struct MetricsSample {
    std::int64_t time = 0; // seconds since the epoch; at most one sample per second
    std::array<std::optional<double>, kMetricCount> values{};

    std::optional<double>& operator[](Metric m) { return values[static_cast<std::size_t>(m)]; }
    const std::optional<double>& operator[](Metric m) const {
        return values[static_cast<std::size_t>(m)];
    }
};

/// Rows of a time range, oldest first. Only the `columns` of each row are filled.
struct MetricsHistory {
    std::vector<Metric> columns;
    std::vector<MetricsSample> rows;
    std::int64_t matched = 0; // rows in the range before downsampling
};

/// Why the store could not be opened. `missing`: there is no database file (no
/// `mailng-agent serve` has run on this host yet).
struct MetricsOpenError {
    bool missing = false;
    std::string message;
};

class MetricsStore {
public:
    enum class Mode {
        create,   // serve: creates the file (and state_dir, 0700) and the table, or
                  // migrates an older schema
        existing, // readers: the file must exist; read-only if it is write-protected
    };

    /// Opens the database at `path`. `limits` are what prune() keeps. Errors name the
    /// path and SQLite's message.
    static Result<std::unique_ptr<MetricsStore>, MetricsOpenError>
    open(const std::string& path, Mode mode, MetricsSettings limits = {});

    ~MetricsStore();
    MetricsStore(const MetricsStore&) = delete;
    MetricsStore& operator=(const MetricsStore&) = delete;

    /// Stores `sample`, replacing one with the same time.
    Result<bool, std::string> record(const MetricsSample& sample);

    /// Deletes samples older than retention_days before `now`, then the oldest until at
    /// most max_rows remain (max_rows <= 0: no row limit). Returns how many it deleted.
    Result<std::int64_t, std::string> prune(std::int64_t now);

    /// Samples with from <= time <= to, oldest first, with the given metrics (empty:
    /// all). When more than `max_points` (>= 1) match, keeps max_points of them evenly
    /// spaced by position, the first and the last included (with 1: the last).
    /// Runs in one read transaction, so concurrent writes do not skew the spacing.
    Result<MetricsHistory, std::string> history(std::int64_t from, std::int64_t to,
                                                std::size_t max_points,
                                                std::vector<Metric> metrics = {});

    /// How many samples are stored.
    Result<std::int64_t, std::string> count();

private:
    struct StatementDeleter {
        void operator()(sqlite3_stmt* statement) const;
    };
    using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

    MetricsStore(sqlite3* db, std::string path, MetricsSettings limits)
        : db_(db), path_(std::move(path)), limits_(limits) {}

    Result<bool, std::string> exec(const char* sql);
    Result<bool, std::string> migrate();
    Result<bool, std::string> add_missing_columns();
    Result<bool, std::string> raise_version();
    Result<bool, std::string> load_columns();
    Result<Statement, std::string> prepare(const std::string& sql);
    Result<std::int64_t, std::string> run_delete(const char* sql, std::int64_t bound);
    Result<std::int64_t, std::string> count_range(std::int64_t from, std::int64_t to);
    Result<bool, std::string> read_range(std::int64_t from, std::int64_t to, std::size_t max_points,
                                         MetricsHistory& history);
    std::string failure(std::string_view what) const;
    std::string select_list(const std::vector<Metric>& metrics) const;

    sqlite3* db_;
    std::string path_;
    MetricsSettings limits_;
    std::array<bool, kMetricCount> present_{}; // the file's table has the metric's column
};

} // namespace mailng::agent
