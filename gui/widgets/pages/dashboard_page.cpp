#include "dashboard_page.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "fan_out_call.h"
#include "models/host_status_model.h"
#include "pages/history_chart.h"
#include "pages/host_card.h"
#include "pages/metrics_series.h"
#include "refresh_tracker.h"
#include "reply_text.h"

namespace mailng::gui {
namespace {

constexpr int kCardColumns = 3;
constexpr int kHistoryPoints = 300;

} // namespace

DashboardPage::DashboardPage(AgentCaller& caller, QWidget* parent)
    : Page(parent), caller_(caller), model_(new HostStatusModel(&caller, this)),
      tracker_(new RefreshTracker(this)), filter_(new QLineEdit(this)),
      queueChart_(new HistoryChart(tr("Queued messages, last 24 hours"), this)),
      deferredChart_(new HistoryChart(tr("Deferred messages, last 24 hours"), this)),
      flowChart_(new HistoryChart(tr("Recipients checked per minute (relays' policy daemons)"),
                                  this)) {
    tracker_->watch(model_);
    connect(tracker_, &RefreshTracker::finished, this, &Page::refreshFinished);
    filter_->setPlaceholderText(tr("Find a host"));
    filter_->setClearButtonEnabled(true);
    connect(filter_, &QLineEdit::textChanged, this, &DashboardPage::filterCards);
    auto* charts = new QWidget(this);
    auto* chartRow = new QHBoxLayout(charts);
    chartRow->setContentsMargins(0, 0, 0, 0);
    chartRow->addWidget(queueChart_);
    chartRow->addWidget(deferredChart_);
    chartRow->addWidget(flowChart_);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(buildCards());
    splitter->addWidget(charts);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(filter_);
    layout->addWidget(splitter);
    connect(model_, &HostStatusModel::hostUpdated, this, [this](const QString& host) {
        if (HostCard* card = cards_.value(host))
            card->update(*model_);
    });
    poll_.setInterval(30000);
    connect(&poll_, &QTimer::timeout, this, &DashboardPage::refresh);
}

QString DashboardPage::title() const {
    return tr("Dashboard");
}

QWidget* DashboardPage::buildCards() {
    auto* area = new QScrollArea(this);
    auto* inner = new QWidget(area);
    grid_ = new QGridLayout(inner);
    const QStringList hosts = caller_.hosts();
    for (int i = 0; i < hosts.size(); ++i) {
        auto* card = new HostCard(hosts[i], inner);
        cards_.insert(hosts[i], card);
        grid_->addWidget(card, i / kCardColumns, i % kCardColumns);
    }
    grid_->setRowStretch(int(hosts.size() + kCardColumns - 1) / kCardColumns, 1);
    area->setWidget(inner);
    area->setWidgetResizable(true);
    return area;
}

void DashboardPage::refresh() {
    model_->refresh();
    loadHistory();
    tracker_->begin();
}

void DashboardPage::focusSearch() {
    filter_->setFocus(Qt::ShortcutFocusReason);
    filter_->selectAll();
}

void DashboardPage::setPollInterval(int milliseconds) {
    poll_.setInterval(milliseconds);
    if (milliseconds <= 0)
        poll_.stop();
}

void DashboardPage::loadHistory() {
    QStringList metrics = queuedMetrics() << QStringLiteral("policy_requests");
    QJsonObject params{{QStringLiteral("metrics"), QJsonArray::fromStringList(metrics)},
                       {QStringLiteral("max_points"), kHistoryPoints}};
    tracker_->addPending();
    callEach(caller_, caller_.hosts(), QStringLiteral("metrics.history"), params, this,
             [this](const HostReplies& replies) {
                 showHistory(replies);
                 tracker_->donePending();
             });
}

void DashboardPage::showHistory(const HostReplies& replies) {
    QMap<QString, QList<QPointF>> queued;
    QMap<QString, QList<QPointF>> deferred;
    QMap<QString, QList<QPointF>> flow;
    QStringList missing;
    QStringList why;
    for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
        if (!it->ok) {
            missing << it.key();
            why << ReplyText::hostError(it.key(), *it);
            continue;
        }
        QJsonObject history = it->result.toObject();
        queued.insert(it.key(), summedSeries(history, queuedMetrics()));
        deferred.insert(it.key(), summedSeries(history, {QStringLiteral("queue_deferred")}));
        flow.insert(it.key(), ratePerMinuteSeries(history, QStringLiteral("policy_requests")));
    }
    QString note = missing.isEmpty()
                       ? QString()
                       : tr("No history from %1.").arg(missing.join(QStringLiteral(", ")));
    QString details = why.join(QLatin1Char('\n'));
    queueChart_->setSeries(queued, note, details);
    deferredChart_->setSeries(deferred, note, details);
    flowChart_->setSeries(flow, note, details);
}

void DashboardPage::filterCards(const QString& text) {
    for (HostCard* card : std::as_const(cards_))
        card->setVisible(text.isEmpty() || card->text().contains(text, Qt::CaseInsensitive));
}

void DashboardPage::showEvent(QShowEvent* event) {
    Page::showEvent(event);
    if (poll_.interval() > 0)
        poll_.start();
}

void DashboardPage::hideEvent(QHideEvent* event) {
    Page::hideEvent(event);
    poll_.stop();
}

} // namespace mailng::gui
