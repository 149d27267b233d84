// QuarantineModel over a fake agent: the relays' quarantines in one table, paging,
// filters, hosts without a quarantine, failures, stale replies, and cell text.
#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

#include <ctime>

#include "fake_agent_caller.h"
#include "models/model_format.h"
#include "models/quarantine_model.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kRelay1 = QStringLiteral("relay1");
const QString kRelay2 = QStringLiteral("relay2");
const QString kStore1 = QStringLiteral("store1");
const QString kList = QStringLiteral("quarantine.list");

// quarantine.list as the agent answers it: {"total", "items"}, each item to_json of a
// QuarantineEntry (mailng/amavis_quarantine.h) plus "time".
const char* const kRelay1Page = R"({"total": 2, "items": [
  {"mail_id": "Xy3kP0aB9cDe", "file": "spam-Xy3kP0aB9cDe.gz", "type": "spam",
   "sender": "spammer@bad.example", "recipients": ["alice@example.org", "bob@example.org"],
   "blocked_recipients": [], "subject": "=?UTF-8?B?zpHOs86/z4HOrA==?= =?UTF-8?Q?_now?=",
   "from": "Spammer <spammer@bad.example>", "date": "Tue, 14 Nov 2023 22:10:00 +0000",
   "score": 1003.5, "spam_flag": true, "alert": "", "size": 3072, "complete": true,
   "time": 1700000000},
  {"mail_id": "Vq8mN2bC4dEf", "file": "virus-Vq8mN2bC4dEf", "type": "virus",
   "sender": "", "recipients": ["carol@example.org"], "blocked_recipients": ["carol@example.org"],
   "subject": "invoice", "from": "<>", "date": "", "score": null, "spam_flag": false,
   "alert": "INFECTED: Eicar-Signature", "size": 2048000, "complete": true,
   "time": 1699990000}]})";

const char* const kRelay2Page = R"({"total": 1, "items": [
  {"mail_id": "Lm5nO6pQ7rSt", "file": "badh-Lm5nO6pQ7rSt", "type": "bad_header",
   "sender": "news@lists.example", "recipients": ["dave@example.org"], "blocked_recipients": [],
   "subject": "=?iso-8859-7?Q?=C3=E5=E9=DC?=", "from": "news@lists.example", "date": "",
   "score": -0.1, "spam_flag": false, "alert": "", "size": 900, "complete": true,
   "time": 1700001000}]})";

QJsonObject generatedEntry(qint64 i) {
    QString id = QStringLiteral("A%1").arg(i, 11, 10, QLatin1Char('0'));
    return QJsonObject{{QStringLiteral("mail_id"), id},
                       {QStringLiteral("file"), QStringLiteral("spam-%1.gz").arg(id)},
                       {QStringLiteral("type"), QStringLiteral("spam")},
                       {QStringLiteral("sender"), QStringLiteral("s@x.example")},
                       {QStringLiteral("recipients"), QJsonArray{QStringLiteral("r@example.org")}},
                       {QStringLiteral("blocked_recipients"), QJsonArray{}},
                       {QStringLiteral("subject"), QStringLiteral("s%1").arg(i)},
                       {QStringLiteral("from"), QString()},
                       {QStringLiteral("date"), QString()},
                       {QStringLiteral("score"), 9.5},
                       {QStringLiteral("spam_flag"), true},
                       {QStringLiteral("alert"), QString()},
                       {QStringLiteral("size"), 1000},
                       {QStringLiteral("complete"), true},
                       {QStringLiteral("time"), 1700000000 - i}};
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

int rowOfFile(const QAbstractItemModel& model, const QString& file) {
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.data(model.index(row, 0), QuarantineModel::FileRole).toString() == file)
            return row;
    return -1;
}

} // namespace

