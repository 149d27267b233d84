#include "metrics_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

namespace mailng::agent {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::int64_t kSecondsPerDay = 86400;

struct MetricColumn {
    std::string_view name;
    bool integral;
};

// In the order of enum Metric; the SQL schema below lists the same columns.
constexpr std::array<MetricColumn, kMetricCount> kColumns = {{
    {"queue_incoming", true},
    {"queue_active", true},
    {"queue_deferred", true},
    {"queue_hold", true},
    {"queue_corrupt", true},
    {"queue_maildrop", true},
    {"load1", false},
    {"var_used_percent", false},
    {"mail_used_percent", false},
    {"sessions_imap", true},
    {"sessions_pop3", true},
    {"services_down", true},
    {"policy_requests", true},
    {"policy_rejects", true},
}};

// time is the rowid: range scans and "the N newest" need no separate index. A file of
// an older version gets the columns it lacks from add_missing_columns().
constexpr int kSchemaVersion = 2;
constexpr const char* kSchema = "CREATE TABLE IF NOT EXISTS samples ("
                                " time INTEGER PRIMARY KEY,"
                                " queue_incoming INTEGER, queue_active INTEGER,"
                                " queue_deferred INTEGER, queue_hold INTEGER,"
                                " queue_corrupt INTEGER, queue_maildrop INTEGER,"
                                " load1 REAL, var_used_percent REAL, mail_used_percent REAL,"
                                " sessions_imap INTEGER, sessions_pop3 INTEGER,"
                                " services_down INTEGER,"
                                " policy_requests INTEGER, policy_rejects INTEGER);";

const MetricColumn& column_of(Metric metric) {
    return kColumns[static_cast<std::size_t>(metric)];
}

std::string column_list(const std::vector<Metric>& metrics) {
    std::string list = "time";
    for (Metric metric : metrics)
        list += ", " + std::string(column_of(metric).name);
    return list;
}

/// The index of the j-th of `keep` rows spread evenly over `total` (>= keep) rows: the
/// first and the last included; every row when keep == total.
std::int64_t kept_index(std::int64_t j, std::int64_t keep, std::int64_t total) {
    if (keep == 1)
        return total - 1;
    return (j * (total - 1) + (keep - 1) / 2) / (keep - 1);
}

MetricsSample read_row(sqlite3_stmt* statement, const std::vector<Metric>& columns) {
    MetricsSample sample;
    sample.time = sqlite3_column_int64(statement, 0);
    for (std::size_t i = 0; i < columns.size(); ++i) {
        int index = static_cast<int>(i + 1);
        if (sqlite3_column_type(statement, index) != SQLITE_NULL)
            sample[columns[i]] = sqlite3_column_double(statement, index);
    }
    return sample;
}

/// Steps through the rows of `statement` (history.matched of them), keeping `keep`
/// evenly spaced ones in history.rows. Returns the last sqlite3_step() status.
int select_evenly(sqlite3_stmt* statement, std::int64_t keep, MetricsHistory& history) {
    int status = SQLITE_ROW;
    for (std::int64_t index = 0, next = 0;
         next < keep && (status = sqlite3_step(statement)) == SQLITE_ROW; ++index) {
        if (index == kept_index(next, keep, history.matched)) {
            history.rows.push_back(read_row(statement, history.columns));
            ++next;
        }
    }
    return status;
}

void bind_value(sqlite3_stmt* statement, int index, Metric metric,
                const std::optional<double>& value) {
    if (!value)
        sqlite3_bind_null(statement, index);
    else if (column_of(metric).integral)
        sqlite3_bind_int64(statement, index, std::llround(*value));
    else
        sqlite3_bind_double(statement, index, *value);
}

std::optional<std::string> make_state_dir(const std::string& path) {
    auto dir = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (dir.empty() || std::filesystem::exists(dir, error))
        return std::nullopt;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return "cannot create " + dir.native() + ": " + std::strerror(errno);
    return std::nullopt;
}

} // namespace

const std::array<Metric, kMetricCount>& all_metrics() {
    static const auto metrics = [] {
        std::array<Metric, kMetricCount> list{};
        for (std::size_t i = 0; i < kMetricCount; ++i)
            list[i] = static_cast<Metric>(i);
        return list;
    }();
    return metrics;
}

std::string_view metric_name(Metric metric) {
    return column_of(metric).name;
}

bool metric_is_integral(Metric metric) {
    return column_of(metric).integral;
}

