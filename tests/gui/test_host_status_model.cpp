// HostStatusModel over a fake agent: one row per host, a failing host shown as down
// with the reason while the others refresh, parts the agent could not read, polling.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include "fake_agent_caller.h"
#include "models/host_status_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kStore1 = QStringLiteral("store1");
const QString kLdap = QStringLiteral("ldap");
const QString kStatus = QStringLiteral("host.status");

// host.status as the agent answers it (agent/host_status.h).
const char* const kRelayStatus = R"json({
  "host": "relay1", "role": "relay", "time": 1700000000,
  "unavailable": {},
  "services": [
    {"name": "postfix", "state": "running", "pid": 812, "source": "pid_file"},
    {"name": "amavisd", "state": "stopped", "pid": null, "source": "pid_file",
     "detail": "no process 4242 (stale pid file /run/amavis/amavisd.pid)"},
    {"name": "clamd", "state": "stopped", "pid": null, "source": "process",
     "detail": "no process named clamd"},
    {"name": "dovecot", "state": "running", "pid": 900, "source": "pid_file"}],
  "load": [0.52, 0.4, 0.31], "uptime_s": 273600,
  "filesystems": [
    {"name": "mail", "path": "/var/mail", "total_bytes": 21474836480, "used_bytes": 9019431321,
     "available_bytes": 12455405159, "used_percent": 42.0},
    {"name": "var", "path": "/var", "total_bytes": 21474836480, "used_bytes": 9019431321,
     "available_bytes": 12455405159, "used_percent": 42.0}],
  "queues": {"maildrop": 0, "incoming": 0, "active": 1, "deferred": 12, "hold": 3, "corrupt": 0},
  "sessions": {"imap": 4, "pop3": 1, "proxied": 3}})json";

const char* const kLdapStatus = R"json({
  "host": "ldap", "role": "directory", "time": 1700000000,
  "unavailable": {"queues": "not supported here: Postfix (no postconf)",
                  "sessions": "no Dovecot on this host (no /usr/bin/doveadm)"},
  "services": [{"name": "slapd", "state": "running", "pid": 77, "source": "pid_file"}],
  "load": [0.01, 0.02, 0.0], "uptime_s": 59,
  "filesystems": [
    {"name": "mail", "path": "/var/mail", "error": "statvfs /var/mail: No such file or directory"},
    {"name": "var", "path": "/var", "error": "statvfs /var: Permission denied"}],
  "queues": null, "sessions": null})json";

QString cell(const HostStatusModel& model, const QString& host, int column,
             int role = Qt::DisplayRole) {
    return model.data(model.index(model.rowOf(host), column), role).toString();
}

} // namespace

class TestHostStatusModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void oneRowPerHostWithItsState() {
        FakeAgentCaller agent({kRelay1, kStore1, kLdap});
        agent.answer(kRelay1, kStatus, json(kRelayStatus));
        agent.answer(kLdap, kStatus, json(kLdapStatus));
        agent.fail(kStore1, kStatus, RpcReply::kNotConnected,
                   QStringLiteral("store1: connection refused (port 22)"));
        HostStatusModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &HostStatusModel::errorOccurred);

        model.refresh();
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.state(kRelay1), HostStatusModel::HostState::Waiting);
        QCOMPARE(cell(model, kRelay1, HostStatusModel::StateColumn), QStringLiteral("waiting"));
        QVERIFY(agent.settle());

        QCOMPARE(model.state(kRelay1), HostStatusModel::HostState::Up);
        QCOMPARE(model.state(kStore1), HostStatusModel::HostState::Down);
        QCOMPARE(model.reason(kStore1), QStringLiteral("store1: connection refused (port 22)"));
        QCOMPARE(cell(model, kStore1, HostStatusModel::StateColumn),
                 QStringLiteral("down: store1: connection refused (port 22)"));
        QCOMPARE(cell(model, kStore1, HostStatusModel::LoadColumn), QString());
        QCOMPARE(errors.count(), 1);
        QCOMPARE(model.failedHosts(), QStringList{kStore1});

        QCOMPARE(cell(model, kRelay1, HostStatusModel::StateColumn), QStringLiteral("up"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::RoleColumn), QStringLiteral("relay"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::ServicesColumn),
                 QStringLiteral("2 of 4 stopped: amavisd, clamd"));
        QVERIFY(cell(model, kRelay1, HostStatusModel::ServicesColumn, Qt::ToolTipRole)
                    .contains(QStringLiteral("amavisd: stopped (no process 4242")));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::LoadColumn),
                 QStringLiteral("0.52 0.40 0.31"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::VarColumn), QStringLiteral("42.0 %"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::VarColumn, Qt::ToolTipRole),
                 QStringLiteral("8.4 GB of 20 GB used, 12 GB free (/var)"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::QueuesColumn),
                 QStringLiteral("16 (active 1, deferred 12, hold 3)"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::SessionsColumn),
                 QStringLiteral("5 (IMAP 4, POP3 1), 3 proxied"));
        QCOMPARE(cell(model, kRelay1, HostStatusModel::UptimeColumn), QStringLiteral("3 d 4 h"));

        auto sortValue = [&](const QString& host, int column) {
            return model.data(model.index(model.rowOf(host), column), HostStatusModel::SortRole);
        };
        QCOMPARE(sortValue(kRelay1, HostStatusModel::QueuesColumn).toLongLong(), 16);
        QCOMPARE(sortValue(kRelay1, HostStatusModel::LoadColumn).toDouble(), 0.52);
        QCOMPARE(sortValue(kRelay1, HostStatusModel::ServicesColumn).toLongLong(), 2);
        QCOMPARE(sortValue(kRelay1, HostStatusModel::UptimeColumn).toLongLong(), 273600);
        QCOMPARE(sortValue(kRelay1, HostStatusModel::SessionsColumn).toLongLong(), 5);
        QVERIFY(!sortValue(kLdap, HostStatusModel::QueuesColumn).isValid());
        QCOMPARE(model.data(model.index(0, 0), HostStatusModel::StoppedServicesRole).toStringList(),
                 (QStringList{QStringLiteral("amavisd"), QStringLiteral("clamd")}));
        QCOMPARE(model.status(kRelay1).value(QStringLiteral("role")).toString(),
                 QStringLiteral("relay"));
        QCOMPARE(model.data(model.index(0, 0), HostStatusModel::StatusRole).toJsonObject(),
                 model.status(kRelay1));

        // What the agent could not read is empty, with its reason as the tooltip.
        QCOMPARE(cell(model, kLdap, HostStatusModel::ServicesColumn),
                 QStringLiteral("all 1 running"));
        QCOMPARE(cell(model, kLdap, HostStatusModel::QueuesColumn), QString());
        QCOMPARE(cell(model, kLdap, HostStatusModel::QueuesColumn, Qt::ToolTipRole),
                 QStringLiteral("not supported here: Postfix (no postconf)"));
        QCOMPARE(cell(model, kLdap, HostStatusModel::VarColumn), QStringLiteral("unreadable"));
        QCOMPARE(cell(model, kLdap, HostStatusModel::VarColumn, Qt::ToolTipRole),
                 QStringLiteral("statvfs /var: Permission denied"));
        QCOMPARE(cell(model, kLdap, HostStatusModel::UptimeColumn), QStringLiteral("59 s"));
        QCOMPARE(model.headerData(HostStatusModel::VarColumn, Qt::Horizontal).toString(),
                 QStringLiteral("/var"));
    }

    void downHostRecoversWhileOthersRefresh() {
        FakeAgentCaller agent({kRelay1, kStore1});
        agent.answer(kRelay1, kStatus, json(kRelayStatus));
        agent.fail(kStore1, kStatus, RpcReply::kTimedOut,
                   QStringLiteral("store1 did not answer within 60 s"));
        HostStatusModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy updated(&model, &HostStatusModel::hostUpdated);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.state(kStore1), HostStatusModel::HostState::Down);

        agent.answer(kStore1, kStatus, json(kLdapStatus));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.state(kStore1), HostStatusModel::HostState::Up);
        QVERIFY(model.reason(kStore1).isEmpty());
        QVERIFY(model.failedHosts().isEmpty());
        QCOMPARE(updated.count(), 4);
        QCOMPARE(resets.count(), 1); // rows are updated, not rebuilt, on refresh

        // Going down clears the figures: no stale load is shown for a host that is down.
        agent.fail(kRelay1, kStatus, RpcReply::kNotConnected, QStringLiteral("host key changed"));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.state(kRelay1), HostStatusModel::HostState::Down);
        QVERIFY(model.status(kRelay1).isEmpty());
        QCOMPARE(model.state(kStore1), HostStatusModel::HostState::Up);
    }

    void clusterChangeKeepsKnownHosts() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kStatus, json(kRelayStatus));
        agent.answer(kLdap, kStatus, json(kLdapStatus));
        HostStatusModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());

        agent.setHolding(true);
        agent.setHosts({kLdap, kRelay1});
        model.refresh();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.rowOf(kLdap), 0);
        QCOMPARE(model.state(kRelay1), HostStatusModel::HostState::Up); // known until it answers
        QCOMPARE(model.state(kLdap), HostStatusModel::HostState::Waiting);
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(model.state(kLdap), HostStatusModel::HostState::Up);
    }

    void slowHostDoesNotPileUpCalls() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kStatus, json(kRelayStatus));
        HostStatusModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loading(&model, &HostStatusModel::loadingChanged);
        agent.setHolding(true);
        for (int i = 0; i < 5; ++i)
            model.refresh();
        QCOMPARE(agent.countOf(kStatus), 1);
        QVERIFY(model.isLoading());
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(agent.countOf(kStatus), 2);
        QVERIFY(!model.isLoading());
        QCOMPARE(loading.count(), 2);
    }
};

QTEST_GUILESS_MAIN(TestHostStatusModel)
#include "test_host_status_model.moc"
