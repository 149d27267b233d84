// A stand-in for ClusterSession in the model tests: answers agent calls from canned JSON
// (in the agent's exact result shapes) or from a function of the params, always
// asynchronously - QTimer::singleShot(0, context, ...) - as the real one does, and
// records every call so that a test can check which pages were asked for.
#pragma once

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <utility>

#include "agent_caller.h"

namespace mailng::gui::test {

/// JSON text as a value; the test fails loudly (empty value and a warning) on a typo.
inline QJsonValue json(const char* text) {
    QJsonParseError error{};
    auto document = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError) {
        qWarning("bad JSON in test: %s at %d", qPrintable(error.errorString()), error.offset);
        return {};
    }
    return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
}

inline RpcReply okReply(const QJsonValue& result) {
    RpcReply reply;
    reply.ok = true;
    reply.result = result;
    return reply;
}

inline RpcReply errorReply(int code, const QString& message, const QJsonValue& data = {}) {
    RpcReply reply;
    reply.errorCode = code;
    reply.errorMessage = message;
    reply.errorData = data;
    return reply;
}

class FakeAgentCaller : public AgentCaller {
public:
    struct Call {
        QString host;
        QString method;
        QJsonObject params;
    };
    using Answer = std::function<RpcReply(const QJsonObject& params)>;

    explicit FakeAgentCaller(QStringList hosts = {}) : hosts_(std::move(hosts)) {}

    QStringList hosts() const override { return hosts_; }
    void setHosts(QStringList hosts) { hosts_ = std::move(hosts); }

    /// `host` answers `method` with what `answer` makes of the params.
    void answer(const QString& host, const QString& method, Answer answer) {
        answers_[{host, method}] = std::move(answer);
    }
    /// `host` answers `method` with `result`, whatever the params.
    void answer(const QString& host, const QString& method, const QJsonValue& result) {
        answer(host, method, [result](const QJsonObject&) { return okReply(result); });
    }
    /// `host` answers `method` with a JSON-RPC error (or a transport code of RpcReply).
    void fail(const QString& host, const QString& method, int code, const QString& message) {
        answer(host, method, [=](const QJsonObject&) { return errorReply(code, message); });
    }

    /// While holding, replies are kept until releaseHeld() (to let a test reset a model
    /// while its calls are unanswered).
    void setHolding(bool holding) { holding_ = holding; }
    int heldCount() const { return static_cast<int>(held_.size()); }
    void releaseHeld() {
        auto held = std::exchange(held_, {});
        for (auto& delivery : held)
            if (delivery.context)
                deliver(delivery.context, std::move(delivery.done), std::move(delivery.reply));
    }

    void call(const QString& host, const QString& method, const QJsonObject& params,
              QObject* context, Done done) override {
        calls.append({host, method, params});
        RpcReply reply = replyTo(host, method, params);
        if (holding_)
            held_.push_back({context, std::move(done), std::move(reply)});
        else
            deliver(context, std::move(done), std::move(reply));
    }

    /// Runs the event loop until every reply sent so far (and any call a reply caused)
    /// was delivered, then once more for queued signals. False on timeout.
    bool settle(int timeoutMs = 5000) {
        QDeadlineTimer deadline(timeoutMs);
        while (inTransit_ > 0 && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QCoreApplication::processEvents();
        return inTransit_ == 0;
    }

    QList<Call> callsOf(const QString& method, const QString& host = {}) const {
        QList<Call> found;
        for (const auto& call : calls)
            if (call.method == method && (host.isEmpty() || call.host == host))
                found << call;
        return found;
    }
    int countOf(const QString& method, const QString& host = {}) const {
        return static_cast<int>(callsOf(method, host).size());
    }

    QList<Call> calls;

private:
    struct Held {
        QPointer<QObject> context;
        Done done;
        RpcReply reply;
    };

    RpcReply replyTo(const QString& host, const QString& method, const QJsonObject& params) {
        if (!hosts_.contains(host))
            return errorReply(RpcReply::kNotConnected, QStringLiteral("not connected"));
        auto found = answers_.find({host, method});
        if (found == answers_.end())
            return errorReply(-32601, QStringLiteral("method not found: ") + method);
        return found->second(params);
    }

    void deliver(QObject* context, Done done, RpcReply reply) {
        ++inTransit_;
        QTimer::singleShot(0, context, [this, done = std::move(done), reply = std::move(reply)] {
            --inTransit_;
            done(reply);
        });
    }

    QStringList hosts_;
    std::map<std::pair<QString, QString>, Answer> answers_;
    bool holding_ = false;
    std::vector<Held> held_;
    int inTransit_ = 0;
};

/// An answer for a paged list method (queue.list, quarantine.list, audit.list): the
/// entries offset..offset+limit of `total`, each made by `itemAt(index)` only when asked
/// (so 100,000 entries cost nothing until paged), as {"total": N, "items": [...]} plus
/// `extra` members. `defaultLimit` is the agent's default when the call gives none.
inline FakeAgentCaller::Answer pagedList(qint64 total, std::function<QJsonObject(qint64)> itemAt,
                                         QJsonObject extra = {}, qint64 defaultLimit = 100) {
    return [=](const QJsonObject& params) {
        qint64 offset = params.value(QStringLiteral("offset")).toInteger(0);
        qint64 limit = params.value(QStringLiteral("limit")).toInteger(defaultLimit);
        QJsonArray items;
        for (qint64 i = offset; i < std::min(total, offset + limit); ++i)
            items.append(itemAt(i));
        QJsonObject result = extra;
        result.insert(QStringLiteral("total"), total);
        result.insert(QStringLiteral("items"), items);
        return okReply(result);
    };
}

} // namespace mailng::gui::test
