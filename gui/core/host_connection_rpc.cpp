#include "host_connection_rpc.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <utility>
#include <vector>

namespace mailng::gui::rpc {
namespace {

QString describeValue(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

bool validId(const QJsonValue& id) {
    return id.isNull() || id.isString() || id.isDouble();
}

std::variant<Response, QString> errorResponse(const QJsonValue& id, const QJsonValue& error) {
    if (!error.isObject())
        return QStringLiteral("\"error\" is %1, not an object").arg(describeValue(error));
    const QJsonObject object = error.toObject();
    const QJsonValue code = object.value(QLatin1String("code"));
    const QJsonValue message = object.value(QLatin1String("message"));
    if (!code.isDouble() || code.toDouble() != static_cast<double>(code.toInt()))
        return QStringLiteral("error code is %1, not an integer").arg(describeValue(code));
    if (!message.isString())
        return QStringLiteral("error message is %1, not a string").arg(describeValue(message));
    Response response{id, {}};
    response.reply.ok = false;
    response.reply.errorCode = code.toInt();
    response.reply.errorMessage = message.toString();
    response.reply.errorData = object.value(QLatin1String("data"));
    if (response.reply.errorData.isUndefined())
        response.reply.errorData = QJsonValue(QJsonValue::Null);
    return response;
}

} // namespace

QByteArray encodeRequest(const QJsonValue& id, const QString& method, const QJsonObject& params) {
    const QJsonObject request{{QLatin1String("jsonrpc"), QLatin1String("2.0")},
                              {QLatin1String("id"), id},
                              {QLatin1String("method"), method},
                              {QLatin1String("params"), params}};
    // Compact JSON escapes every control character, so the only LF is the terminator.
    return QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n';
}

std::variant<Response, QString> parseResponse(QByteArrayView line) {
    if (line.endsWith('\r'))
        line.chop(1);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QStringLiteral("not JSON (%1 at byte %2)")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    if (!document.isObject())
        return QStringLiteral("not a JSON object");
    const QJsonObject object = document.object();
    if (object.value(QLatin1String("jsonrpc")) != QJsonValue(QLatin1String("2.0")))
        return QStringLiteral("\"jsonrpc\" is not \"2.0\"");
    const QJsonValue id = object.value(QLatin1String("id"));
    if (!validId(id))
        return QStringLiteral("id is %1").arg(describeValue(id));
    const bool hasResult = object.contains(QLatin1String("result"));
    const bool hasError = object.contains(QLatin1String("error"));
    if (hasResult == hasError)
        return QStringLiteral("a response has exactly one of \"result\" and \"error\"");
    if (hasError)
        return errorResponse(id, object.value(QLatin1String("error")));
    Response response{id, {}};
    response.reply.ok = true;
    response.reply.result = object.value(QLatin1String("result"));
    return response;
}

void LineReader::append(QByteArrayView bytes) {
    if (!overflowed_)
        buffer_.append(bytes);
}

std::optional<QByteArray> LineReader::nextLine() {
    if (overflowed_)
        return std::nullopt;
    // Search only the bytes not searched yet: a long reply arrives in many small pieces.
    const qsizetype end = buffer_.indexOf('\n', scanFrom_);
    if (end < 0) {
        scanFrom_ = buffer_.size();
        overflowed_ = pending() > maxLine_;
        buffer_.remove(0, start_); // keep only the unfinished line
        scanFrom_ -= start_;
        start_ = 0;
        return std::nullopt;
    }
    if (end - start_ > maxLine_) {
        overflowed_ = true;
        return std::nullopt;
    }
    QByteArray line = buffer_.mid(start_, end - start_);
    start_ = end + 1;
    scanFrom_ = start_;
    return line;
}

void LineReader::clear() {
    buffer_.clear();
    start_ = 0;
    scanFrom_ = 0;
    overflowed_ = false;
}

qint64 PendingCalls::add(Finish finish, Clock::time_point deadline) {
    const qint64 id = ++lastId_;
    calls_.emplace(id, Call{std::move(finish), deadline});
    return id;
}

bool PendingCalls::complete(qint64 id, const RpcReply& reply) {
    auto found = calls_.find(id);
    if (found == calls_.end())
        return false;
    Finish finish = std::move(found->second.finish);
    calls_.erase(found);
    finish(reply);
    return true;
}

int PendingCalls::expire(Clock::time_point now, const QString& message) {
    std::vector<Finish> overdue;
    for (auto it = calls_.begin(); it != calls_.end();) {
        if (it->second.deadline <= now) {
            overdue.push_back(std::move(it->second.finish));
            it = calls_.erase(it);
        } else {
            ++it;
        }
    }
    const RpcReply reply = transportError(RpcReply::kTimedOut, message);
    for (const auto& finish : overdue)
        finish(reply);
    return static_cast<int>(overdue.size());
}

int PendingCalls::failAll(const QString& message) {
    std::map<qint64, Call> failed;
    failed.swap(calls_);
    const RpcReply reply = transportError(RpcReply::kNotConnected, message);
    for (const auto& [id, call] : failed)
        call.finish(reply);
    return static_cast<int>(failed.size());
}

std::optional<Clock::time_point> PendingCalls::nextDeadline() const {
    std::optional<Clock::time_point> next;
    for (const auto& [id, call] : calls_)
        if (!next || call.deadline < *next)
            next = call.deadline;
    return next;
}

RpcReply transportError(int code, const QString& message) {
    RpcReply reply;
    reply.ok = false;
    reply.errorCode = code;
    reply.errorMessage = message;
    reply.errorData = QJsonValue(QJsonValue::Null);
    return reply;
}

} // namespace mailng::gui::rpc
