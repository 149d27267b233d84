// The Dovecot directors' view of the back-ends: one row per (director host, back-end)
// from director.status ({"backends": [{"address", "tag", "weight", "state",
// "state_changed", "users"}], "users": N}). The director page and its maintenance
// wizard read weights and user counts from here.
//
// Rows are grouped by director in hosts() order, each director's back-ends in the
// agent's order. refresh() asks every host; hosts without a director (back-ends, the
// agent's not_supported) have no rows and no error. A director's answer replaces its
// rows: in place (dataChanged, so a selection survives) when its back-ends are the same
// as before, else by removing and inserting. A director whose call fails loses its rows
// (a stale weight would mislead the wizard) and keeps its error.
//
// Polling is safe: at most one call per host is in flight; a refresh while one is
// unanswered is sent when it comes back, so a newer state is never overwritten by an
// older one.
#pragma once

#include <QList>

#include "agent_table_model.h"

namespace mailng::gui {

class DirectorModel : public AgentTableModel {
    Q_OBJECT
public:
    enum Column {
        DirectorColumn,
        BackendColumn,
        WeightColumn,
        StateColumn,
        UsersColumn,
        ChangedColumn,
        TagColumn,
        ColumnCount
    };
    enum Role {
        BackendRole = FirstModelRole, // QString: the back-end's address
        IsUpRole,                     // bool: state "up"
    };

    explicit DirectorModel(AgentCaller* caller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    /// The hosts that answered as directors, in hosts() order.
    QStringList directors() const;
    /// Every back-end address any director knows, in order of first appearance.
    QStringList backends() const;
    /// The weight `director` gives `backend`, or -1 when unknown.
    qint64 weight(const QString& director, const QString& backend) const;
    /// The users `director` counts on `backend`, or -1 when unknown.
    qint64 users(const QString& director, const QString& backend) const;
    /// The row of (director, backend), or -1.
    int rowOf(const QString& director, const QString& backend) const;

public slots:
    void refresh() override;

signals:
    /// `director`'s rows were replaced by its latest answer (or removed).
    void directorUpdated(const QString& director);

protected:
    QString columnTitle(int column) const override;

private:
    struct Row {
        QString director;
        QString address;
        QString tag;
        qint64 weight = 0;
        QString state;
        QString stateChanged;
        qint64 users = 0;
    };

    void replied(const QString& host, const RpcReply& reply);
    void replaceRows(const QString& host, const QList<Row>& fresh);
    QList<Row> rowsFromJson(const QString& host, const QJsonObject& result) const;
    /// Where `host`'s rows are (first, count), or where they would go (count 0).
    std::pair<int, int> blockOf(const QString& host) const;
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;

    QStringList askedHosts_;
    QList<Row> rows_;
};

} // namespace mailng::gui
