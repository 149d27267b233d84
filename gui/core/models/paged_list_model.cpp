#include "paged_list_model.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QThreadPool>

#include <algorithm>
#include <memory>

namespace mailng::gui {
namespace {

/// The row numbers ordered by `keys` (stable; invalid keys first when ascending).
std::vector<int> sortedOrder(const std::vector<QVariant>& keys, bool descending) {
    std::vector<int> order(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    auto less = [&keys](int a, int b) {
        const QVariant& x = keys[std::size_t(a)];
        const QVariant& y = keys[std::size_t(b)];
        if (!x.isValid() || !y.isValid())
            return !x.isValid() && y.isValid();
        return QVariant::compare(x, y) == QPartialOrdering::Less;
    };
    if (descending)
        std::stable_sort(order.begin(), order.end(), [&less](int a, int b) { return less(b, a); });
    else
        std::stable_sort(order.begin(), order.end(), less);
    return order;
}

} // namespace

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
    ++resets_;
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
        if (added > 0)
            startSort();
        if (added == 0 && !pager_.isDone(host))
            requestPages();
    }
    emit totalsChanged();
}

void PagedListModel::sort(int column, Qt::SortOrder order) {
    if (column < 0 || column >= columnCount())
        return;
    sortColumn_ = column;
    sortOrder_ = order;
    startSort();
}

void PagedListModel::startSort() {
    if (sortColumn_ < 0)
        return;
    if (sortInFlight_) {
        sortAgain_ = true;
        return;
    }
    auto keys = std::make_shared<std::vector<QVariant>>();
    keys->reserve(std::size_t(rowCount()));
    for (int row = 0; row < rowCount(); ++row)
        keys->push_back(data(index(row, sortColumn_), SortRole));
    sortInFlight_ = true;
    auto promise = std::make_shared<QPromise<std::vector<int>>>();
    auto* watcher = new QFutureWatcher<std::vector<int>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, resets = resets_] {
        watcher->deleteLater();
        applySort(resets, watcher->future().takeResult());
    });
    watcher->setFuture(promise->future());
    const bool descending = sortOrder_ == Qt::DescendingOrder;
    QThreadPool::globalInstance()->start([promise, keys, descending] {
        promise->start();
        promise->addResult(sortedOrder(*keys, descending));
        promise->finish();
    });
}

void PagedListModel::applySort(quint64 resets, std::vector<int> order) {
    sortInFlight_ = false;
    if (resets == resets_ && int(order.size()) <= rowCount()) {
        // Rows appended while the order was computed stay after the sorted ones.
        for (int row = int(order.size()); row < rowCount(); ++row)
            order.push_back(row);
        emit layoutAboutToBeChanged({}, VerticalSortHint);
        const QModelIndexList from = persistentIndexList();
        std::vector<int> newRow(order.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            newRow[std::size_t(order[i])] = int(i);
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex& old : from)
            to << index(newRow[std::size_t(old.row())], old.column());
        permuteRows(order);
        changePersistentIndexList(from, to);
        emit layoutChanged({}, VerticalSortHint);
        emit sorted();
    }
    if (std::exchange(sortAgain_, false) || resets != resets_)
        startSort();
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
