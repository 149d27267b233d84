// The four queue actions (the manual's postsuper -h / -H / -r / -d), their agent
// methods, and the words around them: the confirmation that says how many messages on
// which hosts, and the result.
#pragma once

#include <QCoreApplication>
#include <QMap>
#include <QString>
#include <QStringList>

namespace mailng::gui {

enum class QueueAction { Hold, Release, Requeue, Delete };

/// Messages by host name.
using HostCounts = QMap<QString, qint64>;

class QueueActionText {
    Q_DECLARE_TR_FUNCTIONS(mailng::gui::QueueActionText)
public:
    /// "queue.hold", "queue.release", "queue.requeue", "queue.delete".
    static QString method(QueueAction action);
    /// The button and menu label ("Hold", ...).
    static QString label(QueueAction action);
    /// The confirmation question: "Delete 120 messages on 2 hosts (theano: 100,
    /// elysso: 20)?"; hosts with no message are left out; a delete adds that it cannot
    /// be undone. With no message at all, says that nothing matches.
    static QString question(QueueAction action, const HostCounts& counts);
    /// "12 messages held" - no full stop (ReplyText::summary adds it).
    static QString done(QueueAction action, qint64 affected);
};

/// Whether `action` can change a message that is in `queueName` ("hold", "deferred"...):
/// hold not in hold, release only in hold, requeue and delete anywhere.
bool queueActionApplies(QueueAction action, const QString& queueName);

/// The queues a filter action touches: `filterQueues` (empty: every queue) narrowed to
/// those where the action applies. Empty when the action can change nothing.
QStringList queueActionQueues(QueueAction action, const QStringList& filterQueues);

/// The sum of `counts`.
qint64 totalCount(const HostCounts& counts);

} // namespace mailng::gui
