// The qshape view of the queue page: queue.summary of every host, domain by age.
//
// Merged by domain: the console's question is "which destination is stuck", whichever
// relay holds the mail, so by default the hosts' tables are added up - one row per
// domain with the sum of every host's counts, bucket by bucket, and the TOTAL row (row
// 0, IsTotalRole) the sum of the hosts' TOTAL rows. setHost() shows one host's table
// alone instead (a view change: no call). Rows below TOTAL are ordered as qshape's are:
// total descending, then shorter domain first, then alphabetically. A count cell's
// tooltip gives the count per host.
//
// Columns: Domain, then one per heading the agent sent ("T", "5", "10" ... "1280+";
// the first is shown as "Total"); the column count changes when the headings do, with
// a model reset. A host whose headings differ from the others' (another agent version
// or options) is left out of the merge with an error. Hosts without Postfix (the agent's
// not_supported) have nothing to add and are not errors.
//
// refresh() asks every host again and keeps the tables shown until the answers replace
// them; a host that fails drops out of the sum (a stale count would mislead) and keeps
// its error. setOptions() clears the tables first, since they answered another question.
#pragma once

#include <QHash>
#include <QList>

#include "agent_table_model.h"
#include "queue_view_filter.h"

namespace mailng::gui {

class QueueShapeModel : public AgentTableModel {
    Q_OBJECT
public:
    /// queue.summary's params (qshape's -s, -b, -t, -l) and the queue page's filter.
    struct Options {
        bool bySender = false; // "by": "sender"; else "recipient"
        int buckets = 10;      // "buckets", 1..100
        int bucketMinutes = 5; // "bucket_minutes"
        bool linear = false;   // "linear"
        QueueViewFilter filter;

        QJsonObject toParams() const;
        friend bool operator==(const Options&, const Options&) = default;
    };

    enum Role {
        IsTotalRole = FirstModelRole, // bool: the TOTAL row
        CountsRole,                   // QList<qint64>: the row's counts, total first
    };

    static constexpr int kDomainColumn = 0;
    static constexpr int kTotalColumn = 1;

    explicit QueueShapeModel(AgentCaller* caller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    const Options& options() const { return options_; }
    /// New options: the tables are cleared and asked for again (unless unchanged).
    void setOptions(const Options& options);

    /// The host shown alone, or empty for all hosts merged (the default).
    QString host() const { return host_; }
    void setHost(const QString& host);

    /// The headings of the count columns as the agent sent them ("T", "5", ...).
    QStringList headings() const { return headings_; }
    /// Messages counted in the table shown (the hosts' "messages" added up).
    qint64 messageCount() const;

public slots:
    void refresh() override;

protected:
    QString columnTitle(int column) const override;
    QString columnToolTip(int column) const override;

private:
    struct Row {
        QString domain;
        QList<qint64> counts; // total first, then the buckets
    };
    struct HostTable {
        QStringList headings;
        Row total;
        QList<Row> rows;
        qint64 messages = 0;
    };

    void ask(const QString& host);
    void replied(const QString& host, const RpcReply& reply);
    static HostTable tableFromJson(const QJsonObject& result);
    bool differsFromOthers(const QStringList& headings) const;
    const HostTable& table(const QString& host) const; // host must have one
    QStringList shownHosts() const;
    void rebuild();
    QString countToolTip(const Row& row, int bucket) const;

    Options options_;
    QString host_;
    QHash<QString, HostTable> tables_;
    QStringList headings_;
    QList<Row> rows_; // TOTAL first
};

} // namespace mailng::gui
