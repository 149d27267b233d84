// One agent method on several hosts at once, with every answer handed back together.
// Used where a page acts on the whole cluster (a queue action on three relays, the
// charts of every host) and wants one result to show.
#pragma once

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

#include "agent_caller.h"
#include "rpc_reply.h"

namespace mailng::gui {

/// The replies of a fan-out call, by host name.
using HostReplies = QMap<QString, RpcReply>;

/// Calls `method` on each of `hosts` with `paramsFor(host)`. `done` runs exactly once,
/// on `context`'s thread, after the last reply, and never when `context` is destroyed
/// first. With no hosts, `done` still runs (later, from the event loop, with no
/// replies). Never blocks.
void callEach(AgentCaller& caller, const QStringList& hosts, const QString& method,
              const std::function<QJsonObject(const QString& host)>& paramsFor, QObject* context,
              std::function<void(const HostReplies& replies)> done);

/// The same params for every host.
void callEach(AgentCaller& caller, const QStringList& hosts, const QString& method,
              const QJsonObject& params, QObject* context,
              std::function<void(const HostReplies& replies)> done);

} // namespace mailng::gui
