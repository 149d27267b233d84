// What models and pages use to talk to the agents: a call by host name, answered later
// on the caller's thread. ClusterSession implements it over SSH; tests give a fake.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

#include "rpc_reply.h"

namespace mailng::gui {

class AgentCaller {
public:
    virtual ~AgentCaller() = default;

    using Done = std::function<void(const RpcReply& reply)>;

    /// Sends `method` with `params` to the agent on `host`. `done` runs exactly once,
    /// on `context`'s thread, unless `context` is destroyed first (then never). Never
    /// blocks.
    virtual void call(const QString& host, const QString& method, const QJsonObject& params,
                      QObject* context, Done done) = 0;

    /// The hosts known, in cluster-file order.
    virtual QStringList hosts() const = 0;
};

} // namespace mailng::gui
