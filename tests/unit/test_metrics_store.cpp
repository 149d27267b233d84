// The metrics store: a real SQLite file in a temporary directory.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "metrics_store.h"

namespace mailng::agent {
namespace {

namespace fs = std::filesystem;

/// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "mailng-metrics-XXXXXX").native();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

std::unique_ptr<MetricsStore> create_store(const std::string& path, MetricsSettings limits = {}) {
    auto store = MetricsStore::open(path, MetricsStore::Mode::create, limits);
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
}

MetricsSample sample_at(std::int64_t time, double deferred = 0) {
    MetricsSample sample;
    sample.time = time;
    sample[Metric::queue_deferred] = deferred;
    return sample;
}

void record_range(MetricsStore& store, std::int64_t first, std::int64_t count, std::int64_t step) {
    for (std::int64_t i = 0; i < count; ++i)
        ASSERT_TRUE(store.record(sample_at(first + i * step, static_cast<double>(i))));
}

std::vector<std::int64_t> times_of(const MetricsHistory& history) {
    std::vector<std::int64_t> times;
    for (const auto& row : history.rows)
        times.push_back(row.time);
    return times;
}

TEST(MetricsCatalog, NamesRoundTrip) {
    for (Metric metric : all_metrics())
        EXPECT_EQ(parse_metric(metric_name(metric)), metric) << metric_name(metric);
    EXPECT_EQ(metric_name(Metric::var_used_percent), "var_used_percent");
    EXPECT_FALSE(parse_metric("time"));
    EXPECT_FALSE(parse_metric("queue_deferred; DROP TABLE samples"));
    EXPECT_TRUE(metric_is_integral(Metric::queue_hold));
    EXPECT_FALSE(metric_is_integral(Metric::load1));
}

TEST(MetricsStore, RecordsAndReadsBackWithNulls) {
    TempDir dir;
    // The state directory does not exist yet: create mode makes it.
    auto store = create_store(dir.path() + "/state/metrics.sqlite");
    ASSERT_TRUE(store);
    MetricsSample sample;
    sample.time = 1700000000;
    sample[Metric::queue_deferred] = 700;
    sample[Metric::queue_hold] = 34.4; // counts are stored as integers
    sample[Metric::load1] = 0.25;
    sample[Metric::var_used_percent] = 41.5;
    ASSERT_TRUE(store->record(sample));

    auto history = store->history(0, 2000000000, 10);
    ASSERT_TRUE(history) << history.error();
    EXPECT_EQ(history->columns.size(), kMetricCount);
    ASSERT_EQ(history->rows.size(), 1u);
    const auto& row = history->rows[0];
    EXPECT_EQ(row.time, 1700000000);
    EXPECT_EQ(row[Metric::queue_deferred], 700.0);
    EXPECT_EQ(row[Metric::queue_hold], 34.0);
    EXPECT_EQ(row[Metric::load1], 0.25);
    EXPECT_EQ(row[Metric::var_used_percent], 41.5);
    EXPECT_FALSE(row[Metric::queue_active].has_value());
    EXPECT_FALSE(row[Metric::sessions_imap].has_value());
}

TEST(MetricsStore, SameTimeReplaces) {
    TempDir dir;
    auto store = create_store(dir.path() + "/metrics.sqlite");
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->record(sample_at(100, 1)));
    ASSERT_TRUE(store->record(sample_at(100, 2)));
    EXPECT_EQ(*store->count(), 1);
    EXPECT_EQ(store->history(0, 200, 10)->rows[0][Metric::queue_deferred], 2.0);
}

TEST(MetricsStore, ChosenColumnsAndRange) {
    TempDir dir;
    auto store = create_store(dir.path() + "/metrics.sqlite");
    ASSERT_TRUE(store);
    record_range(*store, 1000, 10, 60); // 1000, 1060, ..., 1540
    auto history = store->history(1060, 1240, 100, {Metric::queue_deferred, Metric::load1});
    ASSERT_TRUE(history) << history.error();
    EXPECT_EQ(history->columns, (std::vector<Metric>{Metric::queue_deferred, Metric::load1}));
    EXPECT_EQ(times_of(*history), (std::vector<std::int64_t>{1060, 1120, 1180, 1240}));
    EXPECT_EQ(history->matched, 4);
    EXPECT_EQ(history->rows[3][Metric::queue_deferred], 4.0);
    EXPECT_EQ(store->history(1060, 1240, SIZE_MAX)->rows.size(), 4u);
    EXPECT_TRUE(store->history(2000, 3000, 10)->rows.empty());
    EXPECT_TRUE(store->history(1540, 1000, 10)->rows.empty()); // from after to
}

TEST(MetricsStore, PrunesByAge) {
    TempDir dir;
    MetricsSettings limits;
    limits.retention_days = 2;
    auto store = create_store(dir.path() + "/metrics.sqlite", limits);
    ASSERT_TRUE(store);
    const std::int64_t now = 10 * 86400;
    for (std::int64_t age : {5 * 86400, 3 * 86400, 2 * 86400 + 1, 2 * 86400, 3600, 0})
        ASSERT_TRUE(store->record(sample_at(now - age)));
    auto deleted = store->prune(now);
    ASSERT_TRUE(deleted) << deleted.error();
    EXPECT_EQ(*deleted, 3);
    EXPECT_EQ(times_of(*store->history(0, now, 100)),
              (std::vector<std::int64_t>{now - 2 * 86400, now - 3600, now}));
}

TEST(MetricsStore, PrunesToMaxRowsKeepingTheNewest) {
    TempDir dir;
    MetricsSettings limits;
    limits.max_rows = 10;
    auto store = create_store(dir.path() + "/metrics.sqlite", limits);
    ASSERT_TRUE(store);
    record_range(*store, 1000, 25, 1);
    EXPECT_EQ(*store->prune(1030), 15);
    EXPECT_EQ(*store->count(), 10);
    auto kept = times_of(*store->history(0, 5000, 100));
    EXPECT_EQ(kept.front(), 1015);
    EXPECT_EQ(kept.back(), 1024);
    EXPECT_EQ(*store->prune(1030), 0); // under the limit: nothing more
}

TEST(MetricsStore, NoRowLimitWhenMaxRowsIsZero) {
    TempDir dir;
    MetricsSettings limits;
    limits.max_rows = 0;
    auto store = create_store(dir.path() + "/metrics.sqlite", limits);
    ASSERT_TRUE(store);
    record_range(*store, 1000, 20, 1);
    EXPECT_EQ(*store->prune(1030), 0);
    EXPECT_EQ(*store->count(), 20);
}

TEST(MetricsStore, DownsamplesEvenlyKeepingFirstAndLast) {
    TempDir dir;
    auto store = create_store(dir.path() + "/metrics.sqlite");
    ASSERT_TRUE(store);
    record_range(*store, 0, 1000, 1); // times 0..999
    auto history = store->history(0, 999, 10);
    ASSERT_TRUE(history) << history.error();
    EXPECT_EQ(history->matched, 1000);
    EXPECT_EQ(times_of(*history),
              (std::vector<std::int64_t>{0, 111, 222, 333, 444, 555, 666, 777, 888, 999}));

    auto two = times_of(*store->history(0, 999, 2));
    EXPECT_EQ(two, (std::vector<std::int64_t>{0, 999}));
    auto one = times_of(*store->history(0, 999, 1));
    EXPECT_EQ(one, (std::vector<std::int64_t>{999}));            // the latest
    EXPECT_EQ(store->history(100, 199, 100)->rows.size(), 100u); // exactly max: all
    EXPECT_EQ(store->history(0, 999, 999)->rows.size(), 999u);
    auto spaced = times_of(*store->history(0, 999, 999));
    EXPECT_TRUE(std::is_sorted(spaced.begin(), spaced.end()));
    EXPECT_EQ(std::adjacent_find(spaced.begin(), spaced.end()), spaced.end());
}

TEST(MetricsStore, ExistingModeNeedsTheFile) {
    TempDir dir;
    auto missing = MetricsStore::open(dir.path() + "/none.sqlite", MetricsStore::Mode::existing);
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().missing);
    EXPECT_NE(missing.error().message.find("none.sqlite"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.path() + "/none.sqlite"));

