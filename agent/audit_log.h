// The host's audit log: every mutating call (and every refused one) as a row in SQLite
// (state_dir/audit.sqlite) and a line in syslog (facility mail). A call is recorded as
// "started" before its tool runs and updated with its outcome before the reply, so
// that an agent that dies half-way still leaves a trace.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mailng/result.h"

struct sqlite3;

namespace mailng::agent {

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t time = 0;  // seconds since the epoch
    std::string host;
    std::string user;
    std::string method;
    nlohmann::json params;
    std::string outcome;    // "started", "ok", "error", "denied"
    std::optional<std::int64_t> affected;
    std::string error;      // the error message when outcome is error/denied
};

struct AuditQuery {
    std::optional<std::int64_t> since, until;
    std::string user, method;  // exact; empty: any
    std::int64_t offset = 0;
    std::int64_t limit = 100;
};

class AuditLog {
public:
    /// Opens (creating) the database at `path`, its directory made 0700 if missing,
    /// the file 0600. Errors name the path and SQLite's message.
    static Result<std::unique_ptr<AuditLog>, std::string> open(const std::string& path,
                                                               std::string host);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    /// Records a call about to run; returns its row id.
    Result<std::int64_t, std::string> begin(const std::string& user, const std::string& method,
                                            const nlohmann::json& params, std::int64_t now);
    /// Records the outcome of the call `id`.
    Result<bool, std::string> finish(std::int64_t id, const std::string& outcome,
                                     std::optional<std::int64_t> affected,
                                     const std::string& error);
    /// A refused call, in one step.
    Result<bool, std::string> denied(const std::string& user, const std::string& method,
                                     const nlohmann::json& params, std::int64_t now,
                                     const std::string& why);

    /// Entries newest first, and how many match in all.
    Result<std::pair<std::int64_t, std::vector<AuditEntry>>, std::string>
    list(const AuditQuery& query);

private:
    AuditLog(sqlite3* db, std::string host) : db_(db), host_(std::move(host)) {}
    Result<bool, std::string> exec(const char* sql);

    sqlite3* db_;
    std::string host_;
};

/// The JSON of an entry for audit.list.
nlohmann::json to_json(const AuditEntry& entry);

} // namespace mailng::agent
