// QueueShapeModel over a fake agent: the hosts' qshape tables merged by domain, one
// host alone, options as params, failures, stale answers.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include "fake_agent_caller.h"
#include "models/queue_shape_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kRelay2 = QStringLiteral("relay2");
const QString kStore1 = QStringLiteral("store1");
const QString kSummary = QStringLiteral("queue.summary");

// queue.summary as the agent answers it (to_json of a QueueShape, plus "messages",
// "source", "unreadable"), with the default ten buckets.
const char* const kRelay1Shape = R"({
  "headings": ["T", "5", "10", "20", "40", "80", "160", "320", "640", "1280", "1280+"],
  "total": {"domain": "TOTAL", "counts": [7, 1, 0, 0, 0, 0, 0, 0, 0, 2, 4]},
  "rows": [
    {"domain": "unresolvable.example", "counts": [6, 0, 0, 0, 0, 0, 0, 0, 0, 2, 4]},
    {"domain": "example.net", "counts": [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]}],
  "messages": 5, "source": "files", "unreadable": 0})";

const char* const kRelay2Shape = R"({
  "headings": ["T", "5", "10", "20", "40", "80", "160", "320", "640", "1280", "1280+"],
  "total": {"domain": "TOTAL", "counts": [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]},
  "rows": [
    {"domain": "example.net", "counts": [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]},
    {"domain": "b.example", "counts": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]},
    {"domain": "a.example", "counts": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]}],
  "messages": 4, "source": "postqueue", "unreadable": 0})";

const char* const kThreeBuckets = R"({
  "headings": ["T", "5", "10", "10+"],
  "total": {"domain": "TOTAL", "counts": [2, 0, 1, 1]},
  "rows": [{"domain": "example.org", "counts": [2, 0, 1, 1]}],
  "messages": 2, "source": "files", "unreadable": 0})";

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

QStringList domains(const QAbstractItemModel& model) {
    QStringList list;
    for (int row = 0; row < model.rowCount(); ++row)
        list << cell(model, row, QueueShapeModel::kDomainColumn);
    return list;
}

} // namespace

class TestQueueShapeModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void mergesHostsByDomain() {
        FakeAgentCaller agent({kRelay1, kRelay2, kStore1});
        agent.answer(kRelay1, kSummary, json(kRelay1Shape));
        agent.answer(kRelay2, kSummary, json(kRelay2Shape));
        agent.fail(kStore1, kSummary, -32004, QStringLiteral("not supported here: Postfix"));
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.refresh();
        QVERIFY(agent.settle());

        QJsonObject params = agent.calls.first().params;
        QCOMPARE(params.value(QStringLiteral("by")).toString(), QStringLiteral("recipient"));
        QCOMPARE(params.value(QStringLiteral("buckets")).toInt(), 10);
        QCOMPARE(params.value(QStringLiteral("bucket_minutes")).toInt(), 5);
        QCOMPARE(params.value(QStringLiteral("linear")).toBool(), false);

