// The relays' amavisd quarantines in one table, with a Host column: the quarantine
// page's model.
//
// Paged like QueueModel (PagedListModel): refresh() asks every host for the first page
// of quarantine.list (the filter's params plus "offset" 0 and "limit" pageSize(); the
// agent allows up to 1000), and fetchMore() each host's next page. Each host lists
// newest first; across hosts the rows are in reply order until sort() (PagedListModel)
// orders what is loaded.
//
// Hosts without a quarantine (back-ends: the agent's not_supported) have nothing to
// show and are not errors, so the model can simply ask every host; setHosts() limits
// it to the relays when the page knows them. A failed host keeps its error
// (hostError()) and the others go on. setFilter() and refresh() start over, dropping
// the replies still due.
//
// The subject is shown with its RFC 2047 encoded-words decoded (the agent passes them
// on raw); the score with one decimal, empty when amavisd wrote none.
#pragma once

#include <QMap>
#include <QModelIndexList>
#include <QSet>

#include <deque>
#include <optional>

#include "paged_list_model.h"

namespace mailng::gui {

class QuarantineModel : public PagedListModel {
    Q_OBJECT
public:
    enum Column {
        HostColumn,
        TypeColumn,
        TimeColumn,
        SenderColumn,
        RecipientsColumn,
        SubjectColumn,
        ScoreColumn,
        SizeColumn,
        ColumnCount
    };
    enum Role {
        MailIdRole = FirstModelRole, // QString: amavisd's mail_id
        FileRole,                    // QString: the quarantine file's name
        TypeRole,                    // QString: "spam", "virus", "banned", "bad_header"...
        RecipientsRole,              // QStringList
        FromRole,                    // QString: the From header, decoded
        AlertRole,                   // QString: X-Amavis-Alert (virus, banned)
    };

    /// quarantine.list's filters; empty members do not filter.
    struct Filter {
        QStringList types;              // "type": any of these
        QString sender;                 // "sender": part of the envelope sender or From
        QString recipient;              // "recipient"
        QString subject;                // "subject": part of the raw Subject
        std::optional<double> minScore; // "min_score"
        std::optional<qint64> since;    // "since": seconds since the epoch, inclusive
        std::optional<qint64> until;    // "until"

        QJsonObject toParams() const;
        friend bool operator==(const Filter&, const Filter&) = default;
    };

    static constexpr int kDefaultPageSize = 500;

    explicit QuarantineModel(AgentCaller* caller, QObject* parent = nullptr,
                             int pageSize = kDefaultPageSize);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    const Filter& filter() const { return filter_; }
    /// Sets the filter and starts over, unless it is unchanged.
    void setFilter(const Filter& filter);

    /// The quarantine file names of `rows` per host, each once: what quarantine.release
    /// and quarantine.delete take as {"files": [...]} (unambiguous, unlike mail_ids).
    QMap<QString, QStringList> filesByHost(const QList<int>& rows) const;
    QMap<QString, QStringList> filesByHost(const QModelIndexList& indexes) const;

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
        int host = 0;
        QString mailId;
        QString file;
        QString type;
        qint64 time = 0;
        QString sender;
        QStringList recipients;
        QString subject; // decoded
        QString from;    // decoded
        std::optional<double> score;
        qint64 size = 0;
        QString alert;
    };

    static Row rowFromJson(int host, const QJsonObject& item);
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;
    QVariant toolTip(const Row& row, int column) const;
    QString typeName(const QString& type) const;

    Filter filter_;
    std::deque<Row> rows_;
    QList<QSet<QString>> seen_; // per host: files already in rows_
};

} // namespace mailng::gui
