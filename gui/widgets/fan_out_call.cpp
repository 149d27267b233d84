#include "fan_out_call.h"

#include <QMetaObject>

#include <memory>

namespace mailng::gui {
namespace {

struct Pending {
    qsizetype remaining = 0;
    HostReplies replies;
    std::function<void(const HostReplies&)> done;
};

} // namespace

void callEach(AgentCaller& caller, const QStringList& hosts, const QString& method,
              const std::function<QJsonObject(const QString& host)>& paramsFor, QObject* context,
              std::function<void(const HostReplies& replies)> done) {
    if (hosts.isEmpty()) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done)] { done({}); }, Qt::QueuedConnection);
        return;
    }
    auto pending = std::make_shared<Pending>();
    pending->remaining = hosts.size();
    pending->done = std::move(done);
    for (const QString& host : hosts) {
        caller.call(host, method, paramsFor(host), context, [pending, host](const RpcReply& reply) {
            pending->replies.insert(host, reply);
            if (--pending->remaining == 0)
                pending->done(pending->replies);
        });
    }
}

void callEach(AgentCaller& caller, const QStringList& hosts, const QString& method,
              const QJsonObject& params, QObject* context,
              std::function<void(const HostReplies& replies)> done) {
    callEach(
        caller, hosts, method, [params](const QString&) { return params; }, context,
        std::move(done));
}

} // namespace mailng::gui
