// The lazy paging shared by the tables that show several hosts' long lists in one
// (QueueModel: queue.list, QuarantineModel: quarantine.list). Both methods take
// "offset" and "limit" and answer {"total": N, "items": [...]}.
//
// refresh() resets the table and asks every host for its first page; each page's items
// are appended (appendItems) as its reply comes. fetchMore() - what a view calls when
// scrolled to the end - asks each host that has more for its next page, one page per
// host at a time; canFetchMore() is true until every host has delivered its total or
// failed. A page that adds no row (all of it seen before) asks for the next one at once,
// since a view waiting at the end would not ask again. A reply to a page asked before
// the last reset is dropped. A host that cannot
// do the method at all (the agent's not_supported: no Postfix, no amavisd) counts as an
// empty list; any other failure ends that host's paging and keeps its error.
//
// sort() orders the loaded rows by a column's SortRole values without holding the GUI
// thread: the keys are read here (one data() per row), ordered on a pool thread, and
// the order is applied when it comes back (layoutChanged; persistent indexes follow
// their rows). Pages that arrive later are sorted in the same way once they are in; a
// refresh keeps the sort column. Rows without a value come first in ascending order.
#pragma once

#include <QJsonArray>
#include <QMap>

#include <deque>
#include <vector>

#include "agent_table_model.h"
#include "host_pager.h"

namespace mailng::gui {

class PagedListModel : public AgentTableModel {
    Q_OBJECT
public:
    PagedListModel(AgentCaller* caller, int pageSize, QObject* parent = nullptr);

    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    /// The host's total as its last page said, -1 before its first page.
    qint64 hostTotal(const QString& host) const;
    /// The sum of the known totals: what the table holds when fully loaded.
    qint64 totalCount() const;
    qint64 pageSize() const { return pager_.pageSize(); }

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    /// The column sort() was last asked for, -1 for none; and its order.
    int sortColumn() const { return sortColumn_; }
    Qt::SortOrder sortOrder() const { return sortOrder_; }
    /// Whether an order is being computed on the pool thread.
    bool isSorting() const { return sortInFlight_; }

public slots:
    void refresh() override;

signals:
    /// A host's total became known or changed.
    void totalsChanged();
    /// A sort's order was applied to the rows.
    void sorted();

protected:
    /// The list method ("queue.list") and its params without offset and limit.
    virtual QString listMethod() const = 0;
    virtual QJsonObject listParams() const = 0;
    /// Empties the rows; called between beginResetModel and endResetModel.
    virtual void clearRows() = 0;
    /// Appends the rows of one page of the host hostNames()[host], with
    /// beginInsertRows/endInsertRows, and returns how many it appended. `total` is the
    /// host's total as this page says.
    virtual int appendItems(int host, const QJsonArray& items, qint64 total) = 0;
    /// Reorders the rows: the row at position i afterwards is the one that was at
    /// order[i]. `order` is a permutation of 0..rowCount()-1. Called between
    /// layoutAboutToBeChanged and layoutChanged.
    virtual void permuteRows(const std::vector<int>& order) = 0;
    /// permuteRows() for rows kept in a std::deque.
    template <typename Row>
    static void permute(std::deque<Row>& rows, const std::vector<int>& order) {
        std::deque<Row> sorted;
        for (int row : order)
            sorted.push_back(std::move(rows[std::size_t(row)]));
        rows.swap(sorted);
    }

    /// The hosts of the current refresh; rows refer to them by index.
    const QStringList& hostNames() const { return hostNames_; }

    /// The host index and the key the agent acts on (queue id, quarantine file) of a
    /// row that exists.
    virtual int rowHost(int row) const = 0;
    virtual QString rowKey(int row) const = 0;

    /// The keys of `rows` grouped by host name, each once, in row order; rows out of
    /// range are skipped. What the pages send to the agents' mutating methods.
    QMap<QString, QStringList> keysByHost(const QList<int>& rows) const;
    /// The same for the rows of `indexes` that belong to this model.
    QMap<QString, QStringList> keysByHost(const QModelIndexList& indexes) const;

private:
    void requestPages();
    void pageReplied(const QString& host, const RpcReply& reply);
    void startSort();
    void applySort(quint64 resets, std::vector<int> order);

    HostPager pager_;
    QStringList hostNames_;
    int sortColumn_ = -1;
    Qt::SortOrder sortOrder_ = Qt::AscendingOrder;
    bool sortInFlight_ = false;
    bool sortAgain_ = false; // rows came while an order was computed
    quint64 resets_ = 0;     // an order computed before a reset is dropped
};

} // namespace mailng::gui
