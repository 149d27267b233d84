// QueueModel over a fake agent: paging across hosts, filters, failures, stale replies,
// a 100,000-message queue, and how cells are written for people.
#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include <ctime>

#include "fake_agent_caller.h"
#include "models/model_format.h"
#include "models/queue_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kRelay2 = QStringLiteral("relay2");
const QString kList = QStringLiteral("queue.list");

// Exactly what the agent's queue.list returns (agent/queue_methods.cpp, to_json of a
// QueueMessage in mailng/postqueue_json.h).
const char* const kRelay1Page = R"({
  "total": 2, "offset": 0, "limit": 500, "source": "files", "unreadable": 0,
  "items": [
    {"queue_id": "4Sx1bT0nNfz9vKp", "queue_name": "deferred", "arrival_time": 1700000000,
     "message_size": 2048, "forced_expire": false, "sender": "alice@example.org",
     "recipients": [
       {"address": "bob@unresolvable.example",
        "delay_reason": "Host or domain name not found. Name service error for name=unresolvable.example type=MX: Host not found, try again"},
       {"address": "carol@unresolvable.example",
        "delay_reason": "Host or domain name not found. Name service error for name=unresolvable.example type=MX: Host not found, try again"}]},
    {"queue_id": "9A2C31F0E4", "queue_name": "hold", "arrival_time": 1700003600,
     "message_size": 1536000, "forced_expire": false, "sender": "",
     "recipients": [{"address": "postmaster@example.org", "delay_reason": ""}]}
  ]})";

const char* const kRelay2Page = R"({
  "total": 1, "offset": 0, "limit": 500, "source": "postqueue", "unreadable": 0,
  "items": [
    {"queue_id": "4Sx1bT0nNfz9vKq", "queue_name": "active", "arrival_time": 1700007200,
     "message_size": 512, "forced_expire": false, "sender": "dave@example.org",
     "recipients": [{"address": "erin@example.net", "delay_reason": ""}]}
  ]})";

/// The i-th message of a generated queue, in queue.list's item shape.
QJsonObject generatedMessage(qint64 i) {
    return QJsonObject{
        {QStringLiteral("queue_id"), QStringLiteral("G%1").arg(i, 10, 10, QLatin1Char('0'))},
        {QStringLiteral("queue_name"), QStringLiteral("deferred")},
        {QStringLiteral("arrival_time"), 1700000000 + i},
        {QStringLiteral("message_size"), 1000 + i},
        {QStringLiteral("forced_expire"), false},
        {QStringLiteral("sender"), QStringLiteral("sender%1@example.org").arg(i)},
        {QStringLiteral("recipients"),
         QJsonArray{QJsonObject{
             {QStringLiteral("address"), QStringLiteral("rcpt@example.net")},
             {QStringLiteral("delay_reason"), QStringLiteral("connection timed out")}}}}};
}

/// queue.list over a generated queue of `total` messages, with the agent's extra members.
FakeAgentCaller::Answer generatedQueue(qint64 total) {
    return [total](const QJsonObject& params) {
        auto reply = pagedList(total, generatedMessage, {}, 100)(params);
        QJsonObject result = reply.result.toObject();
        result.insert(QStringLiteral("offset"), params.value(QStringLiteral("offset")).toInteger());
        result.insert(QStringLiteral("limit"),
                      params.value(QStringLiteral("limit")).toInteger(100));
        result.insert(QStringLiteral("source"), QStringLiteral("files"));
        result.insert(QStringLiteral("unreadable"), 0);
        reply.result = result;
        return reply;
    };
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

/// The row of `queueId`, or -1.
int rowOf(const QueueModel& model, const QString& queueId) {
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.queueIdAt(row) == queueId)
            return row;
    return -1;
}

} // namespace

class TestQueueModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Times and numbers are checked as text: pin the zone and the locale.
        qputenv("TZ", "UTC");
        tzset();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void formatsSizes() {
        QCOMPARE(format::size(0), QStringLiteral("0 B"));
        QCOMPARE(format::size(512), QStringLiteral("512 B"));
        QCOMPARE(format::size(1023), QStringLiteral("1023 B"));
        QCOMPARE(format::size(1024), QStringLiteral("1.0 KB"));
        QCOMPARE(format::size(1536), QStringLiteral("1.5 KB"));
        QCOMPARE(format::size(10 * 1024), QStringLiteral("10 KB"));
        QCOMPARE(format::size(1536000), QStringLiteral("1.5 MB"));
        QCOMPARE(format::size(qint64(5) << 30), QStringLiteral("5.0 GB"));
        QCOMPARE(format::size(qint64(3) << 40), QStringLiteral("3.0 TB"));
        QCOMPARE(format::size(-5), QStringLiteral("0 B"));
    }

    void formatsTimesAndAges() {
        QCOMPARE(format::localTime(1700000000), QStringLiteral("2023-11-14 22:13:20"));
        QCOMPARE(format::localTime(0), QString());
        QCOMPARE(format::duration(45), QStringLiteral("45 s"));
        QCOMPARE(format::duration(12 * 60 + 5), QStringLiteral("12 min"));
        QCOMPARE(format::duration(3 * 3600 + 5 * 60), QStringLiteral("3 h 5 min"));
        QCOMPARE(format::duration(2 * 86400 + 4 * 3600 + 59), QStringLiteral("2 d 4 h"));
        QCOMPARE(format::duration(-10), QStringLiteral("0 s"));
        QCOMPARE(format::age(1700000000, 1700000000 + 90), QStringLiteral("1 min ago"));
        QCOMPARE(format::count(100000), QStringLiteral("100,000"));
        QCOMPARE(format::addressList({QStringLiteral("a@x"), QString(), QStringLiteral("c@z"),
                                      QStringLiteral("d@w")},
                                     2),
                 QStringLiteral("a@x, <> +2"));
    }

    void showsEveryHostsQueueWithHostColumn() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.answer(kRelay2, kList, json(kRelay2Page));
        QueueModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loading(&model, &QueueModel::loadingChanged);

        model.refresh();
        QVERIFY(model.isLoading());
        QVERIFY(agent.settle());

        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(QueueModel::ColumnCount));
        QVERIFY(!model.isLoading());
        QCOMPARE(loading.count(), 2);
        QCOMPARE(loading.first().first().toBool(), true);
        QCOMPARE(loading.last().first().toBool(), false);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.totalCount(), 3);
        QCOMPARE(model.hostTotal(kRelay1), 2);
        QCOMPARE(model.hostTotal(kRelay2), 1);

        QCOMPARE(model.headerData(QueueModel::HostColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Host"));
        QCOMPARE(model.headerData(QueueModel::ReasonColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Delay reason"));

        int deferred = rowOf(model, QStringLiteral("4Sx1bT0nNfz9vKp"));
        int hold = rowOf(model, QStringLiteral("9A2C31F0E4"));
        int active = rowOf(model, QStringLiteral("4Sx1bT0nNfz9vKq"));
        QVERIFY(deferred >= 0 && hold >= 0 && active >= 0);
        QCOMPARE(cell(model, deferred, QueueModel::HostColumn), kRelay1);
        QCOMPARE(cell(model, active, QueueModel::HostColumn), kRelay2);
        QCOMPARE(cell(model, deferred, QueueModel::QueueColumn), QStringLiteral("deferred"));
        QCOMPARE(cell(model, deferred, QueueModel::ArrivalColumn),
                 QStringLiteral("2023-11-14 22:13:20"));
        QCOMPARE(cell(model, deferred, QueueModel::SizeColumn), QStringLiteral("2.0 KB"));
        QCOMPARE(cell(model, hold, QueueModel::SizeColumn), QStringLiteral("1.5 MB"));
        QCOMPARE(cell(model, hold, QueueModel::SenderColumn), QStringLiteral("<>"));
        QCOMPARE(cell(model, deferred, QueueModel::RecipientsColumn),
                 QStringLiteral("bob@unresolvable.example, carol@unresolvable.example"));
        QVERIFY(cell(model, deferred, QueueModel::ReasonColumn)
                    .startsWith(QStringLiteral("Host or domain name not found")));
        QVERIFY(!cell(model, deferred, QueueModel::ReasonColumn).contains(QStringLiteral("+1")));
        QCOMPARE(cell(model, hold, QueueModel::ReasonColumn), QString());

        // Raw values for sorting and selection.
        auto sizeIndex = model.index(hold, QueueModel::SizeColumn);
        QCOMPARE(model.data(sizeIndex, QueueModel::SortRole).toLongLong(), 1536000);
        QCOMPARE(model.data(model.index(deferred, QueueModel::ArrivalColumn), QueueModel::SortRole)
                     .toLongLong(),
                 1700000000);
        QCOMPARE(model.data(sizeIndex, QueueModel::HostRole).toString(), kRelay1);
        QCOMPARE(model.data(sizeIndex, QueueModel::QueueIdRole).toString(),
                 QStringLiteral("9A2C31F0E4"));
        QCOMPARE(
            model.data(model.index(deferred, 0), QueueModel::RecipientsRole).toStringList().size(),
            2);
        QCOMPARE(model.data(sizeIndex, Qt::ToolTipRole).toString(),
                 QStringLiteral("1,536,000 bytes"));
    }

    void sortsOffTheGuiThreadAndKeepsSelectionsOnTheirRows() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.answer(kRelay2, kList, json(kRelay2Page));
        QueueModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        QPersistentModelIndex hold = model.index(rowOf(model, QStringLiteral("9A2C31F0E4")), 0);
        QSignalSpy sorted(&model, &QueueModel::sorted);

        model.sort(QueueModel::SizeColumn, Qt::DescendingOrder);
        QVERIFY(model.isSorting());
        QVERIFY(sorted.wait());
        QCOMPARE(model.queueIdAt(0), QStringLiteral("9A2C31F0E4")); // 1.5 MB
        QCOMPARE(model.queueIdAt(2), QStringLiteral("4Sx1bT0nNfz9vKq")); // 512 bytes
        QCOMPARE(hold.row(), 0);
        QCOMPARE(hold.data(QueueModel::QueueIdRole).toString(), QStringLiteral("9A2C31F0E4"));

        // The null sender has no text: it sorts first in ascending order.
        model.sort(QueueModel::SenderColumn, Qt::AscendingOrder);
        QVERIFY(sorted.wait());
        QCOMPARE(model.queueIdAt(0), QStringLiteral("9A2C31F0E4"));
        QCOMPARE(model.queueIdAt(1), QStringLiteral("4Sx1bT0nNfz9vKp")); // alice
        QCOMPARE(model.queueIdAt(2), QStringLiteral("4Sx1bT0nNfz9vKq")); // dave

        // A refresh keeps the sort: the new rows come sorted once they are in.
        model.sort(QueueModel::ArrivalColumn, Qt::DescendingOrder);
        QVERIFY(sorted.wait());
        model.refresh();
        QVERIFY(agent.settle());
        QTRY_VERIFY(!model.isSorting());
        QCOMPARE(model.sortColumn(), int(QueueModel::ArrivalColumn));
        QCOMPARE(model.queueIdAt(0), QStringLiteral("4Sx1bT0nNfz9vKq")); // newest
        QCOMPARE(model.queueIdAt(2), QStringLiteral("4Sx1bT0nNfz9vKp")); // oldest
    }

    void asksPagesUntilEveryTotalIsLoaded() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, generatedQueue(1200));
        agent.answer(kRelay2, kList, generatedQueue(300));
        QueueModel model(&agent, nullptr, 500);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);

        QVERIFY(!model.canFetchMore({})); // nothing to fetch before the first refresh
        model.refresh();
        QCOMPARE(offsetsAsked(agent, kRelay1), QList<qint64>{0});
        QCOMPARE(offsetsAsked(agent, kRelay2), QList<qint64>{0});
        QCOMPARE(agent.calls.first().params.value(QStringLiteral("limit")).toInteger(), 500);
        QVERIFY(model.canFetchMore({}));
        QCOMPARE(model.hostTotal(kRelay1), -1);

        model.fetchMore({}); // a page per host is in flight: nothing is asked twice
        QCOMPARE(agent.calls.size(), 2);

        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 800);
        QCOMPARE(model.hostTotal(kRelay1), 1200);
        QCOMPARE(model.hostTotal(kRelay2), 300);
        QVERIFY(model.canFetchMore({})); // relay1 has 700 more

        // The tester (like a view at the end) asks for more: only relay1, at offset 500.
        model.fetchMore({});
        QCOMPARE(offsetsAsked(agent, kRelay1), (QList<qint64>{0, 500}));
        QCOMPARE(offsetsAsked(agent, kRelay2), QList<qint64>{0});

        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 1300);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(offsetsAsked(agent, kRelay1), (QList<qint64>{0, 500, 1000}));

        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 1500);
        QVERIFY(!model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(agent.calls.size(), 4);
        QCOMPARE(agent.heldCount(), 0);
        QCOMPARE(model.totalCount(), 1500);
    }

    void filterResetsAndRefetches() {
        FakeAgentCaller agent({kRelay1});
        // relay1 holds two messages; the filter keeps the held one.
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            if (params.value(QStringLiteral("queue")).toString() == QStringLiteral("hold"))
                return okReply(json(R"({"total": 1, "offset": 0, "limit": 500, "source": "files",
                    "unreadable": 0, "items": [{"queue_id": "9A2C31F0E4", "queue_name": "hold",
                    "arrival_time": 1700003600, "message_size": 1536000, "forced_expire": false,
                    "sender": "", "recipients": [{"address": "postmaster@example.org",
                    "delay_reason": ""}]}]})"));
            return okReply(json(kRelay1Page));
        });
        QueueModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QueueViewFilter filter;
        filter.queues = {QStringLiteral("hold")};
        filter.sender = QStringLiteral("  <>  ");
        filter.domain = QStringLiteral("example.org");
        filter.minAgeSeconds = 3600;
        model.setFilter(filter);
        QCOMPARE(resets.count(), 1);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(agent.settle());

        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.queueIdAt(0), QStringLiteral("9A2C31F0E4"));
        QJsonObject params = agent.calls.last().params;
        QCOMPARE(params.value(QStringLiteral("queue")).toString(), QStringLiteral("hold"));
        QCOMPARE(params.value(QStringLiteral("sender")).toString(), QStringLiteral("<>"));
        QCOMPARE(params.value(QStringLiteral("domain")).toString(), QStringLiteral("example.org"));
        QCOMPARE(params.value(QStringLiteral("min_age")).toInteger(), 3600);
        QCOMPARE(params.value(QStringLiteral("offset")).toInteger(), 0);
        QVERIFY(!params.contains(QStringLiteral("recipient")));
        QVERIFY(!params.contains(QStringLiteral("reason")));

        // The same filter again changes nothing; two queues become an array.
        int calls = agent.calls.size();
        model.setFilter(filter);
        QCOMPARE(agent.calls.size(), calls);
        filter.queues << QStringLiteral("deferred");
        QCOMPARE(filter.toParams().value(QStringLiteral("queue")).toArray().size(), 2);
        QVERIFY(QueueViewFilter{}.isEmpty());
    }

    void failingHostKeepsItsErrorWhileOthersGoOn() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.fail(kRelay2, kList, RpcReply::kNotConnected,
                   QStringLiteral("relay2: connection refused"));
        QueueModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &QueueModel::errorOccurred);

        model.refresh();
        QVERIFY(agent.settle());

        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.hostError(kRelay2), QStringLiteral("relay2: connection refused"));
        QCOMPARE(model.hostError(kRelay1), QString());
        QCOMPARE(model.failedHosts(), QStringList{kRelay2});
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.first().at(0).toString(), kRelay2);
        QVERIFY(!model.canFetchMore({})); // a failed host is not asked again by paging
        QCOMPARE(model.hostTotal(kRelay2), -1);

        // The next refresh asks it again, and its answer clears the error.
        agent.answer(kRelay2, kList, json(kRelay2Page));
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(model.failedHosts().isEmpty());
    }

    void hostFailingMidwayKeepsWhatCameAndStops() {
        FakeAgentCaller agent({kRelay1});
        auto firstPages = generatedQueue(1000);
        agent.answer(kRelay1, kList, [firstPages](const QJsonObject& params) {
            if (params.value(QStringLiteral("offset")).toInteger() >= 400)
                return errorReply(RpcReply::kNotConnected, QStringLiteral("connection lost"));
            return firstPages(params);
        });
        QueueModel model(&agent, nullptr, 200);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        while (model.canFetchMore({})) {
            model.fetchMore({});
            QVERIFY(agent.settle());
        }
        QCOMPARE(model.rowCount(), 400);
        QCOMPARE(model.hostError(kRelay1), QStringLiteral("connection lost"));
        QCOMPARE(offsetsAsked(agent, kRelay1), (QList<qint64>{0, 200, 400}));
    }

    void staleRepliesAreDroppedAfterReset() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            return okReply(params.contains(QStringLiteral("sender")) ? json(kRelay2Page)
                                                                     : json(kRelay1Page));
        });
        agent.answer(kRelay2, kList, json(kRelay2Page));
        QueueModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loading(&model, &QueueModel::loadingChanged);
        agent.setHolding(true);

        model.refresh();
        QueueViewFilter filter;
        filter.sender = QStringLiteral("dave");
        model.setFilter(filter); // the first refresh's two pages are now stale
        QCOMPARE(agent.heldCount(), 4);
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());

        // Only the filtered answers: relay1's and relay2's one message each.
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.queueIdAt(0), QStringLiteral("4Sx1bT0nNfz9vKq"));
        QCOMPARE(model.totalCount(), 2);
        QVERIFY(!model.isLoading());
        QCOMPARE(loading.count(), 2); // true once, false once: the reset did not flicker
    }

    void duplicatesFromAMovingQueueAreKeptOnce() {
        FakeAgentCaller agent({kRelay1});
        // The queue shifted by one between the pages: message 2 comes twice.
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            qint64 offset = params.value(QStringLiteral("offset")).toInteger();
            QJsonArray items;
            for (qint64 i = offset == 0 ? 0 : 2; i < (offset == 0 ? 3 : 5); ++i)
                items.append(generatedMessage(i));
            return okReply(
                QJsonObject{{QStringLiteral("total"), 6}, {QStringLiteral("items"), items}});
        });
        QueueModel model(&agent, nullptr, 3);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        model.fetchMore({});
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 5);    // G0..G4, G2 once
        QVERIFY(!model.canFetchMore({})); // the short second page ended the host
        QCOMPARE(model.hostTotal(kRelay1), 6);
    }

    void hundredThousandMessagesArePagedNotLoaded() {
        // No model tester here: it walks every row after each insert, which is what a
        // 100,000-row test must not measure.
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, generatedQueue(100000));
        agent.answer(kRelay2, kList, generatedQueue(0));
        QueueModel model(&agent);
        QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);

        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 500);
        QCOMPARE(model.totalCount(), 100000);
        QCOMPARE(agent.countOf(kList), 2);

        // Scrolling to the end three times: three more pages, nothing else.
        for (int i = 0; i < 3; ++i) {
            model.fetchMore({});
            QVERIFY(agent.settle());
        }
        QCOMPARE(model.rowCount(), 2000);
        QCOMPARE(agent.countOf(kList, kRelay1), 4);
        QCOMPARE(agent.countOf(kList, kRelay2), 1);

        QElapsedTimer timer;
        timer.start();
        qint64 longestPage = 0; // the model's own work on a page (the fake's is not counted)
        while (model.canFetchMore({})) {
            int before = agent.countOf(kList);
            model.fetchMore({});
            QCOMPARE(agent.countOf(kList), before + 1); // one page per fetch, never more
            QElapsedTimer page;
            page.start();
            QVERIFY(agent.settle());
            longestPage = std::max(longestPage, page.elapsed());
        }
        qInfo("100,000 rows in %lld ms; longest page taken in %lld ms", timer.elapsed(),
              longestPage);
        QCOMPARE(model.rowCount(), 100000);
        QCOMPARE(agent.countOf(kList, kRelay1), 200);
        QCOMPARE(offsetsAsked(agent, kRelay1).last(), 99500);
        for (const auto& call : agent.callsOf(kList))
            QVERIFY(call.params.value(QStringLiteral("limit")).toInteger() <= 500);
        QCOMPARE(inserts.count(), 200);
        QCOMPARE(model.queueIdAt(99999), QStringLiteral("G0000099999"));
    }

    void selectionGivesQueueIdsPerHost() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.answer(kRelay2, kList, json(kRelay2Page));
        QueueModel model(&agent);
        model.refresh();
        QVERIFY(agent.settle());

        QList<int> all;
        for (int row = 0; row < model.rowCount(); ++row)
            all << row;
        auto ids = model.queueIdsByHost(all + all + QList<int>{-1, 99});
        QCOMPARE(ids.keys(), (QStringList{kRelay1, kRelay2}));
        QCOMPARE(ids.value(kRelay1).size(), 2);
        QVERIFY(ids.value(kRelay1).contains(QStringLiteral("9A2C31F0E4")));
        QCOMPARE(ids.value(kRelay2), QStringList{QStringLiteral("4Sx1bT0nNfz9vKq")});

        int hold = rowOf(model, QStringLiteral("9A2C31F0E4"));
        QModelIndexList selection{model.index(hold, 0), model.index(hold, 3)};
        QCOMPARE(model.queueIdsByHost(selection),
                 (QMap<QString, QStringList>{{kRelay1, {QStringLiteral("9A2C31F0E4")}}}));
    }
};

QTEST_GUILESS_MAIN(TestQueueModel)
#include "test_queue_model.moc"
