// The maintenance wizard's window over a fake cluster: Start runs the way out to the
// drained state with the steps marked, Stop halts a running step, Bring back restores
// the weights, and Close is refused while a step runs.
#include <QListWidget>
#include <QPushButton>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "pages/backend_maintenance_dialog.h"

using namespace mailng::gui;
using namespace mailng::gui::test;
using Step = BackendDrain::Step;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kElysso = QStringLiteral("elysso");
const QString kGorgo = QStringLiteral("gorgo");
const QString kBackend = QStringLiteral("192.0.2.113");

/// Two directors that remember a weight for the back-end; gorgo with `sessions`.
struct Cluster {
    FakeAgentCaller agent{{kTheano, kElysso, kGorgo}};
    QMap<QString, int> weights{{kTheano, 100}, {kElysso, 100}};
    int sessions = 0;

    Cluster() {
        for (const QString& director : {kTheano, kElysso}) {
            agent.answer(
                director, QStringLiteral("director.status"), [this, director](const QJsonObject&) {
                    QJsonObject backend{{QStringLiteral("address"), kBackend},
                                        {QStringLiteral("weight"), weights[director]},
                                        {QStringLiteral("users"), 3}};
                    return okReply(QJsonObject{{QStringLiteral("backends"), QJsonArray{backend}}});
                });
            agent.answer(director, QStringLiteral("director.set_weight"),
                         [this, director](const QJsonObject& params) {
                             int previous = weights[director];
                             weights[director] = params.value(QStringLiteral("weight")).toInt();
                             return okReply(
                                 QJsonObject{{QStringLiteral("affected"), 1},
                                             {QStringLiteral("previous_weight"), previous},
                                             {QStringLiteral("weight"), weights[director]}});
                         });
            agent.answer(director, QStringLiteral("director.flush"), json(R"({"affected": 3})"));
        }
        agent.answer(kGorgo, QStringLiteral("director.kick"),
                     json(R"({"affected": 2, "scope": "host"})"));
        agent.answer(kGorgo, QStringLiteral("host.status"), [this](const QJsonObject&) {
            return okReply(QJsonObject{
                {QStringLiteral("sessions"),
                 QJsonObject{{QStringLiteral("imap"), sessions}, {QStringLiteral("pop3"), 0}}}});
        });
    }
};

QString stepText(BackendMaintenanceDialog& dialog, int row) {
    return dialog.findChild<QListWidget*>()->item(row)->text();
}

} // namespace

class TestBackendMaintenanceDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void wayOutAndBack() {
        Cluster cluster;
        BackendMaintenanceDialog dialog(cluster.agent, kBackend, kGorgo, cluster.agent.hosts(),
                                        {kTheano, kElysso});
        dialog.setPollInterval(1);
        QVERIFY(dialog.startButton()->isEnabled());
        QVERIFY(!dialog.stopButton()->isEnabled());
        QVERIFY(!dialog.bringBackButton()->isEnabled());
        dialog.startButton()->click();
        QTRY_COMPARE(dialog.drain()->step(), Step::Drained);
        QVERIFY(stepText(dialog, 0).startsWith(QStringLiteral("✔")));
        QVERIFY(stepText(dialog, 5).startsWith(QStringLiteral("✔"))); // drained
        QVERIFY(stepText(dialog, 6).startsWith(QStringLiteral("○"))); // restore: not yet
        QCOMPARE(cluster.weights[kTheano], 0);
        QVERIFY(dialog.bringBackButton()->isEnabled());
        QVERIFY(!dialog.startButton()->isEnabled());
        QVERIFY(dialog.logText().contains(QStringLiteral("theano: weight set to 0")));
        dialog.bringBackButton()->click();
        QTRY_COMPARE(dialog.drain()->step(), Step::Done);
        QCOMPARE(cluster.weights[kTheano], 100);
        QCOMPARE(cluster.weights[kElysso], 100);
        QVERIFY(stepText(dialog, 8).startsWith(QStringLiteral("✔")));
        QVERIFY(dialog.logText().contains(QStringLiteral("gorgo is back in service.")));
    }

    void stopWhileSessionsRemainAndCloseIsRefusedWhileRunning() {
        Cluster cluster;
        cluster.sessions = 5; // never drains
        BackendMaintenanceDialog dialog(cluster.agent, kBackend, kGorgo, cluster.agent.hosts(),
                                        {kTheano, kElysso});
        dialog.setPollInterval(5);
        dialog.show();
        dialog.startButton()->click();
        QTRY_COMPARE(dialog.drain()->step(), Step::WaitSessions);
        QVERIFY(dialog.stopButton()->isEnabled());
        dialog.reject(); // Escape / Close while running
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.logText().contains(QStringLiteral("stop it before closing")));
        dialog.stopButton()->click();
        QCOMPARE(dialog.drain()->step(), Step::Stopped);
        QVERIFY(stepText(dialog, 4).startsWith(QStringLiteral("■")));
        QVERIFY(dialog.bringBackButton()->isEnabled());
        dialog.bringBackButton()->click();
        QTRY_COMPARE(dialog.drain()->step(), Step::Done);
        QCOMPARE(cluster.weights[kElysso], 100);
    }

    void aFailureIsMarkedAndExplained() {
        Cluster cluster;
        cluster.agent.fail(kGorgo, QStringLiteral("director.kick"), -32000,
                           QStringLiteral("doveadm kick failed: Permission denied"));
        BackendMaintenanceDialog dialog(cluster.agent, kBackend, kGorgo, cluster.agent.hosts(),
                                        {kTheano, kElysso});
        dialog.startButton()->click();
        QTRY_COMPARE(dialog.drain()->step(), Step::Failed);
        QVERIFY(stepText(dialog, 3).startsWith(QStringLiteral("✖")));
        QVERIFY(dialog.logText().contains(
            QStringLiteral("gorgo: doveadm kick failed: Permission denied")));
        QVERIFY(dialog.bringBackButton()->isEnabled()); // the weights were changed
    }

    void theBackEndHostIsChosenAmongNonDirectors() {
        Cluster cluster;
        BackendMaintenanceDialog dialog(cluster.agent, kBackend, QString(), cluster.agent.hosts(),
                                        {kTheano, kElysso});
        dialog.startButton()->click();
        QTRY_VERIFY(cluster.agent.countOf(QStringLiteral("director.kick"), kGorgo) == 1);
    }
};

QTEST_MAIN(TestBackendMaintenanceDialog)
#include "test_backend_maintenance_dialog.moc"