std::optional<Metric> parse_metric(std::string_view name) {
    for (Metric metric : all_metrics())
        if (metric_name(metric) == name)
            return metric;
    return std::nullopt;
}

void MetricsStore::StatementDeleter::operator()(sqlite3_stmt* statement) const {
    sqlite3_finalize(statement);
}

Result<std::unique_ptr<MetricsStore>, MetricsOpenError>
MetricsStore::open(const std::string& path, Mode mode, MetricsSettings limits) {
    std::error_code ignored;
    if (mode == Mode::existing && !std::filesystem::exists(path, ignored))
        return unexpected(MetricsOpenError{true, "no metrics database at " + path});
    if (mode == Mode::create)
        if (auto why = make_state_dir(path))
            return unexpected(MetricsOpenError{false, *why});
    int flags = SQLITE_OPEN_READWRITE | (mode == Mode::create ? SQLITE_OPEN_CREATE : 0);
    sqlite3* db = nullptr;
    int status = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    std::unique_ptr<MetricsStore> store(new MetricsStore(db, path, limits));
    if (status != SQLITE_OK)
        return unexpected(MetricsOpenError{false, store->failure("cannot open")});
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    Result<bool, std::string> ready = true;
    if (mode == Mode::create) {
        ready = store->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        if (ready)
            ready = store->migrate();
    }
    if (ready)
        ready = store->load_columns();
    if (!ready)
        return unexpected(MetricsOpenError{false, ready.error()});
    return store;
}

MetricsStore::~MetricsStore() {
    sqlite3_close_v2(db_);
}

std::string MetricsStore::failure(std::string_view what) const {
    const char* message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    return "metrics database " + path_ + ": " + std::string(what) + ": " + message;
}

Result<bool, std::string> MetricsStore::exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        return unexpected(failure("cannot run statement"));
    return true;
}

// BEGIN IMMEDIATE takes the write lock before looking at the columns, so that two
// writers opening an old file at once (the lab's serve and a test's) cannot both add
// the same column.
Result<bool, std::string> MetricsStore::migrate() {
    auto begun = exec("BEGIN IMMEDIATE");
    if (!begun)
        return begun;
    auto done = exec(kSchema);
    if (done)
        done = add_missing_columns();
    if (done)
        done = raise_version();
    if (!done) {
        exec("ROLLBACK");
        return done;
    }
    return exec("COMMIT");
}

Result<bool, std::string> MetricsStore::add_missing_columns() {
    auto loaded = load_columns();
    if (!loaded)
        return loaded;
    for (Metric metric : all_metrics()) {
        if (present_[static_cast<std::size_t>(metric)])
            continue;
        const auto& column = column_of(metric);
        std::string sql = "ALTER TABLE samples ADD COLUMN " + std::string(column.name) +
                          (column.integral ? " INTEGER" : " REAL");
        if (auto added = exec(sql.c_str()); !added)
            return added;
    }
    return true;
}

Result<bool, std::string> MetricsStore::raise_version() {
    auto version = prepare("PRAGMA user_version");
    if (!version)
        return unexpected(version.error());
    // A newer agent's file keeps its number: it has our columns and more.
    if (sqlite3_step(version->get()) == SQLITE_ROW &&
        sqlite3_column_int(version->get(), 0) >= kSchemaVersion)
        return true;
    return exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
}

Result<bool, std::string> MetricsStore::load_columns() {
    auto statement = prepare("PRAGMA table_info(samples)");
    if (!statement)
        return unexpected(statement.error());
    present_.fill(false);
    int status;
    while ((status = sqlite3_step(statement->get())) == SQLITE_ROW) {
        const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(statement->get(), 1));
        if (auto metric = parse_metric(name ? name : ""))
            present_[static_cast<std::size_t>(*metric)] = true;
    }
    if (status != SQLITE_DONE)
        return unexpected(failure("cannot read the table's columns"));
    return true;
}

std::string MetricsStore::select_list(const std::vector<Metric>& metrics) const {
    std::string list = "time";
    for (Metric metric : metrics)
        list += present_[static_cast<std::size_t>(metric)]
                    ? ", " + std::string(column_of(metric).name)
                    : std::string(", NULL"); // not in this (older) file: no value
    return list;
}

Result<MetricsStore::Statement, std::string> MetricsStore::prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
        return unexpected(failure("cannot prepare query"));
    return Statement(raw);
}

