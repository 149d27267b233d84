// The quarantine page over a fake agent: the detail shows the selected message's score
// and headers; release goes to the original or to chosen recipients with the files of
// each host; delete asks first; an agent's refusal is shown in its words.
#include <QAbstractButton>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "models/quarantine_model.h"
#include "pages/quarantine_detail.h"
#include "pages/quarantine_page.h"
#include "pages/quarantine_release_dialog.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kElysso = QStringLiteral("elysso");
const QString kGorgo = QStringLiteral("gorgo");

const char* const kTheanoList = R"({"total": 1, "items": [
  {"mail_id": "Xy3kP0aB9cDe", "file": "spam-Xy3kP0aB9cDe.gz", "type": "spam",
   "sender": "spammer@bad.example", "recipients": ["alice@example.org", "bob@example.org"],
   "blocked_recipients": [], "subject": "GTUBE", "from": "Spammer <spammer@bad.example>",
   "date": "", "score": 1003.5, "spam_flag": true, "alert": "", "size": 3072,
   "complete": true, "time": 1700000000}]})";

const char* const kElyssoList = R"({"total": 1, "items": [
  {"mail_id": "Vq8mN2bC4dEf", "file": "spam-Vq8mN2bC4dEf.gz", "type": "spam",
   "sender": "x@bad.example", "recipients": ["carol@example.org"], "blocked_recipients": [],
   "subject": "hello", "from": "x@bad.example", "date": "", "score": 25.0, "spam_flag": true,
   "alert": "", "size": 2048, "complete": true, "time": 1700000100}]})";

const char* const kShow = R"({"entry": {"mail_id": "Xy3kP0aB9cDe", "file": "spam-Xy3kP0aB9cDe.gz",
   "type": "spam", "sender": "spammer@bad.example", "recipients": ["alice@example.org"],
   "blocked_recipients": [], "subject": "GTUBE", "from": "Spammer <spammer@bad.example>",
   "date": "", "score": 1003.5, "spam_flag": true, "alert": "", "size": 3072,
   "complete": true, "time": 1700000000},
   "message": "X-Spam-Flag: YES\nX-Spam-Score: 1003.5\nSubject: GTUBE\n\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE",
   "truncated": false})";

QAbstractButton* yesButton(QMessageBox* box) {
    for (QAbstractButton* button : box->buttons())
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            return button;
    return nullptr;
}

int rowOfHost(QTableView* table, const QString& host) {
    for (int row = 0; row < table->model()->rowCount(); ++row)
        if (table->model()->index(row, QuarantineModel::HostColumn).data().toString() == host)
            return row;
    return -1;
}

} // namespace

class TestQuarantinePage : public QObject {
    Q_OBJECT
    std::unique_ptr<FakeAgentCaller> agent;
    std::unique_ptr<QuarantinePage> page;

    void selectHost(const QString& host) {
        QTableView* table = page->table();
        table->selectRow(rowOfHost(table, host));
    }

private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void init() {
        agent = std::make_unique<FakeAgentCaller>(QStringList{kTheano, kElysso, kGorgo});
        agent->answer(kTheano, QStringLiteral("quarantine.list"), json(kTheanoList));
        agent->answer(kElysso, QStringLiteral("quarantine.list"), json(kElyssoList));
        agent->fail(kGorgo, QStringLiteral("quarantine.list"), -32010,
                    QStringLiteral("not supported here: amavisd"));
        agent->answer(kTheano, QStringLiteral("quarantine.show"), json(kShow));
        page = std::make_unique<QuarantinePage>(*agent);
        page->refresh();
        QVERIFY(agent->settle());
        QCOMPARE(page->model()->rowCount(), 2);
    }

    void cleanup() { page.reset(); }

