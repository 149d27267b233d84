// The audit logs of all hosts merged into one, newest first: the audit page's model.
// Each host's audit.list ({"total": N, "items": [{"id", "time", "host", "user",
// "method", "params", "outcome", "affected", "error"}]}, newest first) is read in
// pages and merged by time.
//
// The merge is strict: a row is shown only once it is certain that no host has a newer
// one still unread, so rows never move once shown. Each host's fetched entries wait in
// a buffer; rows are taken from the newest buffer head while every host that still has
// entries to deliver has some buffered. When a host's buffer runs dry, the merge waits
// for its next page: fetchMore() (a view at the end) asks for it, and so does a page
// that could not add a single row (so that the view never waits forever). Ties in time
// keep host order. An entry seen twice (the log grew while it was paged) is kept once.
// A host that fails is treated as ended - its buffered entries are
// still merged - and keeps its error; one that is not reachable fails at once, so it
// does not hold the others back. canFetchMore() is true while some host has more.
//
// setFilter() and refresh() start over; replies to calls from before are dropped.
#pragma once

#include <QJsonValue>

#include <deque>
#include <optional>

#include "agent_table_model.h"
#include "host_pager.h"

namespace mailng::gui {

class AuditModel : public AgentTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        HostColumn,
        UserColumn,
        ActionColumn,
        ParamsColumn,
        OutcomeColumn,
        AffectedColumn,
        ErrorColumn,
        ColumnCount
    };
    enum Role {
        ParamsRole = FirstModelRole, // QJsonValue: the call's params as recorded
        OutcomeRole,                 // QString: "started", "ok", "error", "denied"
        EntryIdRole,                 // qint64: the entry's id in its host's log
    };

    /// audit.list's filters; empty members do not filter.
    struct Filter {
        QString user;                // "user": exact
        QString method;              // "method": exact ("queue.delete")
        std::optional<qint64> since; // "since": seconds since the epoch, inclusive
        std::optional<qint64> until; // "until"

        QJsonObject toParams() const;
        friend bool operator==(const Filter&, const Filter&) = default;
    };

    static constexpr int kDefaultPageSize = 200;

    /// `pageSize` is each audit.list's "limit" (the agent allows 1..1000).
    explicit AuditModel(AgentCaller* caller, QObject* parent = nullptr,
                        int pageSize = kDefaultPageSize);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    const Filter& filter() const { return filter_; }
    void setFilter(const Filter& filter);

    /// The host's total as its last page said, -1 before its first page.
    qint64 hostTotal(const QString& host) const;

public slots:
    void refresh() override;

protected:
    QString columnTitle(int column) const override;

private:
    struct Entry {
        int host = 0;
        qint64 id = 0;
        qint64 time = 0;
        QString user;
        QString method;
        QJsonValue params;
        QString outcome;
        std::optional<qint64> affected;
        QString error;
    };

    void requestPages();
    void pageReplied(const QString& host, const RpcReply& reply);
    /// Moves every row that can be placed now from the buffers to the table; returns
    /// how many.
    int merge();
    /// The buffer whose head comes next, -1 when none, -2 when a host must deliver first.
    int nextBuffer() const;
    static Entry entryFromJson(int host, const QJsonObject& item);
    QVariant display(const Entry& entry, int column) const;
    QVariant sortValue(const Entry& entry, int column) const;
    QString outcomeText(const QString& outcome) const;

    Filter filter_;
    HostPager pager_;
    QStringList hostNames_;
    QList<std::deque<Entry>> buffers_; // per host: fetched, not yet in rows_
    QList<qint64> lowestIds_; // per host: the lowest id taken (the log pages by id, newest first)
    std::deque<Entry> rows_;
};

} // namespace mailng::gui
