#include "queue_action.h"

#include <limits>

namespace mailng::gui {
namespace {

const QStringList& allQueues() {
    static const QStringList queues = {QStringLiteral("maildrop"), QStringLiteral("incoming"),
                                       QStringLiteral("active"),   QStringLiteral("deferred"),
                                       QStringLiteral("hold"),     QStringLiteral("corrupt")};
    return queues;
}

} // namespace

QString QueueActionText::method(QueueAction action) {
    switch (action) {
    case QueueAction::Hold:
        return QStringLiteral("queue.hold");
    case QueueAction::Release:
        return QStringLiteral("queue.release");
    case QueueAction::Requeue:
        return QStringLiteral("queue.requeue");
    case QueueAction::Delete:
        return QStringLiteral("queue.delete");
    }
    return {};
}

QString QueueActionText::label(QueueAction action) {
    switch (action) {
    case QueueAction::Hold:
        return tr("Hold");
    case QueueAction::Release:
        return tr("Release");
    case QueueAction::Requeue:
        return tr("Requeue");
    case QueueAction::Delete:
        return tr("Delete");
    }
    return {};
}

QString QueueActionText::question(QueueAction action, const HostCounts& counts) {
    QStringList perHost;
    int hosts = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        ++hosts;
        perHost << tr("%1: %2").arg(it.key()).arg(it.value());
    }
    qint64 total = totalCount(counts);
    if (total <= 0)
        return tr("No message matches; there is nothing to do.");
    auto n = static_cast<int>(qMin<qint64>(total, std::numeric_limits<int>::max()));
    QString what;
    switch (action) {
    case QueueAction::Hold:
        what = tr("Put %n message(s) on hold", nullptr, n);
        break;
    case QueueAction::Release:
        what = tr("Release %n message(s) from hold", nullptr, n);
        break;
    case QueueAction::Requeue:
        what = tr("Requeue %n message(s)", nullptr, n);
        break;
    case QueueAction::Delete:
        what = tr("Delete %n message(s)", nullptr, n);
        break;
    }
    QString text =
        tr("%1 on %2 (%3)?")
            .arg(what, tr("%n host(s)", nullptr, hosts), perHost.join(QStringLiteral(", ")));
    if (action == QueueAction::Delete)
        text += QLatin1Char(' ') + tr("Deleted messages cannot be brought back.");
    return text;
}

QString QueueActionText::done(QueueAction action, qint64 affected) {
    auto n = static_cast<int>(qMin<qint64>(affected, std::numeric_limits<int>::max()));
    switch (action) {
    case QueueAction::Hold:
        return tr("%n message(s) put on hold", nullptr, n);
    case QueueAction::Release:
        return tr("%n message(s) released from hold", nullptr, n);
    case QueueAction::Requeue:
        return tr("%n message(s) requeued", nullptr, n);
    case QueueAction::Delete:
        return tr("%n message(s) deleted", nullptr, n);
    }
    return {};
}

bool queueActionApplies(QueueAction action, const QString& queueName) {
    switch (action) {
    case QueueAction::Hold:
        return queueName != QLatin1String("hold");
    case QueueAction::Release:
        return queueName == QLatin1String("hold");
    case QueueAction::Requeue:
    case QueueAction::Delete:
        return true;
    }
    return false;
}

QStringList queueActionQueues(QueueAction action, const QStringList& filterQueues) {
    const QStringList& from = filterQueues.isEmpty() ? allQueues() : filterQueues;
    QStringList queues;
    for (const QString& queue : from)
        if (queueActionApplies(action, queue))
            queues << queue;
    return queues;
}

qint64 totalCount(const HostCounts& counts) {
    qint64 total = 0;
    for (qint64 count : counts)
        total += qMax<qint64>(count, 0);
    return total;
}

} // namespace mailng::gui
