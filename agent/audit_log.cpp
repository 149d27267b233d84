#include "audit_log.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <syslog.h>

#include <filesystem>

namespace mailng::agent {
namespace {

const char* const kSchema = R"(
CREATE TABLE IF NOT EXISTS audit(
    id INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    host TEXT NOT NULL,
    user TEXT NOT NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL,
    outcome TEXT NOT NULL,
    affected INTEGER,
    error TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
)";

/// A prepared statement that finalizes itself.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK)
            statement_ = nullptr;
    }
    ~Statement() { sqlite3_finalize(statement_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return statement_ != nullptr; }
    sqlite3_stmt* get() const { return statement_; }
    std::string error() const { return sqlite3_errmsg(db_); }

    void bind(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }
    void bind(int index, const std::string& value) {
        sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT);
    }
    void bind_optional(int index, std::optional<std::int64_t> value) {
        if (value)
            bind(index, *value);
        else
            sqlite3_bind_null(statement_, index);
    }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

std::string column_text(sqlite3_stmt* statement, int column) {
    const auto* text = sqlite3_column_text(statement, column);
    return text ? reinterpret_cast<const char*>(text) : "";
}

AuditEntry read_entry(sqlite3_stmt* row) {
    AuditEntry entry;
    entry.id = sqlite3_column_int64(row, 0);
    entry.time = sqlite3_column_int64(row, 1);
    entry.host = column_text(row, 2);
    entry.user = column_text(row, 3);
    entry.method = column_text(row, 4);
    entry.params = nlohmann::json::parse(column_text(row, 5), nullptr, false);
    entry.outcome = column_text(row, 6);
    if (sqlite3_column_type(row, 7) != SQLITE_NULL)
        entry.affected = sqlite3_column_int64(row, 7);
    entry.error = column_text(row, 8);
    return entry;
}

std::string dump(const nlohmann::json& params) {
    return params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void log_line(const std::string& text) {
    syslog(LOG_MAIL | LOG_NOTICE, "%s", text.c_str());
}

/// The WHERE clause shared by the count and the page of list().
const char* const kWhere =
    " WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR time <= ?2)"
    " AND (?3 = '' OR user = ?3) AND (?4 = '' OR method = ?4)";

void bind_query(Statement& statement, const AuditQuery& query) {
    statement.bind_optional(1, query.since);
    statement.bind_optional(2, query.until);
    statement.bind(3, query.user);
    statement.bind(4, query.method);
}

} // namespace

Result<std::unique_ptr<AuditLog>, std::string> AuditLog::open(const std::string& path,
                                                               std::string host) {
    auto dir = std::filesystem::path(path).parent_path();
    std::error_code ignored;
    if (std::filesystem::create_directories(dir, ignored))
        ::chmod(dir.c_str(), 0700);
    sqlite3* db = nullptr;
    mode_t old_mask = ::umask(077);
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             nullptr);
    ::umask(old_mask);
    if (rc != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        return unexpected("audit log " + path + ": " + why);
    }
    sqlite3_busy_timeout(db, 5000);
    std::unique_ptr<AuditLog> log(new AuditLog(db, std::move(host)));
    if (auto made = log->exec(kSchema); !made)
        return unexpected("audit log " + path + ": " + made.error());
    return log;
}

AuditLog::~AuditLog() { sqlite3_close(db_); }

Result<bool, std::string> AuditLog::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return unexpected(why);
    }
    return true;
}

Result<std::int64_t, std::string> AuditLog::begin(const std::string& user,
                                                  const std::string& method,
                                                  const nlohmann::json& params,
                                                  std::int64_t now) {
    Statement insert(db_, "INSERT INTO audit(time, host, user, method, params, outcome)"
                          " VALUES(?1, ?2, ?3, ?4, ?5, 'started')");
    if (!insert.ok())
        return unexpected(insert.error());
    insert.bind(1, now);
    insert.bind(2, host_);
    insert.bind(3, user);
    insert.bind(4, method);
    insert.bind(5, dump(params));
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
        return unexpected(insert.error());
    log_line("user=" + user + " method=" + method + " params=" + dump(params) + " started");
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
}

Result<bool, std::string> AuditLog::finish(std::int64_t id, const std::string& outcome,
                                           std::optional<std::int64_t> affected,
                                           const std::string& error) {
    Statement update(db_, "UPDATE audit SET outcome = ?2, affected = ?3, error = ?4 WHERE id = ?1");
    if (!update.ok())
        return unexpected(update.error());
    update.bind(1, id);
    update.bind(2, outcome);
    update.bind_optional(3, affected);
    update.bind(4, error);
    if (sqlite3_step(update.get()) != SQLITE_DONE)
        return unexpected(update.error());
    log_line("audit=" + std::to_string(id) + " outcome=" + outcome +
             (affected ? " affected=" + std::to_string(*affected) : "") +
             (error.empty() ? "" : " error=" + error));
    return true;
}

Result<bool, std::string> AuditLog::denied(const std::string& user, const std::string& method,
                                           const nlohmann::json& params, std::int64_t now,
                                           const std::string& why) {
    auto id = begin(user, method, params, now);
    if (!id)
        return unexpected(id.error());
    return finish(*id, "denied", std::nullopt, why);
}

Result<std::pair<std::int64_t, std::vector<AuditEntry>>, std::string>
AuditLog::list(const AuditQuery& query) {
    Statement count(db_, (std::string("SELECT count(*) FROM audit") + kWhere).c_str());
    Statement page(db_, (std::string("SELECT id, time, host, user, method, params, outcome,"
                                     " affected, error FROM audit") +
                         kWhere + " ORDER BY id DESC LIMIT ?5 OFFSET ?6")
                            .c_str());
    if (!count.ok() || !page.ok())
        return unexpected(count.ok() ? page.error() : count.error());
    bind_query(count, query);
    bind_query(page, query);
    page.bind(5, query.limit);
    page.bind(6, query.offset);
    std::int64_t total = sqlite3_step(count.get()) == SQLITE_ROW
                             ? sqlite3_column_int64(count.get(), 0) : 0;
    std::vector<AuditEntry> entries;
    while (sqlite3_step(page.get()) == SQLITE_ROW)
        entries.push_back(read_entry(page.get()));
    return std::pair{total, std::move(entries)};
}

nlohmann::json to_json(const AuditEntry& entry) {
    return {{"id", entry.id},
            {"time", entry.time},
            {"host", entry.host},
            {"user", entry.user},
            {"method", entry.method},
            {"params", entry.params},
            {"outcome", entry.outcome},
            {"affected", entry.affected ? nlohmann::json(*entry.affected) : nlohmann::json()},
            {"error", entry.error}};
}

} // namespace mailng::agent
