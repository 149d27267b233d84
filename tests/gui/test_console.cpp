// The console and File > Open cluster: the window over the open cluster; another
// cluster file, once read without problems, replaces the window and its session (the
// old window goes, the new one shows the new hosts); a broken file or a cancelled
// dialog leaves the open cluster as it is. Hosts are on 127.0.9.x port 1, where nothing
// listens: every connection is refused at once and no traffic leaves the machine.
#include <QAction>
#include <QMenuBar>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "cluster_draft.h"
#include "cluster_session.h"
#include "console.h"
#include "first_run_dialog.h"
#include "language.h"
#include "main_window.h"

using namespace mailng::gui;

namespace {

ClusterDraft draftWith(const QString& relay, const QString& backend) {
    ClusterDraft draft;
    draft.name = QStringLiteral("test");
    draft.domain = QStringLiteral("example.edu");
    draft.networks = {QStringLiteral("127.0.9.0/24")};
    draft.ldapUri = QStringLiteral("ldap://127.0.9.9:1/");
    draft.hosts = {{relay, QStringLiteral("relay"), QStringLiteral("127.0.9.1"),
                    QStringLiteral("root@127.0.9.1:1")},
                   {backend, QStringLiteral("backend"), QStringLiteral("127.0.9.2"),
                    QStringLiteral("root@127.0.9.2:1")}};
    return draft;
}

QAction* openClusterAction(MainWindow& window) {
    for (QAction* menu : window.menuBar()->actions())
        for (QAction* action : menu->menu() ? menu->menu()->actions() : QList<QAction*>{})
            if (action->shortcut() == QKeySequence(QKeySequence::Open))
                return action;
    return nullptr;
}

} // namespace

class TestConsole : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString write(const QString& name, const QString& text) {
        QString path = dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(text.toUtf8());
        return path;
    }

    /// A console open on hosts alpha and beta.
    void openFirst(Console& console) {
        auto endpoints = loadClusterEndpoints(
            write(QStringLiteral("first.toml"),
                  clusterFileText(draftWith(QStringLiteral("alpha"), QStringLiteral("beta")))));
        QVERIFY(endpoints);
        console.open(*endpoints);
    }

    FirstRunDialog* askedFor(Console& console) {
        QAction* open = openClusterAction(*console.window());
        if (!open)
            return nullptr;
        open->trigger();
        return console.window()->findChild<FirstRunDialog*>();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true); // QSettings of the window
        QVERIFY(Language::install(QStringLiteral("en")));
    }

    void anotherClusterReplacesTheWindowAndSession() {
        Console console;
        QSignalSpy opened(&console, &Console::opened);
        QSignalSpy chosen(&console, &Console::clusterFileChosen);
        openFirst(console);
        QCOMPARE(console.session()->hosts(), QStringList({QStringLiteral("alpha"), QStringLiteral("beta")}));
        QVERIFY(console.window()->isVisible());
        QPointer<MainWindow> old = console.window();

        FirstRunDialog* dialog = askedFor(console);
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        ClusterDraft noBackend = draftWith(QStringLiteral("gamma"), QStringLiteral("delta"));
        noBackend.hosts.removeLast();
        QVERIFY(!dialog->tryCluster(write(QStringLiteral("broken.toml"), clusterFileText(noBackend))));
        QVERIFY(dialog->problems().contains(QStringLiteral("backend")));
        QTest::qWait(50);
        QCOMPARE(console.window(), old.data());

        QString second = write(QStringLiteral("second.toml"),
                               clusterFileText(draftWith(QStringLiteral("gamma"),
                                                         QStringLiteral("delta"))));
        QVERIFY(dialog->tryCluster(second));
        QTRY_COMPARE(opened.count(), 2);
        QTRY_VERIFY(old.isNull());
        QCOMPARE(console.session()->hosts(), QStringList({QStringLiteral("gamma"), QStringLiteral("delta")}));
        QVERIFY(console.window()->isVisible());
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.at(0).at(0).toString(), second);
        QTRY_COMPARE(console.session()->state(QStringLiteral("gamma")),
                     HostConnection::State::Unreachable);
    }

    void cancellingKeepsTheCluster() {
        Console console;
        QSignalSpy opened(&console, &Console::opened);
        openFirst(console);
        QPointer<MainWindow> window = console.window();
        FirstRunDialog* dialog = askedFor(console);
        QVERIFY(dialog);
        dialog->reject();
        QTest::qWait(50);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(console.window(), window.data());
        QCOMPARE(console.session()->hosts(), QStringList({QStringLiteral("alpha"), QStringLiteral("beta")}));
    }
};

QTEST_MAIN(TestConsole)
#include "test_console.moc"
