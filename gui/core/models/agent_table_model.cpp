#include "agent_table_model.h"

#include "mailng/jsonrpc.h"

namespace mailng::gui {

AgentTableModel::AgentTableModel(AgentCaller* caller, QObject* parent)
    : QAbstractTableModel(parent), caller_(caller) {}

QStringList AgentTableModel::hosts() const {
    return chosenHosts_.isEmpty() ? caller_->hosts() : chosenHosts_;
}

void AgentTableModel::setHosts(const QStringList& hosts) {
    chosenHosts_ = hosts;
}

bool AgentTableModel::isLoading() const {
    return loading_;
}

QString AgentTableModel::hostError(const QString& host) const {
    return errors_.value(host);
}

QStringList AgentTableModel::failedHosts() const {
    QStringList failed;
    for (const auto& host : hosts())
        if (errors_.contains(host))
            failed << host;
    return failed;
}

QVariant AgentTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return columnTitle(section);
    if (role == Qt::ToolTipRole) {
        QString tip = columnToolTip(section);
        return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    return {};
}

QHash<int, QByteArray> AgentTableModel::roleNames() const {
    auto names = QAbstractTableModel::roleNames();
    names.insert(SortRole, "sortValue");
    names.insert(HostRole, "host");
    return names;
}

bool AgentTableModel::isNotSupported(const RpcReply& reply) {
    return !reply.ok && reply.errorCode == jsonrpc::not_supported;
}

QString AgentTableModel::columnToolTip(int) const {
    return {};
}

void AgentTableModel::callAgent(const QString& host, const QString& method,
                                const QJsonObject& params, Handler handler) {
    const quint64 generation = generation_;
    ++pending_;
    updateLoading();
    caller_->call(host, method, params, this,
                  [this, generation, handler = std::move(handler)](const RpcReply& reply) {
                      if (generation != generation_)
                          return; // asked before a reset: not for this table any more
                      --pending_;
                      handler(reply);
                      updateLoading();
                  });
}

void AgentTableModel::callLatest(const QString& host, const QString& method,
                                 const QJsonObject& params, Handler handler) {
    if (latestInFlight_.contains(host)) {
        latestQueued_.insert(host, {method, params, std::move(handler)});
        return;
    }
    latestInFlight_.insert(host);
    callAgent(host, method, params,
              [this, host, handler = std::move(handler)](const RpcReply& reply) {
                  latestInFlight_.remove(host);
                  handler(reply);
                  sendQueued(host);
              });
}

void AgentTableModel::sendQueued(const QString& host) {
    auto queued = latestQueued_.find(host);
    if (queued == latestQueued_.end())
        return;
    QueuedCall call = std::move(*queued);
    latestQueued_.erase(queued);
    callLatest(host, call.method, call.params, std::move(call.handler));
}

void AgentTableModel::invalidateCalls() {
    ++generation_;
    pending_ = 0;
    latestInFlight_.clear();
    latestQueued_.clear();
    // Not at once: a refresh that invalidates sends its new calls right after, and the
    // view should not see loading go false and true again in between.
    QMetaObject::invokeMethod(
        this, [this] { updateLoading(); }, Qt::QueuedConnection);
}

void AgentTableModel::setHostError(const QString& host, const RpcReply& reply) {
    setHostError(host, errorText(reply));
}

QString AgentTableModel::errorText(const RpcReply& reply) const {
    return reply.errorMessage.isEmpty()
               ? tr("the agent answered with error %1").arg(reply.errorCode)
               : reply.errorMessage;
}

void AgentTableModel::setHostError(const QString& host, const QString& message) {
    errors_.insert(host, message);
    emit errorOccurred(host, message);
}

void AgentTableModel::clearHostError(const QString& host) {
    errors_.remove(host);
}

void AgentTableModel::clearHostErrors() {
    errors_.clear();
}

void AgentTableModel::updateLoading() {
    bool loading = pending_ > 0;
    if (loading == loading_)
        return;
    loading_ = loading;
    emit loadingChanged(loading);
}

} // namespace mailng::gui
