// The dashboard over a fake agent: a card per host filled from host.status (up with its
// figures, or down with the reason while the others refresh), the queue charts from
// metrics.history, the host filter, and refreshFinished once every answer is in.
#include <QJsonArray>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "pages/dashboard_page.h"
#include "pages/history_chart.h"
#include "pages/host_card.h"
#include "pages/metrics_series.h"
#include "models/host_status_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kGorgo = QStringLiteral("gorgo");

const char* const kTheanoStatus = R"json({
  "host": "theano", "role": "relay", "time": 1700000000, "unavailable": {},
  "services": [
    {"name": "postfix", "state": "running", "pid": 812, "source": "pid_file"},
    {"name": "amavisd", "state": "stopped", "pid": null, "source": "pid_file", "detail": "no process"},
    {"name": "mailng-policyd", "state": "running", "pid": 977, "source": "pid_file",
     "stats": {"version": 1, "unix_time": 1699999998, "age_s": 2, "requests": 1204,
               "answers": {"dunno": 1167, "reject_unknown": 30, "reject_disabled": 2,
                           "reject_over_quota": 5, "failure_action": 0, "stale": 0},
               "cache": {"hits": 800, "misses": 404, "entries": 310, "max_entries": 100000},
               "bridges": [{"bridge": "127.0.1.21:10041", "answers": 404, "failures": 0,
                            "try_again": 0, "open": false}]}}],
  "load": [0.52, 0.4, 0.31], "uptime_s": 273600,
  "filesystems": [{"name": "var", "path": "/var", "total_bytes": 100, "used_bytes": 42,
                   "available_bytes": 58, "used_percent": 42.0}],
  "queues": {"maildrop": 0, "incoming": 0, "active": 1, "deferred": 12, "hold": 3, "corrupt": 0},
  "sessions": {"imap": 4, "pop3": 1}})json";

const char* const kHistory = R"json({
  "columns": ["time", "queue_maildrop", "queue_incoming", "queue_active", "queue_deferred", "queue_hold"],
  "rows": [[1700000000, 0, 0, 1, 10, 3], [1700000300, 0, null, 2, 12, 3], [1700000600, null, null, null, null, null]],
  "matched": 3})json";

} // namespace

class TestDashboardPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void summedSeriesAddsTheQueuesAndSkipsEmptyRows() {
        QList<QPointF> points = summedSeries(json(kHistory).toObject(), queuedMetrics());
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[0], QPointF(1700000000000.0, 14));
        QCOMPARE(points[1], QPointF(1700000300000.0, 17));
        QList<QPointF> deferred =
            summedSeries(json(kHistory).toObject(), {QStringLiteral("queue_deferred")});
        QCOMPARE(deferred[1].y(), 12.0);
        QVERIFY(summedSeries(QJsonObject{}, queuedMetrics()).isEmpty());
    }

    void flowIsTheCountersIncreasePerMinuteAndSkipsRestarts() {
        const QJsonObject history = json(R"json({
          "columns": ["time", "policy_requests"],
          "rows": [[1700000000, 100], [1700000300, 160], [1700000400, null],
                   [1700000600, 10], [1700000900, 40]]})json").toObject();
        QList<QPointF> rates = ratePerMinuteSeries(history, QStringLiteral("policy_requests"));
        QCOMPARE(rates.size(), 2); // 160 -> 10: policyd restarted, no point
        QCOMPARE(rates[0], QPointF(1700000300000.0, 12));
        QCOMPARE(rates[1], QPointF(1700000900000.0, 6));
        QVERIFY(ratePerMinuteSeries(history, QStringLiteral("queue_hold")).isEmpty());
    }

    void cardsAndCharts() {
        FakeAgentCaller agent({kTheano, kGorgo});
        agent.answer(kTheano, QStringLiteral("host.status"), json(kTheanoStatus));
        agent.fail(kGorgo, QStringLiteral("host.status"), RpcReply::kNotConnected,
                   QStringLiteral("gorgo is not connected: connection refused"));
        agent.answer(kTheano, QStringLiteral("metrics.history"), json(kHistory));
        agent.fail(kGorgo, QStringLiteral("metrics.history"), RpcReply::kNotConnected,
                   QStringLiteral("gorgo is not connected: connection refused"));
        DashboardPage page(agent);
        page.setPollInterval(0);
        QSignalSpy finished(&page, &Page::refreshFinished);
        page.refresh();
        QVERIFY(finished.wait());
        QCOMPARE(finished.count(), 1);

        QString theano = page.card(kTheano)->text();
        QVERIFY2(theano.contains(QStringLiteral("up")), qPrintable(theano));
        QVERIFY(theano.contains(QStringLiteral("42"))); // /var
        QVERIFY(theano.contains(QStringLiteral("12"))); // deferred
        QVERIFY2(theano.contains(QStringLiteral("1,204 checked, 37 rejected")), qPrintable(theano));
        QString policyTip = page.model()->data(page.model()->index(page.model()->rowOf(kTheano),
                                                                   HostStatusModel::PolicyColumn),
                                               Qt::ToolTipRole)
                                .toString();
        QVERIFY2(policyTip.contains(QStringLiteral("unknown 30, disabled 2, over quota 5")) &&
                     policyTip.contains(QStringLiteral("bridge 127.0.1.21:10041: 404 answers")),
                 qPrintable(policyTip));
        QString gorgo = page.card(kGorgo)->text();
        QVERIFY2(gorgo.contains(QStringLiteral("connection refused")), qPrintable(gorgo));

        QCOMPARE(page.queueChart()->seriesCount(), 1);
        QCOMPARE(page.deferredChart()->seriesCount(), 1);
        QCOMPARE(page.queueChart()->note(), QStringLiteral("No history from gorgo."));
    }

    void hostFilterHidesOtherCards() {
        FakeAgentCaller agent({kTheano, kGorgo});
        DashboardPage page(agent);
        page.setPollInterval(0);
        page.show();
        page.focusSearch();
        auto* filter = page.findChild<QLineEdit*>();
        filter->setText(QStringLiteral("gor"));
        QVERIFY(!page.card(kTheano)->isVisible());
        QVERIFY(page.card(kGorgo)->isVisible());
    }
};

QTEST_MAIN(TestDashboardPage)
#include "test_dashboard_page.moc"
