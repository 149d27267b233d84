// Agent replies in plain words for the admin: what failed and why, and what an action
// across several hosts did.
#pragma once

#include <QCoreApplication>
#include <QString>

#include <functional>

#include "fan_out_call.h"
#include "rpc_reply.h"

namespace mailng::gui {

class ReplyText {
    Q_DECLARE_TR_FUNCTIONS(mailng::gui::ReplyText)
public:
    /// Why `reply` failed: the agent's own message, or for the transport codes
    /// (not connected, timed out) a sentence that says so. Empty for a success.
    static QString error(const RpcReply& reply);

    /// "theano: not connected" - the error prefixed with the host.
    static QString hostError(const QString& host, const RpcReply& reply);

    /// `result.affected` of a successful mutating call (0 when absent).
    static qint64 affected(const RpcReply& reply);

    /// One line about an action on several hosts: `doneText(total affected)` (a phrase
    /// without a full stop), the per-host numbers when more than one host answered,
    /// then one "host: why" per failed host. With every host failed, only the failures.
    static QString summary(const HostReplies& replies,
                           const std::function<QString(qint64 affected)>& doneText);
};

} // namespace mailng::gui
