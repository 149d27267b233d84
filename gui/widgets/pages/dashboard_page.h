// The dashboard: is the mail system well? A card per host (HostCard over
// HostStatusModel: up or down with the reason, role, services, load, /var, queues,
// sessions) and Qt Charts of the queues over the last day from every agent's metrics
// history (metrics.history), and the mail flow at the relays: recipients their policy
// daemons checked per minute. Refreshed when shown, on F5 and every 30 s while shown.
#pragma once

#include <QHash>
#include <QTimer>

#include "agent_caller.h"
#include "fan_out_call.h"
#include "page.h"

class QGridLayout;
class QLineEdit;

namespace mailng::gui {

class HistoryChart;
class HostCard;
class HostStatusModel;
class RefreshTracker;

class DashboardPage : public Page {
    Q_OBJECT
public:
    /// `caller` must outlive the page.
    explicit DashboardPage(AgentCaller& caller, QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("dashboard"); }
    QString title() const override;
    void refresh() override;
    void focusSearch() override;

    /// How often the page refreshes itself while shown (0: never).
    void setPollInterval(int milliseconds);

    HostStatusModel* model() const { return model_; }
    HostCard* card(const QString& host) const { return cards_.value(host); }
    HistoryChart* queueChart() const { return queueChart_; }
    HistoryChart* deferredChart() const { return deferredChart_; }
    HistoryChart* flowChart() const { return flowChart_; }

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    QWidget* buildCards();
    void loadHistory();
    void showHistory(const HostReplies& replies);
    void filterCards(const QString& text);

    AgentCaller& caller_;
    HostStatusModel* model_;
    RefreshTracker* tracker_;
    QLineEdit* filter_;
    QGridLayout* grid_ = nullptr;
    QHash<QString, HostCard*> cards_;
    HistoryChart* queueChart_;
    HistoryChart* deferredChart_;
    HistoryChart* flowChart_;
    QTimer poll_;
};

} // namespace mailng::gui