    void detailShowsScoreAndHeaders() {
        QSignalSpy loaded(page->detail(), &QuarantineDetail::loaded);
        page->table()->setCurrentIndex(
            page->table()->model()->index(rowOfHost(page->table(), kTheano), 0));
        QVERIFY(loaded.wait());
        QVERIFY2(page->detail()->summaryText().contains(QStringLiteral("Score: 1,003.5")),
                 qPrintable(page->detail()->summaryText()));
        QCOMPARE(page->detail()->headersText(),
                 QStringLiteral("X-Spam-Flag: YES\nX-Spam-Score: 1003.5\nSubject: GTUBE"));
        QCOMPARE(agent->callsOf(QStringLiteral("quarantine.show"))[0].params.value(
                     QStringLiteral("file")),
                 QJsonValue(QStringLiteral("spam-Xy3kP0aB9cDe.gz")));
    }

    void releaseToTheOriginalRecipients() {
        agent->answer(kTheano, QStringLiteral("quarantine.release"),
                      json(R"({"affected": 1, "results": []})"));
        selectHost(kTheano);
        page->releaseSelection();
        QuarantineReleaseDialog* dialog = page->pendingRelease();
        QVERIFY(dialog);
        QVERIFY(!dialog->toChosen());
        dialog->accept();
        QVERIFY(agent->settle());
        auto calls = agent->callsOf(QStringLiteral("quarantine.release"), kTheano);
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].params.value(QStringLiteral("files")).toArray(),
                 QJsonArray{QStringLiteral("spam-Xy3kP0aB9cDe.gz")});
        QVERIFY(!calls[0].params.contains(QStringLiteral("recipients")));
        QCOMPARE(page->lastResult(), QStringLiteral("1 message released."));
    }

    void releaseToChosenRecipients() {
        agent->answer(kTheano, QStringLiteral("quarantine.release"),
                      json(R"({"affected": 1, "results": []})"));
        selectHost(kTheano);
        page->releaseSelection();
        QuarantineReleaseDialog* dialog = page->pendingRelease();
        dialog->addRecipient(QStringLiteral("bob@example.org"));
        QCOMPARE(dialog->chosenRecipients(), QStringList{QStringLiteral("bob@example.org")});
        dialog->accept();
        QVERIFY(agent->settle());
        auto calls = agent->callsOf(QStringLiteral("quarantine.release"), kTheano);
        QCOMPARE(calls[0].params.value(QStringLiteral("recipients")).toArray(),
                 QJsonArray{QStringLiteral("bob@example.org")});
    }

    void releaseRefusedShowsTheAgentsWords() {
        agent->fail(kTheano, QStringLiteral("quarantine.release"), -32000,
                    QStringLiteral("amavisd-release: 450 4.5.0 Failure: no such file"));
        selectHost(kTheano);
        page->release({});
        QVERIFY(agent->settle());
        QCOMPARE(
            page->lastResult(),
            QStringLiteral("Failed on theano: amavisd-release: 450 4.5.0 Failure: no such file."));
    }

    void deleteAsksWithHostsAndSendsTheFiles() {
        agent->answer(kTheano, QStringLiteral("quarantine.delete"), json(R"({"affected": 1})"));
        agent->answer(kElysso, QStringLiteral("quarantine.delete"), json(R"({"affected": 1})"));
        page->table()->selectAll();
        page->deleteSelection();
        QMessageBox* box = page->pendingConfirmation();
        QVERIFY(box);
        QVERIFY(box->text().startsWith(
            QStringLiteral("Delete 2 quarantined messages on elysso: 1, theano: 1?")));
        yesButton(box)->click();
        QVERIFY(agent->settle());
        QCOMPARE(agent->countOf(QStringLiteral("quarantine.delete")), 2);
        QCOMPARE(page->lastResult(), QStringLiteral("2 messages deleted (elysso: 1, theano: 1)."));
    }

    void nothingSelected() {
        page->releaseSelection();
        QVERIFY(!page->pendingRelease());
        QCOMPARE(page->lastResult(), QStringLiteral("Select the messages to release first."));
    }
};

QTEST_MAIN(TestQuarantinePage)
#include "test_quarantine_page.moc"
