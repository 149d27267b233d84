// The console's side of the agent protocol (DESIGN.md, "Agent"): JSON-RPC 2.0, one JSON
// object per line each way, over the SSH channel that runs the host's agent command.
//
// Pure code: nothing here touches sockets, threads or clocks of its own. HostConnection
// uses it on two threads: the worker reads lines and parses responses (LineReader,
// parseResponse), the owning thread numbers requests and matches answers (PendingCalls).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <variant>

#include "rpc_reply.h"

namespace mailng::gui::rpc {

using Clock = std::chrono::steady_clock;

/// One request line, LF-terminated: {"jsonrpc":"2.0","id":ID,"method":...,"params":...}.
/// Empty params are sent as {} (every mailng method takes named params).
QByteArray encodeRequest(const QJsonValue& id, const QString& method, const QJsonObject& params);

/// A response line taken apart. `id` is what the agent echoed (a number for the console's
/// calls, a string for the connection's own hello and keepalive, null when the agent
/// could not read the request at all).
struct Response {
    QJsonValue id;
    RpcReply reply;
};

/// Parses one line (without its LF; one trailing CR tolerated). The error says, in plain
/// words, why the line is not a JSON-RPC 2.0 response.
std::variant<Response, QString> parseResponse(QByteArrayView line);

/// Splits the agent's stdout into lines; call nextLine() until nullopt after each
/// append(). A line longer than `maxLine` bytes means the other end is not the agent (or
/// is broken): overflowed() turns true and stays so, and the caller drops the connection
/// rather than buffer without bound.
class LineReader {
public:
    explicit LineReader(qsizetype maxLine = qsizetype{256} * 1024 * 1024) : maxLine_(maxLine) {}

    void append(QByteArrayView bytes);
    /// The next complete line without its LF, or nullopt when none is complete.
    std::optional<QByteArray> nextLine();
    bool overflowed() const { return overflowed_; }
    /// Bytes of an unfinished line.
    qsizetype pending() const { return buffer_.size() - start_; }
    void clear();

private:
    qsizetype maxLine_;
    QByteArray buffer_;
    qsizetype start_ = 0;    // where the next line begins; consumed bytes are dropped lazily
    qsizetype scanFrom_ = 0; // where the search for the next LF goes on
    bool overflowed_ = false;
};

/// The calls sent and not yet answered, each with its deadline and what to do with
/// the answer. Ids are positive, increasing and never reused, so a late answer to a call
/// that timed out, or to a call made before a reconnect, matches nothing.
///
/// Each `finish` runs exactly once: on its answer, at its deadline, or at failAll().
/// They run after the table is updated, so a finish may call back into the table.
/// Not thread-safe: one owner thread.
class PendingCalls {
public:
    using Finish = std::function<void(const RpcReply& reply)>;

    /// Registers a call; returns the id to send it with.
    qint64 add(Finish finish, Clock::time_point deadline);
    /// Runs the finish of call `id` with `reply`; false when `id` is unknown (answered,
    /// timed out or failed already).
    bool complete(qint64 id, const RpcReply& reply);
    /// Finishes every call whose deadline is at or before `now` with kTimedOut.
    int expire(Clock::time_point now, const QString& message);
    /// Finishes every call with kNotConnected and `message`.
    int failAll(const QString& message);
    std::optional<Clock::time_point> nextDeadline() const;
    std::size_t size() const { return calls_.size(); }

private:
    struct Call {
        Finish finish;
        Clock::time_point deadline;
    };
    std::map<qint64, Call> calls_;
    qint64 lastId_ = 0;
};

/// A reply for a call that never reached the agent (or whose answer never came).
RpcReply transportError(int code, const QString& message);

} // namespace mailng::gui::rpc