class TestQuarantineModel : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        qputenv("TZ", "UTC");
        tzset();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void decodesEncodedWords() {
        QCOMPARE(format::decodeMimeWords(
                     QStringLiteral("=?UTF-8?B?zpHOs86/z4HOrA==?= =?UTF-8?Q?_now?=")),
                 QStringLiteral("Αγορά now"));
        QCOMPARE(format::decodeMimeWords(QStringLiteral("Re: =?iso-8859-7?Q?=C3=E5=E9=DC?= you")),
                 QStringLiteral("Re: Γειά you"));
        QCOMPARE(format::decodeMimeWords(QStringLiteral("plain text")),
                 QStringLiteral("plain text"));
        // Unknown charset or bad encoding: left as written.
        QCOMPARE(format::decodeMimeWords(QStringLiteral("=?x-nonsense?Q?abc?=")),
                 QStringLiteral("=?x-nonsense?Q?abc?="));
        QCOMPARE(format::decodeMimeWords(QStringLiteral("=?UTF-8?B?***?=")),
                 QStringLiteral("=?UTF-8?B?***?="));
        QCOMPARE(format::decodeMimeWords(QStringLiteral("=?UTF-8?Q?a=2?=")),
                 QStringLiteral("=?UTF-8?Q?a=2?="));
    }

    void showsTheRelaysQuarantines() {
        FakeAgentCaller agent({kRelay1, kRelay2, kStore1});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.answer(kRelay2, kList, json(kRelay2Page));
        agent.fail(kStore1, kList, -32004,
                   QStringLiteral("not supported here: amavisd quarantine"));
        QuarantineModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 3);
        QVERIFY(model.failedHosts().isEmpty()); // store1 has no quarantine: not a failure
        QCOMPARE(model.hostTotal(kStore1), 0);
        QCOMPARE(model.totalCount(), 3);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.headerData(QuarantineModel::ScoreColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Score"));

        int spam = rowOfFile(model, QStringLiteral("spam-Xy3kP0aB9cDe.gz"));
        int virus = rowOfFile(model, QStringLiteral("virus-Vq8mN2bC4dEf"));
        int badh = rowOfFile(model, QStringLiteral("badh-Lm5nO6pQ7rSt"));
        QVERIFY(spam >= 0 && virus >= 0 && badh >= 0);
        QCOMPARE(cell(model, spam, QuarantineModel::HostColumn), kRelay1);
        QCOMPARE(cell(model, badh, QuarantineModel::HostColumn), kRelay2);
        QCOMPARE(cell(model, spam, QuarantineModel::TypeColumn), QStringLiteral("Spam"));
        QCOMPARE(cell(model, badh, QuarantineModel::TypeColumn), QStringLiteral("Bad header"));
        QCOMPARE(cell(model, virus, QuarantineModel::TypeColumn, Qt::ToolTipRole),
                 QStringLiteral("INFECTED: Eicar-Signature"));
        QCOMPARE(cell(model, spam, QuarantineModel::TimeColumn),
                 QStringLiteral("2023-11-14 22:13:20"));
        QCOMPARE(cell(model, virus, QuarantineModel::SenderColumn), QStringLiteral("<>"));
        QCOMPARE(cell(model, spam, QuarantineModel::RecipientsColumn),
                 QStringLiteral("alice@example.org, bob@example.org"));
        QCOMPARE(cell(model, spam, QuarantineModel::SubjectColumn), QStringLiteral("Αγορά now"));
        QCOMPARE(cell(model, badh, QuarantineModel::SubjectColumn), QStringLiteral("Γειά"));
        QCOMPARE(cell(model, spam, QuarantineModel::ScoreColumn), QStringLiteral("1,003.5"));
        QCOMPARE(cell(model, badh, QuarantineModel::ScoreColumn), QStringLiteral("-0.1"));
        QCOMPARE(cell(model, virus, QuarantineModel::ScoreColumn), QString());
        QCOMPARE(cell(model, spam, QuarantineModel::SizeColumn), QStringLiteral("3.0 KB"));
        QCOMPARE(cell(model, virus, QuarantineModel::SizeColumn), QStringLiteral("2.0 MB"));

        auto score = [&](int row) {
            return model.data(model.index(row, QuarantineModel::ScoreColumn),
                              QuarantineModel::SortRole);
        };
        QCOMPARE(score(spam).toDouble(), 1003.5);
        QVERIFY(!score(virus).isValid());
        QCOMPARE(
            model.data(model.index(spam, QuarantineModel::TimeColumn), QuarantineModel::SortRole)
                .toLongLong(),
            1700000000);
        QCOMPARE(model.data(model.index(spam, 0), QuarantineModel::MailIdRole).toString(),
                 QStringLiteral("Xy3kP0aB9cDe"));
        QCOMPARE(model.data(model.index(spam, 0), QuarantineModel::TypeRole).toString(),
                 QStringLiteral("spam"));

        auto files = model.filesByHost(QList<int>{spam, virus, badh, spam});
        QCOMPARE(files.value(kRelay1).size(), 2);
        QCOMPARE(files.value(kRelay2), QStringList{QStringLiteral("badh-Lm5nO6pQ7rSt")});
    }

    void pagesEachRelayUntilItsTotal() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, pagedList(250, generatedEntry));
        agent.answer(kRelay2, kList, pagedList(40, generatedEntry));
        QuarantineModel model(&agent, nullptr, 100);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);

        model.refresh();
        QCOMPARE(agent.calls.size(), 2);
        QCOMPARE(agent.calls.first().params.value(QStringLiteral("limit")).toInt(), 100);
        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 140);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(
            agent.callsOf(kList, kRelay1).last().params.value(QStringLiteral("offset")).toInt(),
            100);
        QCOMPARE(agent.countOf(kList, kRelay2), 1);
        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 240);
        model.fetchMore({});
        QCOMPARE(
            agent.callsOf(kList, kRelay1).last().params.value(QStringLiteral("offset")).toInt(),
            200);
        agent.releaseHeld();
        QTRY_COMPARE(model.rowCount(), 290);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(agent.countOf(kList), 4);
    }

    void filterResetsAndRefetches() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            return okReply(params.contains(QStringLiteral("type"))
                               ? json(R"({"total": 0, "items": []})")
                               : json(kRelay1Page));
        });
        QuarantineModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 2);

        QuarantineModel::Filter filter;
        filter.types = {QStringLiteral("virus"), QStringLiteral("banned")};
        filter.recipient = QStringLiteral("carol");
        filter.minScore = 5.0;
        filter.since = 1699000000;
        model.setFilter(filter);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 0);
        QJsonObject params = agent.calls.last().params;
        QCOMPARE(params.value(QStringLiteral("type")).toArray().size(), 2);
        QCOMPARE(params.value(QStringLiteral("recipient")).toString(), QStringLiteral("carol"));
        QCOMPARE(params.value(QStringLiteral("min_score")).toDouble(), 5.0);
        QCOMPARE(params.value(QStringLiteral("since")).toInteger(), 1699000000);
        QCOMPARE(params.value(QStringLiteral("offset")).toInt(), 0);
        QVERIFY(!params.contains(QStringLiteral("until")));
        QVERIFY(!params.contains(QStringLiteral("sender")));
    }

    void failingRelayKeepsItsError() {
        FakeAgentCaller agent({kRelay1, kRelay2});
        agent.answer(kRelay1, kList, json(kRelay1Page));
        agent.fail(kRelay2, kList, RpcReply::kTimedOut,
                   QStringLiteral("relay2 did not answer within 60 s"));
        QuarantineModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy errors(&model, &QuarantineModel::errorOccurred);
        model.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.hostError(kRelay2), QStringLiteral("relay2 did not answer within 60 s"));
        QCOMPARE(errors.count(), 1);
        QVERIFY(!model.canFetchMore({}));
    }

    void staleRepliesAreDropped() {
        FakeAgentCaller agent({kRelay1});
        agent.answer(kRelay1, kList, [](const QJsonObject& params) {
            return okReply(params.contains(QStringLiteral("subject")) ? json(kRelay2Page)
                                                                      : json(kRelay1Page));
        });
        QuarantineModel model(&agent);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        agent.setHolding(true);
        model.refresh();
        QuarantineModel::Filter filter;
        filter.subject = QStringLiteral("Γειά");
        model.setFilter(filter);
        agent.setHolding(false);
        agent.releaseHeld();
        QVERIFY(agent.settle());
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, 0), QuarantineModel::FileRole).toString(),
                 QStringLiteral("badh-Lm5nO6pQ7rSt"));
    }
};

QTEST_GUILESS_MAIN(TestQuarantineModel)
#include "test_quarantine_model.moc"