    std::string path = dir.path() + "/metrics.sqlite";
    {
        auto writer = create_store(path);
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->record(sample_at(5, 7)));
        // A reader while the writer is open (WAL): sees the committed row.
        auto reader = MetricsStore::open(path, MetricsStore::Mode::existing);
        ASSERT_TRUE(reader);
        EXPECT_EQ((*reader)->history(0, 10, 10)->rows.size(), 1u);
    }
}

TEST(MetricsStore, GarbageFileIsAnErrorNotACrash) {
    TempDir dir;
    std::string path = dir.path() + "/metrics.sqlite";
    std::ofstream(path) << "this is not a database, just some text that is long enough to "
                           "be looked at by SQLite's header check................................";
    auto store = MetricsStore::open(path, MetricsStore::Mode::existing);
    if (!store) {
        EXPECT_FALSE(store.error().missing);
        return;
    }
    auto history = (*store)->history(0, 10, 10);
    ASSERT_FALSE(history);
    EXPECT_NE(history.error().find(path), std::string::npos);
}

// The schema of user_version 1, as agents before policy_requests created it.
constexpr const char* kVersion1 =
    "PRAGMA journal_mode = WAL;"
    "CREATE TABLE samples (time INTEGER PRIMARY KEY,"
    " queue_incoming INTEGER, queue_active INTEGER, queue_deferred INTEGER, queue_hold INTEGER,"
    " queue_corrupt INTEGER, queue_maildrop INTEGER, load1 REAL, var_used_percent REAL,"
    " mail_used_percent REAL, sessions_imap INTEGER, sessions_pop3 INTEGER,"
    " services_down INTEGER);"
    "INSERT INTO samples (time, queue_deferred, load1) VALUES (100, 7, 0.5);";

