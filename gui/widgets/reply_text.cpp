#include "reply_text.h"

#include <QJsonObject>
#include <QStringList>

namespace mailng::gui {

QString ReplyText::error(const RpcReply& reply) {
    if (reply.ok)
        return {};
    if (reply.errorCode == RpcReply::kNotConnected)
        return reply.errorMessage.isEmpty() ? tr("not connected") : reply.errorMessage;
    if (reply.errorCode == RpcReply::kTimedOut)
        return tr("no answer in time");
    if (!reply.errorMessage.isEmpty())
        return reply.errorMessage;
    return tr("failed (error %1)").arg(reply.errorCode);
}

QString ReplyText::hostError(const QString& host, const RpcReply& reply) {
    return tr("%1: %2").arg(host, error(reply));
}

qint64 ReplyText::affected(const RpcReply& reply) {
    if (!reply.ok)
        return 0;
    return reply.result.toObject().value(QStringLiteral("affected")).toInteger();
}

QString ReplyText::summary(const HostReplies& replies,
                           const std::function<QString(qint64 affected)>& doneText) {
    qint64 total = 0;
    QStringList perHost;
    QStringList failures;
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        if (it->ok) {
            total += affected(*it);
            perHost << tr("%1: %2").arg(it.key()).arg(affected(*it));
        } else {
            failures << hostError(it.key(), *it);
        }
    }
    QStringList parts;
    if (!perHost.isEmpty()) {
        if (perHost.size() > 1)
            parts << tr("%1 (%2).").arg(doneText(total), perHost.join(QStringLiteral(", ")));
        else
            parts << tr("%1.").arg(doneText(total));
    }
    if (!failures.isEmpty())
        parts << tr("Failed on %1.").arg(failures.join(QStringLiteral("; ")));
    return parts.join(QLatin1Char(' '));
}

} // namespace mailng::gui
