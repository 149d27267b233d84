// The queue page's filter, as the agent's queue.list / queue.summary / queue.hold...
// params name it (agent/queue_methods.cpp, mailng/postqueue_json.h). The agent does the
// filtering; the console only passes this on, so a filter means the same in the table,
// the qshape view and an action "on the filter".
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace mailng::gui {

struct QueueViewFilter {
    QStringList queues;   // "queue": any of these ("deferred", "hold"...); empty: all
    QString sender;       // "sender": part of the sender; "<>" the null sender only
    QString senderDomain; // "sender_domain": the sender's domain or a subdomain
    QString recipient;    // "recipient": part of a recipient address
    QString domain;       // "domain": a recipient's domain or a subdomain
    QString reason;       // "reason": part of a recipient's delay reason
    std::optional<qint64> minAgeSeconds; // "min_age": at least this old

    /// No condition at all.
    bool isEmpty() const;
    /// The conditions as params; empty members are left out. The recipient conditions
    /// hold for one recipient together, as the agent defines it.
    QJsonObject toParams() const;

    friend bool operator==(const QueueViewFilter&, const QueueViewFilter&) = default;
};

} // namespace mailng::gui