/// Runs `sql` on the file at `path` with SQLite directly; the first integer it answers.
std::int64_t run_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::int64_t first = -1;
    auto keep_first = [](void* out, int columns, char** values, char**) {
        auto* target = static_cast<std::int64_t*>(out);
        if (columns > 0 && values[0] && *target == -1)
            *target = std::strtoll(values[0], nullptr, 10);
        return 0;
    };
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), keep_first, &first, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return first;
}

TEST(MetricsStore, PolicyMetricsAreCountsAtTheEnd) {
    EXPECT_EQ(metric_name(Metric::policy_requests), "policy_requests");
    EXPECT_EQ(metric_name(Metric::policy_rejects), "policy_rejects");
    EXPECT_TRUE(metric_is_integral(Metric::policy_rejects));
    EXPECT_EQ(all_metrics().back(), Metric::policy_rejects);
}

TEST(MetricsStore, AReaderOfAVersion1FileGetsNoValueForTheNewMetrics) {
    TempDir dir;
    const std::string path = dir.path() + "/metrics.sqlite";
    run_sql(path, std::string(kVersion1) + "PRAGMA user_version = 1;");
    auto reader = MetricsStore::open(path, MetricsStore::Mode::existing);
    ASSERT_TRUE(reader) << reader.error().message;
    auto history = (*reader)->history(0, 1000, 10);
    ASSERT_TRUE(history) << history.error();
    ASSERT_EQ(history->rows.size(), 1u);
    EXPECT_EQ(history->rows[0][Metric::queue_deferred], 7.0);
    EXPECT_FALSE(history->rows[0][Metric::policy_requests].has_value());
    auto chosen = (*reader)->history(0, 1000, 10, {Metric::policy_rejects, Metric::load1});
    ASSERT_TRUE(chosen) << chosen.error();
    EXPECT_FALSE(chosen->rows[0][Metric::policy_rejects].has_value());
    EXPECT_EQ(chosen->rows[0][Metric::load1], 0.5);
    reader->reset();
    // Reading does not migrate: the file is as it was.
    EXPECT_EQ(run_sql(path, "PRAGMA user_version"), 1);
    EXPECT_EQ(run_sql(path, "SELECT COUNT(*) FROM pragma_table_info('samples')"), 13);
}

TEST(MetricsStore, TheWriterMigratesAVersion1File) {
    TempDir dir;
    const std::string path = dir.path() + "/metrics.sqlite";
    run_sql(path, std::string(kVersion1) + "PRAGMA user_version = 1;");
    auto writer = create_store(path);
    ASSERT_TRUE(writer);
    EXPECT_EQ(run_sql(path, "PRAGMA user_version"), 2);
    MetricsSample sample = sample_at(200, 3);
    sample[Metric::policy_requests] = 12;
    sample[Metric::policy_rejects] = 4;
    ASSERT_TRUE(writer->record(sample));
    auto history = writer->history(0, 1000, 10);
    ASSERT_TRUE(history) << history.error();
    ASSERT_EQ(history->rows.size(), 2u);
    EXPECT_EQ(history->rows[0][Metric::queue_deferred], 7.0); // the old row is kept
    EXPECT_FALSE(history->rows[0][Metric::policy_requests].has_value());
    EXPECT_EQ(history->rows[1][Metric::policy_requests], 12.0);
    EXPECT_EQ(history->rows[1][Metric::policy_rejects], 4.0);
    // A second writer (the lab's serve and a test's) finds nothing left to do.
    auto again = create_store(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again->count(), 2);
}

TEST(MetricsStore, ANewerFileKeepsItsVersion) {
    TempDir dir;
    const std::string path = dir.path() + "/metrics.sqlite";
    run_sql(path, std::string(kVersion1) +
                      "ALTER TABLE samples ADD COLUMN policy_requests INTEGER;"
                      "ALTER TABLE samples ADD COLUMN policy_rejects INTEGER;"
                      "ALTER TABLE samples ADD COLUMN future REAL; PRAGMA user_version = 3;");
    auto writer = create_store(path);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->record(sample_at(300, 1)));
    EXPECT_EQ(run_sql(path, "PRAGMA user_version"), 3);
    EXPECT_EQ(*writer->count(), 2);
}

TEST(MetricsStore, ANewFileIsVersion2) {
    TempDir dir;
    const std::string path = dir.path() + "/metrics.sqlite";
    ASSERT_TRUE(create_store(path));
    EXPECT_EQ(run_sql(path, "PRAGMA user_version"), 2);
    EXPECT_EQ(run_sql(path, "SELECT COUNT(*) FROM pragma_table_info('samples')"),
              static_cast<std::int64_t>(kMetricCount) + 1);
}

TEST(MetricsStore, CreateFailsWhereNothingCanBeCreated) {
    auto store =
        MetricsStore::open("/proc/mailng-no/such/metrics.sqlite", MetricsStore::Mode::create);
    ASSERT_FALSE(store);
    EXPECT_FALSE(store.error().missing);
}

} // namespace
} // namespace mailng::agent