        QCOMPARE(model.columnCount(), 12);
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(),
                 QStringLiteral("Recipient domain"));
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Total"));
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("5"));
        QCOMPARE(model.headerData(11, Qt::Horizontal).toString(), QStringLiteral("1280+"));
        QCOMPARE(model.headerData(3, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("from 5 to 10 minutes old"));
        QCOMPARE(model.headerData(11, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("1280 minutes old or older"));

        // TOTAL first, then by total, shorter domain first, then alphabetically.
        QCOMPARE(domains(model),
                 (QStringList{QStringLiteral("TOTAL"), QStringLiteral("unresolvable.example"),
                              QStringLiteral("example.net"), QStringLiteral("a.example"),
                              QStringLiteral("b.example")}));
        QCOMPARE(cell(model, 0, QueueShapeModel::kTotalColumn), QStringLiteral("12"));
        QCOMPARE(cell(model, 0, 11), QStringLiteral("9"));
        QCOMPARE(cell(model, 2, QueueShapeModel::kTotalColumn), QStringLiteral("4"));
        QCOMPARE(model.data(model.index(2, 2), QueueShapeModel::SortRole).toLongLong(), 1);
        QVERIFY(model.data(model.index(0, 0), QueueShapeModel::IsTotalRole).toBool());
        QVERIFY(!model.data(model.index(1, 0), QueueShapeModel::IsTotalRole).toBool());
        QCOMPARE(model.data(model.index(2, 0), QueueShapeModel::CountsRole)
                     .value<QList<qint64>>()
                     .size(),
                 11);
        // Which relay holds what.
        QCOMPARE(cell(model, 2, QueueShapeModel::kTotalColumn, Qt::ToolTipRole),
                 QStringLiteral("relay1: 1\nrelay2: 3"));
        QCOMPARE(model.messageCount(), 9);
        QVERIFY(model.failedHosts().isEmpty()); // store1 has no Postfix: not a failure
    }

    void showsOneHostAlone() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kSummary, json(kRelay1Shape));
        agent.answer(kRelay2, kSummary, json(kRelay2Shape));
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        int calls = agent.calls.size();

        model.setHost(kRelay2);
        QCOMPARE(agent.calls.size(), calls); // a view change, no call
        QCOMPARE(domains(model),
                 (QStringList{QStringLiteral("TOTAL"), QStringLiteral("example.net"),
                              QStringLiteral("a.example"), QStringLiteral("b.example")}));
        QCOMPARE(cell(model, 0, QueueShapeModel::kTotalColumn), QStringLiteral("5"));
        QCOMPARE(model.data(model.index(0, 0), QueueShapeModel::HostRole).toString(), kRelay2);
        QCOMPARE(model.messageCount(), 4);
        model.setHost({});
        QCOMPARE(model.rowCount(), 5);
    }

    void optionsBecomeParamsAndClearTheTable() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kSummary, [](const QJsonObject& params) {
            return okReply(params.value(QStringLiteral("buckets")).toInt() == 3
                               ? json(kThreeBuckets)
                               : json(kRelay1Shape));
        });
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.columnCount(), 12);

        QueueShapeModel::Options options;
        options.bySender = true;
        options.buckets = 3;
        options.linear = true;
        options.filter.queues = {QStringLiteral("deferred")};
        options.filter.reason = QStringLiteral("timed out");
        model.setOptions(options);
        QCOMPARE(model.rowCount(), 0); // another question: the old answer is gone at once
        QVERIFY(agent.settle());

        QJsonObject params = agent.calls.last().params;
        QCOMPARE(params.value(QStringLiteral("by")).toString(), QStringLiteral("sender"));
        QCOMPARE(params.value(QStringLiteral("buckets")).toInt(), 3);
        QCOMPARE(params.value(QStringLiteral("linear")).toBool(), true);
        QCOMPARE(params.value(QStringLiteral("queue")).toString(), QStringLiteral("deferred"));
        QCOMPARE(params.value(QStringLiteral("reason")).toString(), QStringLiteral("timed out"));
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headings(), (QStringList{QStringLiteral("T"), QStringLiteral("5"),
                                                QStringLiteral("10"), QStringLiteral("10+")}));
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("Sender domain"));
        QCOMPARE(domains(model),
                 (QStringList{QStringLiteral("TOTAL"), QStringLiteral("example.org")}));
    }

    void failingHostDropsOutOfTheSum() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kSummary, json(kRelay1Shape));
        agent.answer(kRelay2, kSummary, json(kRelay2Shape));
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &QueueShapeModel::errorOccurred);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(cell(model, 0, QueueShapeModel::kTotalColumn), QStringLiteral("12"));

        agent.fail(kRelay2, kSummary, -32003, QStringLiteral("postqueue failed: exit status 75"));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(cell(model, 0, QueueShapeModel::kTotalColumn), QStringLiteral("7"));
        QCOMPARE(model.hostError(kRelay2), QStringLiteral("postqueue failed: exit status 75"));
        QCOMPARE(errors.count(), 1);
        QVERIFY(!domains(model).contains(QStringLiteral("a.example")));
    }

    void hostWithOtherBucketsIsNotSummed() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kSummary, json(kRelay1Shape));
        agent.answer(kRelay2, kSummary, json(kThreeBuckets));
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.columnCount(), 12);
        QCOMPARE(cell(model, 0, QueueShapeModel::kTotalColumn), QStringLiteral("7"));
        QVERIFY(!model.hostError(kRelay2).isEmpty());
    }

    void staleAnswerIsDropped() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kSummary, [](const QJsonObject& params) {
            return okReply(params.value(QStringLiteral("buckets")).toInt() == 3
                               ? json(kThreeBuckets)
                               : json(kRelay1Shape));
        });
        QueueShapeModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);
        model.refresh(); // ten buckets: will be stale
        QueueShapeModel::Options options;
        options.buckets = 3;
        model.setOptions(options);
        QCOMPARE(agent.heldCount(), 2);
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(!model.isLoading());
    }
};

QTEST_GUILESS_MAIN(TestQueueShapeModel)
#include "test_queue_shape_model.moc"
