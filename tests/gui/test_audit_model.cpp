// AuditModel over a fake agent: all hosts' audit logs merged newest first, paged only
// as far as the merge needs, duplicates from a growing log, failures, stale replies.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include <ctime>

#include "fake_agent_caller.h"
#include "models/audit_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kRelay2 = QStringLiteral("relay2");
const QString kList = QStringLiteral("audit.list");

// audit.list as the agent answers it: {"total", "items"}, newest first (agent/audit_log.h).
const char* const kRelay1Log = R"({"total": 3, "items": [
  {"id": 3, "time": 1700000100, "host": "relay1", "user": "alice", "method": "queue.delete",
   "params": {"queue_ids": ["4Sx1bT0nNfz9vKp", "9A2C31F0E4"]}, "outcome": "ok", "affected": 2,
   "error": ""},
  {"id": 2, "time": 1700000080, "host": "relay1", "user": "bob", "method": "queue.hold",
   "params": {"all": true}, "outcome": "denied", "affected": null,
   "error": "queue.hold needs the operator role"},
  {"id": 1, "time": 1700000060, "host": "relay1", "user": "alice", "method": "quarantine.release",
   "params": {"files": ["spam-Xy3kP0aB9cDe.gz"]}, "outcome": "started", "affected": null,
   "error": ""}]})";

const char* const kRelay2Log = R"({"total": 2, "items": [
  {"id": 7, "time": 1700000090, "host": "relay2", "user": "alice", "method": "director.set_weight",
   "params": {"backend": "10.16.1.113", "weight": 0}, "outcome": "ok", "affected": 1, "error": ""},
  {"id": 6, "time": 1700000070, "host": "relay2", "user": "alice", "method": "queue.flush",
   "params": {}, "outcome": "error", "affected": null,
   "error": "postqueue failed: exit status 69"}]})";

/// A log of `total` entries, the i-th (newest first) at `newest - i` with id total - i.
FakeAgentCaller::Answer generatedLog(const QString& host, qint64 total, qint64 newest) {
    return pagedList(total, [=](qint64 i) {
        return QJsonObject{{QStringLiteral("id"), total - i},
                           {QStringLiteral("time"), newest - i},
                           {QStringLiteral("host"), host},
                           {QStringLiteral("user"), QStringLiteral("alice")},
                           {QStringLiteral("method"), QStringLiteral("queue.hold")},
                           {QStringLiteral("params"), QJsonObject{}},
                           {QStringLiteral("outcome"), QStringLiteral("ok")},
                           {QStringLiteral("affected"), 1},
                           {QStringLiteral("error"), QString()}};
    });
}

QList<qint64> times(const AuditModel& model) {
    QList<qint64> list;
    for (int row = 0; row < model.rowCount(); ++row)
        list << model.data(model.index(row, AuditModel::TimeColumn), AuditModel::SortRole)
                    .toLongLong();
    return list;
}

QList<qint64> offsetsAsked(const FakeAgentCaller& agent, const QString& host) {
    QList<qint64> offsets;
    for (const auto& call : agent.callsOf(kList, host))
        offsets << call.params.value(QStringLiteral("offset")).toInteger();
    return offsets;
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

} // namespace

class TestAuditModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        qputenv("TZ", "UTC");
        tzset();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void mergesHostsNewestFirst() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Log));
        agent.answer(kRelay2, kList, json(kRelay2Log));
        AuditModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(times(model),
                 (QList<qint64>{1700000100, 1700000090, 1700000080, 1700000070, 1700000060}));
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(cell(model, 0, AuditModel::TimeColumn), QStringLiteral("2023-11-14 22:15:00"));
        QCOMPARE(cell(model, 0, AuditModel::HostColumn), kRelay1);
        QCOMPARE(cell(model, 1, AuditModel::HostColumn), kRelay2);
        QCOMPARE(cell(model, 0, AuditModel::UserColumn), QStringLiteral("alice"));
        QCOMPARE(cell(model, 0, AuditModel::ActionColumn), QStringLiteral("queue.delete"));
        QCOMPARE(cell(model, 0, AuditModel::ParamsColumn),
                 QStringLiteral("queue_ids: 4Sx1bT0nNfz9vKp, 9A2C31F0E4"));
        QCOMPARE(cell(model, 1, AuditModel::ParamsColumn),
                 QStringLiteral("backend: 10.16.1.113; weight: 0"));
        QCOMPARE(cell(model, 0, AuditModel::OutcomeColumn), QStringLiteral("done"));
        QCOMPARE(cell(model, 2, AuditModel::OutcomeColumn), QStringLiteral("refused"));
        QCOMPARE(cell(model, 3, AuditModel::OutcomeColumn), QStringLiteral("failed"));
        QCOMPARE(cell(model, 0, AuditModel::AffectedColumn), QStringLiteral("2"));
        QCOMPARE(cell(model, 2, AuditModel::AffectedColumn), QString());
        QVERIFY(!model.data(model.index(2, AuditModel::AffectedColumn), AuditModel::SortRole)
                     .isValid());
        QCOMPARE(cell(model, 3, AuditModel::ErrorColumn),
                 QStringLiteral("postqueue failed: exit status 69"));
        QCOMPARE(model.data(model.index(1, 0), AuditModel::EntryIdRole).toLongLong(), 7);
        QCOMPARE(model.data(model.index(2, 0), AuditModel::OutcomeRole).toString(),
                 QStringLiteral("denied"));
        QCOMPARE(model.data(model.index(0, 0), AuditModel::ParamsRole)
                     .toJsonValue()
                     .toObject()
                     .value(QStringLiteral("queue_ids"))
                     .toArray()
                     .size(),
                 2);
        QCOMPARE(model.headerData(AuditModel::ActionColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Action"));
    }

    void pagesOnlyWhatTheMergeNeeds() {
        // No tester here: it asks for more after every insert, and this test counts
        // the pages a view would cause.
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, generatedLog(kRelay1, 6, 1000));
        agent.answer(kRelay2, kList, generatedLog(kRelay2, 4, 10));
        AuditModel model(&agent, nullptr, 2);

        model.refresh();
        QVERIFY(agent.settle());
        // relay1's two newest are certainly newest; relay1 must deliver before more.
        QCOMPARE(times(model), (QList<qint64>{1000, 999}));
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(offsetsAsked(agent, kRelay1), (QList<qint64>{0, 2}));
        QCOMPARE(offsetsAsked(agent, kRelay2), QList<qint64>{0}); // its page is still waiting
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 4);
        model.fetchMore({});
        QVERIFY(agent.settle());
        // relay1 is done: relay2's buffer goes in, then relay2 must deliver.
        QCOMPARE(times(model), (QList<qint64>{1000, 999, 998, 997, 996, 995, 10, 9}));
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 10);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(offsetsAsked(agent, kRelay1), (QList<qint64>{0, 2, 4}));
        QCOMPARE(offsetsAsked(agent, kRelay2), (QList<qint64>{0, 2}));
        QCOMPARE(model.hostTotal(kRelay2), 4);
    }

    void interleavedLogsFillInOrderUnderTheTester() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, generatedLog(kRelay1, 30, 1000));
        agent.answer(kRelay2, kList, generatedLog(kRelay2, 25, 990));
        AuditModel model(&agent, nullptr, 4);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        while (model.canFetchMore({})) {
            model.fetchMore({});
            QVERIFY(agent.settle());
        }
        QCOMPARE(model.rowCount(), 55);
        QList<qint64> shown = times(model);
        QVERIFY(std::is_sorted(shown.rbegin(), shown.rend()));
        // Equal times keep host order: relay1's 990 before relay2's.
        int first990 = static_cast<int>(shown.indexOf(990));
        QCOMPARE(cell(model, first990, AuditModel::HostColumn), kRelay1);
        QCOMPARE(cell(model, first990 + 1, AuditModel::HostColumn), kRelay2);
    }

    void growingLogIsNotShownTwice() {
        FakeAgentCaller agent({kRelay1});
        // Two entries were written between the pages: the second page starts with the
        // last two of the first.
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            qint64 offset = params.value(QStringLiteral("offset")).toInteger();
            auto page = generatedLog(kRelay1, 8, 100)(params);
            if (offset == 0)
                return generatedLog(kRelay1, 6, 100)(params);
            return page;
        });
        AuditModel model(&agent, nullptr, 3);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        while (model.canFetchMore({})) {
            model.fetchMore({});
            QVERIFY(agent.settle());
        }
        QList<qint64> ids;
        for (int row = 0; row < model.rowCount(); ++row)
            ids << model.data(model.index(row, 0), AuditModel::EntryIdRole).toLongLong();
        QCOMPARE(ids, (QList<qint64>{6, 5, 4, 3, 2, 1}));
    }

    void failingHostEndsWithoutHoldingOthersBack() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Log));
        agent.fail(kRelay2, kList, -32603,
                   QStringLiteral("the audit log cannot be opened: /var/lib/mailng/audit.sqlite"));
        AuditModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &AuditModel::errorOccurred);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.hostError(kRelay2),
                 QStringLiteral("the audit log cannot be opened: /var/lib/mailng/audit.sqlite"));
        QCOMPARE(errors.count(), 1);
        QVERIFY(!model.canFetchMore({}));
    }

    void filterAndStaleReplies() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            return okReply(params.value(QStringLiteral("user")).toString() == QStringLiteral("bob")
                               ? json(R"({"total": 0, "items": []})")
                               : json(kRelay1Log));
        });
        agent.answer(kRelay2, kList, [](const QJsonObject& params) {
            return okReply(params.value(QStringLiteral("user")).toString() == QStringLiteral("bob")
                               ? json(R"({"total": 0, "items": []})")
                               : json(kRelay2Log));
        });
        AuditModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);
        model.refresh();
        AuditModel::Filter filter;
        filter.user = QStringLiteral("bob");
        filter.method = QStringLiteral("queue.hold");
        filter.since = 1699990000;
        model.setFilter(filter);
        QCOMPARE(agent.heldCount(), 4);
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 0); // the unfiltered answers were stale
        QJsonObject params = agent.calls.last().params;
        QCOMPARE(params.value(QStringLiteral("user")).toString(), QStringLiteral("bob"));
        QCOMPARE(params.value(QStringLiteral("method")).toString(), QStringLiteral("queue.hold"));
        QCOMPARE(params.value(QStringLiteral("since")).toInteger(), 1699990000);
        QCOMPARE(params.value(QStringLiteral("limit")).toInt(), AuditModel::kDefaultPageSize);
        QVERIFY(!model.isLoading());
    }
};

QTEST_GUILESS_MAIN(TestAuditModel)
#include "test_audit_model.moc"
