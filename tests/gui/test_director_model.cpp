// DirectorModel over a fake agent: rows per (director, back-end), updates in place,
// hosts without a director, failures, and polling that never piles up calls.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include "fake_agent_caller.h"
#include "models/director_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kRelay2 = QStringLiteral("relay2");
const QString kStore1 = QStringLiteral("store1");
const QString kStatus = QStringLiteral("director.status");
const QString kBackend1 = QStringLiteral("10.16.1.112");
const QString kBackend2 = QStringLiteral("10.16.1.113");

// director.status as the agent answers it (agent/director_methods.cpp).
QJsonValue status(qint64 weight2, qint64 users2) {
    return QJsonObject{
        {QStringLiteral("backends"),
         QJsonArray{
             QJsonObject{{QStringLiteral("address"), QStringLiteral("10.16.1.112")},
                         {QStringLiteral("tag"), QString()},
                         {QStringLiteral("weight"), 100},
                         {QStringLiteral("state"), QStringLiteral("up")},
                         {QStringLiteral("state_changed"), QStringLiteral("-")},
                         {QStringLiteral("users"), 1200}},
             QJsonObject{{QStringLiteral("address"), QStringLiteral("10.16.1.113")},
                         {QStringLiteral("tag"), QString()},
                         {QStringLiteral("weight"), weight2},
                         {QStringLiteral("state"), QStringLiteral("down")},
                         {QStringLiteral("state_changed"), QStringLiteral("2023-11-14 22:13:20")},
                         {QStringLiteral("users"), users2}}}},
        {QStringLiteral("users"), 1200 + users2}};
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class TestDirectorModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void rowsPerDirectorAndBackend() {
        FakeAgentCaller agent({kRelay1, kRelay2, kStore1});
        agent.answer(kRelay1, kStatus, status(100, 800));
        agent.answer(kRelay2, kStatus, status(100, 800));
        agent.fail(kStore1, kStatus, -32004,
                   QStringLiteral("not supported here: Dovecot director (none runs on this host)"));
        DirectorModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.directors(), (QStringList{kRelay1, kRelay2}));
        QCOMPARE(model.backends(), (QStringList{kBackend1, kBackend2}));
        QVERIFY(model.failedHosts().isEmpty());
        QCOMPARE(cell(model, 0, DirectorModel::DirectorColumn), kRelay1);
        QCOMPARE(cell(model, 2, DirectorModel::DirectorColumn), kRelay2);
        QCOMPARE(cell(model, 1, DirectorModel::BackendColumn), kBackend2);
        QCOMPARE(cell(model, 0, DirectorModel::UsersColumn), QStringLiteral("1,200"));
        QCOMPARE(cell(model, 0, DirectorModel::StateColumn), QStringLiteral("up"));
        QCOMPARE(cell(model, 1, DirectorModel::StateColumn), QStringLiteral("down"));
        QCOMPARE(cell(model, 0, DirectorModel::ChangedColumn), QString());
        QCOMPARE(cell(model, 1, DirectorModel::ChangedColumn),
                 QStringLiteral("2023-11-14 22:13:20"));
        QCOMPARE(model.data(model.index(0, DirectorModel::UsersColumn), DirectorModel::SortRole)
                     .toLongLong(),
                 1200);
        QCOMPARE(model.data(model.index(3, 0), DirectorModel::BackendRole).toString(), kBackend2);
        QCOMPARE(model.data(model.index(3, 0), DirectorModel::HostRole).toString(), kRelay2);
        QVERIFY(model.data(model.index(0, 0), DirectorModel::IsUpRole).toBool());
        QCOMPARE(model.weight(kRelay2, kBackend2), 100);
        QCOMPARE(model.users(kRelay1, kBackend2), 800);
        QCOMPARE(model.weight(kStore1, kBackend2), -1);
        QCOMPARE(model.headerData(DirectorModel::WeightColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Weight"));
        QCOMPARE(agent.callsOf(kStatus).first().params, QJsonObject());
    }

    void newWeightsUpdateRowsInPlace() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kStatus, status(100, 800));
        agent.answer(kRelay2, kStatus, status(100, 800));
        DirectorModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy updated(&model, &DirectorModel::directorUpdated);
        QPersistentModelIndex selected = model.index(3, 0);
        agent.answer(kRelay1, kStatus, status(0, 15)); // the wizard's first step: drain
        agent.answer(kRelay2, kStatus, status(0, 15));
        model.refresh();
        QVERIFY(agent.settle());

        QCOMPARE(removed.count(), 0);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(updated.count(), 2);
        QVERIFY(selected.isValid());
        QCOMPARE(selected.row(), 3);
        QCOMPARE(model.weight(kRelay1, kBackend2), 0);
        QCOMPARE(cell(model, 1, DirectorModel::WeightColumn), QStringLiteral("0 (drained)"));
        QCOMPARE(model.data(model.index(1, DirectorModel::WeightColumn), DirectorModel::SortRole)
                     .toLongLong(),
                 0);
        QCOMPARE(model.users(kRelay2, kBackend2), 15);
    }

    void changedBackendListReplacesTheDirectorsRows() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kStatus, status(100, 800));
        agent.answer(kRelay2, kStatus, status(100, 800));
        DirectorModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());

        agent.answer(kRelay1, kStatus, json(R"({"backends": [{"address": "10.16.1.114", "tag": "",
            "weight": 50, "state": "up", "state_changed": "-", "users": 3}], "users": 3})"));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(cell(model, 0, DirectorModel::BackendColumn), QStringLiteral("10.16.1.114"));
        QCOMPARE(cell(model, 1, DirectorModel::DirectorColumn), kRelay2);
    }

    void failingDirectorLosesItsRows() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kStatus, status(100, 800));
        agent.answer(kRelay2, kStatus, status(100, 800));
        DirectorModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &DirectorModel::errorOccurred);
        model.refresh();
        QVERIFY(agent.settle());

        agent.fail(kRelay1, kStatus, -32003,
                   QStringLiteral("doveadm director status failed: exit status 75"));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.directors(), QStringList{kRelay2});
        QCOMPARE(model.hostError(kRelay1),
                 QStringLiteral("doveadm director status failed: exit status 75"));
        QCOMPARE(errors.count(), 1);

        agent.answer(kRelay1, kStatus, status(100, 800)); // back: in its place, before relay2
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.directors(), (QStringList{kRelay1, kRelay2}));
        QVERIFY(model.hostError(kRelay1).isEmpty());
    }

    void pollingNeverPilesUpCalls() {
        FakeAgentCaller agent({kRelay1});
        int answered = 0;
        agent.answer(kRelay1, kStatus, [&answered](const QJsonObject&) {
            ++answered;
            return okReply(status(100 - answered, 800));
        });
        DirectorModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);
        model.refresh();
        model.refresh();
        model.refresh();
        QCOMPARE(agent.countOf(kStatus), 1); // the others wait for the answer
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(agent.countOf(kStatus), 2);            // one more, sent after the answer
        QCOMPARE(model.weight(kRelay1, kBackend2), 98); // the newer answer is the one shown
        QVERIFY(!model.isLoading());
    }
};

QTEST_GUILESS_MAIN(TestDirectorModel)
#include "test_director_model.moc"
