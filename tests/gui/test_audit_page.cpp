// The audit page over a fake agent: the merged entries, the filter passed on to
// audit.list, and the selected entry's params in full.
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "models/audit_model.h"
#include "pages/audit_page.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kGorgo = QStringLiteral("gorgo");

const char* const kTheanoLog = R"({"total": 1, "items": [
  {"id": 7, "time": 1700000300, "host": "theano", "user": "root", "method": "queue.hold",
   "params": {"queue_ids": ["AAA111"], "skip_missing": true}, "outcome": "ok", "affected": 1,
   "error": ""}]})";
const char* const kGorgoLog = R"({"total": 1, "items": [
  {"id": 3, "time": 1700000100, "host": "gorgo", "user": "root", "method": "director.kick",
   "params": {"network": "0.0.0.0/0"}, "outcome": "ok", "affected": 2, "error": ""}]})";

} // namespace

class TestAuditPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void mergedFilteredAndShown() {
        FakeAgentCaller agent({kTheano, kGorgo});
        agent.answer(kTheano, QStringLiteral("audit.list"), json(kTheanoLog));
        agent.answer(kGorgo, QStringLiteral("audit.list"), json(kGorgoLog));
        AuditPage page(agent);
        page.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(page.model()->rowCount(), 2);
        QCOMPARE(page.model()->index(0, AuditModel::HostColumn).data().toString(), kTheano);

        page.table()->setCurrentIndex(page.model()->index(0, 0));
        QString entry = page.findChild<QPlainTextEdit*>()->toPlainText();
        QVERIFY2(entry.contains(QStringLiteral("\"AAA111\"")), qPrintable(entry));

        page.focusSearch();
        auto* user = page.findChild<QLineEdit*>();
        user->setText(QStringLiteral("root"));
        auto* method = page.findChildren<QComboBox*>().at(0);
        method->setCurrentIndex(method->findData(QStringLiteral("director.kick")));
        emit user->returnPressed();
        QVERIFY(agent.settle());
        QJsonObject params = agent.callsOf(QStringLiteral("audit.list"), kGorgo).last().params;
        QCOMPARE(params.value(QStringLiteral("user")).toString(), QStringLiteral("root"));
        QCOMPARE(params.value(QStringLiteral("method")).toString(),
                 QStringLiteral("director.kick"));
    }
};

QTEST_MAIN(TestAuditPage)
#include "test_audit_page.moc"
