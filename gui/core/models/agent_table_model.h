// The common ground of the console's table models: each fills itself from the hosts'
// agents through an AgentCaller and never blocks. Replies come back on the model's
// thread with the model as the context object, so a model that is destroyed first
// simply gets none.
//
// Contract shared by every model:
// - refresh() asks the agents again; loadingChanged(true) while any call it made is
//   unanswered, loadingChanged(false) when the last one came back.
// - A host whose call fails does not stop the others: its error is kept (hostError())
//   and reported once per failure with errorOccurred(); the other hosts' rows are
//   filled as their answers arrive. A new answer from the host clears its error.
// - DisplayRole is text for people; SortRole the raw value of the cell (qint64 for
//   counts, sizes and times in seconds since the epoch, double for scores and loads,
//   QString for text, a null QVariant when the agent gave none); HostRole the host of
//   the row. Models add their own roles from FirstModelRole on.
// - hosts() are the caller's hosts in cluster-file order, unless setHosts() chose
//   some (the quarantine page asks only the relays, say).
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QStringList>

#include <functional>

#include "agent_caller.h"

namespace mailng::gui {

class AgentTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole,
        HostRole,
        FirstModelRole = Qt::UserRole + 16,
    };

    /// `caller` must outlive the model.
    explicit AgentTableModel(AgentCaller* caller, QObject* parent = nullptr);

    /// The hosts asked, in cluster-file order.
    QStringList hosts() const;
    /// Restricts the model to `hosts` (empty: all of the caller's) from the next refresh.
    void setHosts(const QStringList& hosts);

    /// True while a call of the current refresh is unanswered.
    bool isLoading() const;
    /// The error of the host's last call in plain words (the reply's errorMessage), or
    /// empty when it answered.
    QString hostError(const QString& host) const;
    /// The hosts with an error, in hosts() order.
    QStringList failedHosts() const;

    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// True when the reply says that the host cannot do this at all (no amavisd, no
    /// director): the agent's not_supported error. Models treat such a host as one with
    /// nothing to show, not as a failure.
    static bool isNotSupported(const RpcReply& reply);

public slots:
    virtual void refresh() = 0;

signals:
    void loadingChanged(bool loading);
    /// `host`'s call failed; `message` is the reply's errorMessage.
    void errorOccurred(const QString& host, const QString& message);

protected:
    using Handler = std::function<void(const RpcReply& reply)>;

    /// The column's heading, translated; only asked for sections in range.
    virtual QString columnTitle(int column) const = 0;
    /// A longer explanation of the column for its header tooltip; empty for none.
    virtual QString columnToolTip(int column) const;

    /// Calls `method` on `host`; `handler` runs with the reply unless invalidateCalls()
    /// came in between (the reply is stale then and dropped).
    void callAgent(const QString& host, const QString& method, const QJsonObject& params,
                   Handler handler);
    /// Like callAgent, but at most one call per host is in flight: a call asked for while
    /// one is unanswered is sent when it comes back (the latest such call wins). For
    /// polling (host status, director state) where a slow host must not pile up calls
    /// and a newer answer must never be overwritten by an older one.
    void callLatest(const QString& host, const QString& method, const QJsonObject& params,
                    Handler handler);
    /// Drops every unanswered call: their replies will be ignored.
    void invalidateCalls();

    /// Records `host`'s failure and emits errorOccurred. The message is the reply's
    /// errorMessage, or a generic one when the reply gave none.
    void setHostError(const QString& host, const RpcReply& reply);
    void setHostError(const QString& host, const QString& message);
    /// The words setHostError(host, reply) records.
    QString errorText(const RpcReply& reply) const;
    void clearHostError(const QString& host);
    void clearHostErrors();

private:
    struct QueuedCall {
        QString method;
        QJsonObject params;
        Handler handler;
    };

    void updateLoading();
    void sendQueued(const QString& host);

    AgentCaller* caller_;
    QStringList chosenHosts_;
    quint64 generation_ = 0;
    int pending_ = 0;
    bool loading_ = false;
    QHash<QString, QString> errors_;
    QSet<QString> latestInFlight_;
    QHash<QString, QueuedCall> latestQueued_;
};

} // namespace mailng::gui
