// All hosts' mail queues in one table, with a Host column: the queue page's model.
//
// Lazy, as PagedListModel describes: refresh() asks every host for the first page of
// queue.list (the filter's params plus "offset" 0 and "limit" pageSize()); the first
// page brings the host's total; fetchMore() asks each host that has more for its next
// page. So a queue of 100,000 messages costs one page per scroll to the end, never the
// whole queue at once. A host without Postfix counts as an empty queue.
//
// Rows are in reply order, not sorted across hosts, until sort() (PagedListModel) orders
// what is loaded. A message that comes twice from one host (the queue moved between
// pages) is kept once. setFilter() and refresh() start over.
#pragma once

#include <QList>
#include <QMap>
#include <QModelIndexList>
#include <QSet>
#include <deque>

#include "paged_list_model.h"
#include "queue_view_filter.h"

namespace mailng::gui {

class QueueModel : public PagedListModel {
    Q_OBJECT
public:
    enum Column {
        HostColumn,
        QueueIdColumn,
        QueueColumn,
        ArrivalColumn,
        SizeColumn,
        SenderColumn,
        RecipientsColumn,
        ReasonColumn,
        ColumnCount
    };
    enum Role {
        QueueIdRole = FirstModelRole, // QString
        QueueNameRole,                // QString: "deferred", "hold", ...
        RecipientsRole,               // QStringList of addresses
        DelayReasonsRole,             // QStringList, one per recipient ("" for none)
    };

    static constexpr int kDefaultPageSize = 500;

    /// `pageSize` is the "limit" of each queue.list call (the agent allows 1..5000).
    explicit QueueModel(AgentCaller* caller, QObject* parent = nullptr,
                        int pageSize = kDefaultPageSize);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    const QueueViewFilter& filter() const { return filter_; }
    /// Sets the filter and starts over (reset and refetch), unless it is unchanged.
    void setFilter(const QueueViewFilter& filter);

    QString hostAt(int row) const;
    QString queueIdAt(int row) const;

    /// The queue ids of `rows`, per host (sorted by host name), each id once: what the
    /// queue actions send as {"queue_ids": [...]} to each host. Rows out of range are
    /// ignored.
    QMap<QString, QStringList> queueIdsByHost(const QList<int>& rows) const;
    /// The same for a view's selection (any column; indexes of other models ignored).
    QMap<QString, QStringList> queueIdsByHost(const QModelIndexList& indexes) const;

protected:
    QString columnTitle(int column) const override;
    QString listMethod() const override;
    QJsonObject listParams() const override;
    void clearRows() override;
    int rowHost(int row) const override;
    QString rowKey(int row) const override;
    int appendItems(int host, const QJsonArray& items, qint64 total) override;
    void permuteRows(const std::vector<int>& order) override;

private:
    struct Row {
        int host = 0; // index into hostNames()
        QString queueId;
        QString queueName;
        qint64 arrivalTime = 0;
        qint64 size = 0;
        QString sender;
        QStringList recipients;
        QStringList reasons;
    };

    Row rowFromJson(int host, const QJsonObject& item);
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;
    QVariant toolTip(const Row& row, int column) const;

    QueueViewFilter filter_;
    std::deque<Row> rows_;      // a deque: appending never moves the rows already there
    QList<QSet<QString>> seen_; // per host: queue ids already in rows_
    QSet<QString> queueNames_;  // one shared copy of each queue name
};

} // namespace mailng::gui
