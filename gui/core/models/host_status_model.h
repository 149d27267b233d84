// One row per host with how it is: the dashboard's model. refresh() calls host.status
// on every host (agent/host_status.h gives the result's layout); each answer updates its
// row alone (dataChanged) and hostUpdated(host).
//
// A host whose call fails shows as down, with the reply's errorMessage as the reason
// ("connection refused", "host key changed ...", a timeout), while the others refresh;
// its figures are cleared rather than shown stale. A host not heard from yet is
// "waiting". A part of the status the agent could not read (no Postfix: queues; no
// Dovecot: sessions) is an empty cell whose tooltip gives the agent's reason.
// The policy column shows the counters of a policy daemon on the host (a service
// entry with "stats": mailng-policyd's stats file): recipients checked and rejected,
// the reasons, cache and bridges in the tooltip; empty on hosts without one.
//
// Polling is safe: at most one host.status per host is in flight, and a refresh while
// one is unanswered is sent when it comes back, so a slow host never piles up calls
// and an older answer never overwrites a newer one.
#pragma once

#include <QJsonObject>
#include <QList>

#include "agent_table_model.h"

namespace mailng::gui {

class HostStatusModel : public AgentTableModel {
    Q_OBJECT
public:
    enum class HostState { Waiting, Up, Down };
    Q_ENUM(HostState)

    enum Column {
        HostColumn,
        StateColumn,
        RoleColumn,
        ServicesColumn,
        LoadColumn,
        VarColumn,
        QueuesColumn,
        SessionsColumn,
        PolicyColumn,
        UptimeColumn,
        ColumnCount
    };
    enum Role {
        StateRole = FirstModelRole, // HostState as int
        ReasonRole,                 // QString: why the host is down; empty otherwise
        StatusRole,                 // QJsonObject: the whole host.status result
        StoppedServicesRole,        // QStringList: services whose state is "stopped"
    };

    explicit HostStatusModel(AgentCaller* caller, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    HostState state(const QString& host) const;
    /// Why `host` is down (the reply's errorMessage); empty when it is not.
    QString reason(const QString& host) const;
    /// The host's last host.status result; empty when down or waiting.
    QJsonObject status(const QString& host) const;
    /// The row of `host`, or -1.
    int rowOf(const QString& host) const;

public slots:
    void refresh() override;

signals:
    /// `host`'s row changed: a new status, or it went down.
    void hostUpdated(const QString& host);

protected:
    QString columnTitle(int column) const override;

private:
    struct Row {
        QString host;
        HostState state = HostState::Waiting;
        QString reason;
        QJsonObject status;
    };

    void syncRows(const QStringList& hosts);
    void replied(const QString& host, const RpcReply& reply);
    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;
    QVariant toolTip(const Row& row, int column) const;
    QString stateText(const Row& row) const;
    QString sessionsText(const QJsonObject& status) const;
    QString policyText(const QJsonObject& status) const;
    QString policyToolTip(const QJsonObject& status) const;

    QList<Row> rows_;
};

} // namespace mailng::gui