Result<bool, std::string> MetricsStore::record(const MetricsSample& sample) {
    const auto& metrics = all_metrics();
    std::vector<Metric> columns(metrics.begin(), metrics.end());
    std::string sql = "INSERT OR REPLACE INTO samples (" + column_list(columns) + ") VALUES (?";
    for (std::size_t i = 0; i < kMetricCount; ++i)
        sql += ", ?";
    auto statement = prepare(sql + ")");
    if (!statement)
        return unexpected(statement.error());
    sqlite3_bind_int64(statement->get(), 1, sample.time);
    for (std::size_t i = 0; i < kMetricCount; ++i)
        bind_value(statement->get(), static_cast<int>(i + 2), metrics[i], sample.values[i]);
    if (sqlite3_step(statement->get()) != SQLITE_DONE)
        return unexpected(failure("cannot record sample"));
    return true;
}

Result<std::int64_t, std::string> MetricsStore::run_delete(const char* sql, std::int64_t bound) {
    auto statement = prepare(sql);
    if (!statement)
        return unexpected(statement.error());
    sqlite3_bind_int64(statement->get(), 1, bound);
    if (sqlite3_step(statement->get()) != SQLITE_DONE)
        return unexpected(failure("cannot prune"));
    return static_cast<std::int64_t>(sqlite3_changes(db_));
}

Result<std::int64_t, std::string> MetricsStore::prune(std::int64_t now) {
    auto aged = run_delete("DELETE FROM samples WHERE time < ?",
                           now - std::int64_t{limits_.retention_days} * kSecondsPerDay);
    if (!aged || limits_.max_rows <= 0)
        return aged;
    // Everything older than the max_rows-th newest; NULL (nothing) when fewer rows.
    auto excess = run_delete("DELETE FROM samples WHERE time < (SELECT time FROM samples"
                             " ORDER BY time DESC LIMIT 1 OFFSET ?)",
                             limits_.max_rows - 1);
    if (!excess)
        return excess;
    return *aged + *excess;
}

Result<std::int64_t, std::string> MetricsStore::count() {
    return count_range(std::numeric_limits<std::int64_t>::min(),
                       std::numeric_limits<std::int64_t>::max());
}

Result<std::int64_t, std::string> MetricsStore::count_range(std::int64_t from, std::int64_t to) {
    auto statement = prepare("SELECT COUNT(*) FROM samples WHERE time BETWEEN ? AND ?");
    if (!statement)
        return unexpected(statement.error());
    sqlite3_bind_int64(statement->get(), 1, from);
    sqlite3_bind_int64(statement->get(), 2, to);
    if (sqlite3_step(statement->get()) != SQLITE_ROW)
        return unexpected(failure("cannot count samples"));
    return static_cast<std::int64_t>(sqlite3_column_int64(statement->get(), 0));
}

Result<bool, std::string> MetricsStore::read_range(std::int64_t from, std::int64_t to,
                                                   std::size_t max_points,
                                                   MetricsHistory& history) {
    auto matched = count_range(from, to);
    if (!matched)
        return unexpected(matched.error());
    history.matched = *matched;
    auto statement = prepare("SELECT " + select_list(history.columns) +
                             " FROM samples WHERE time BETWEEN ? AND ? ORDER BY time");
    if (!statement)
        return unexpected(statement.error());
    sqlite3_bind_int64(statement->get(), 1, from);
    sqlite3_bind_int64(statement->get(), 2, to);
    std::int64_t keep = max_points < static_cast<std::uint64_t>(history.matched)
                            ? static_cast<std::int64_t>(max_points)
                            : history.matched;
    history.rows.reserve(static_cast<std::size_t>(keep));
    int status = select_evenly(statement->get(), keep, history);
    if (status != SQLITE_ROW && status != SQLITE_DONE)
        return unexpected(failure("cannot read samples"));
    return true;
}

Result<MetricsHistory, std::string> MetricsStore::history(std::int64_t from, std::int64_t to,
                                                          std::size_t max_points,
                                                          std::vector<Metric> metrics) {
    MetricsHistory history;
    const auto& every = all_metrics();
    history.columns =
        metrics.empty() ? std::vector<Metric>(every.begin(), every.end()) : std::move(metrics);
    if (max_points == 0 || from > to)
        return history;
    // One read transaction: the count and the rows see the same snapshot.
    auto begun = exec("BEGIN");
    if (!begun)
        return unexpected(begun.error());
    auto read = read_range(from, to, max_points, history);
    exec("COMMIT"); // a read-only transaction: nothing to lose if this fails
    if (!read)
        return unexpected(read.error());
    return history;
}

} // namespace mailng::agent
