// The director page over a fake agent: the directors' rows, and the maintenance wizard
// opened for the selected back-end with the directors that answered and the back-end's
// host found by address - one wizard per back-end, kept while the page lives.
#include <QComboBox>
#include <QTableView>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "mailng/jsonrpc.h"
#include "models/director_model.h"
#include "pages/backend_maintenance_dialog.h"
#include "pages/director_page.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kElysso = QStringLiteral("elysso");
const QString kGorgo = QStringLiteral("gorgo");

const char* const kStatus = R"({"backends": [
  {"address": "192.0.2.113", "tag": "", "weight": 100, "state": "up", "state_changed": "", "users": 7},
  {"address": "192.0.2.114", "tag": "", "weight": 100, "state": "up", "state_changed": "", "users": 5}],
  "users": 12})";

} // namespace

class TestDirectorPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void wizardForTheSelectedBackend() {
        FakeAgentCaller agent({kTheano, kElysso, kGorgo});
        agent.answer(kTheano, QStringLiteral("director.status"), json(kStatus));
        agent.answer(kElysso, QStringLiteral("director.status"), json(kStatus));
        agent.fail(kGorgo, QStringLiteral("director.status"), mailng::jsonrpc::not_supported,
                   QStringLiteral("not supported here: Dovecot director"));
        DirectorPage page(agent);
        page.setPollInterval(0);
        page.setHostAddresses({{QStringLiteral("192.0.2.113"), kGorgo}});
        page.refresh();
        QVERIFY(agent.settle());
        QCOMPARE(page.model()->rowCount(), 4);
        QCOMPARE(page.model()->directors(), (QStringList{kTheano, kElysso}));

        QVERIFY(!page.openMaintenance()); // nothing selected
        QTableView* table = page.table();
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            QModelIndex index = table->model()->index(row, DirectorModel::BackendColumn);
            if (index.data().toString() == QLatin1String("192.0.2.113")) {
                table->setCurrentIndex(index);
                break;
            }
        }
        BackendMaintenanceDialog* wizard = page.openMaintenance();
        QVERIFY(wizard);
        QVERIFY(wizard->windowTitle().contains(QStringLiteral("192.0.2.113")));
        auto* host = wizard->findChild<QComboBox*>();
        QCOMPARE(host->currentText(), kGorgo);
        QCOMPARE(host->count(), 1); // directors are not offered as the back-end's host
        QCOMPARE(page.openMaintenance(QStringLiteral("192.0.2.113")), wizard);
        QVERIFY(page.openMaintenance(QStringLiteral("192.0.2.114")) != wizard);
    }
};

QTEST_MAIN(TestDirectorPage)
#include "test_director_page.moc"
