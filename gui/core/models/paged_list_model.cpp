#include "paged_list_model.h"

namespace mailng::gui {

PagedListModel::PagedListModel(AgentCaller* caller, int pageSize, QObject* parent)
    : AgentTableModel(caller, parent), pager_(pageSize) {}

bool PagedListModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && pager_.hasMore();
}

void PagedListModel::fetchMore(const QModelIndex& parent) {
    if (!parent.isValid())
        requestPages();
}

qint64 PagedListModel::hostTotal(const QString& host) const {
    return pager_.total(host);
}

qint64 PagedListModel::totalCount() const {
    return pager_.knownTotal();
}

void PagedListModel::refresh() {
    beginResetModel();
    invalidateCalls();
    clearHostErrors();
    hostNames_ = hosts();
    hostNames_.removeDuplicates();
    pager_.reset(hostNames_);
    clearRows();
    endResetModel();
    emit totalsChanged();
    requestPages();
}

void PagedListModel::requestPages() {
    const QJsonObject params = listParams();
    for (const auto& request : pager_.takeRequests()) {
        QJsonObject page = params;
        page.insert(QStringLiteral("offset"), request.offset);
        page.insert(QStringLiteral("limit"), request.limit);
        callAgent(request.host, listMethod(), page,
                  [this, host = request.host](const RpcReply& reply) { pageReplied(host, reply); });
    }
}

void PagedListModel::pageReplied(const QString& host, const RpcReply& reply) {
    if (isNotSupported(reply)) {
        pager_.pageArrived(host, 0, 0);
    } else if (!reply.ok) {
        pager_.pageFailed(host);
        setHostError(host, reply);
        return;
    } else {
        const QJsonObject result = reply.result.toObject();
        const QJsonArray items = result.value(QStringLiteral("items")).toArray();
        const qint64 total = result.value(QStringLiteral("total")).toInteger();
        clearHostError(host);
        int added = appendItems(static_cast<int>(hostNames_.indexOf(host)), items, total);
        pager_.pageArrived(host, total, items.size());
        if (added == 0 && !pager_.isDone(host))
            requestPages();
    }
    emit totalsChanged();
}

QMap<QString, QStringList> PagedListModel::keysByHost(const QList<int>& rows) const {
    QMap<QString, QStringList> keys;
    for (int row : rows) {
        if (row < 0 || row >= rowCount())
            continue;
        QStringList& list = keys[hostNames_.value(rowHost(row))];
        if (const QString key = rowKey(row); !list.contains(key))
            list << key;
    }
    return keys;
}

QMap<QString, QStringList> PagedListModel::keysByHost(const QModelIndexList& indexes) const {
    QList<int> rows;
    for (const auto& index : indexes)
        if (index.model() == this)
            rows << index.row();
    return keysByHost(rows);
}

} // namespace mailng::gui
