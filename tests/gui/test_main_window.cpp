// The main window as a composer: page list and Ctrl+1..5, F5 / Ctrl+R refresh the
// current page, Ctrl+F focuses its search, the last page and the geometry come back
// from the settings, the language menu stores the choice, and the status bar follows
// each host's connection state. Pages are stubs; the session never connects.
#include <QAction>
#include <QListWidget>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include "cluster_session.h"
#include "host_state_bar.h"
#include "language.h"
#include "main_window.h"
#include "page.h"

using namespace mailng::gui;

namespace {

class StubPage : public Page {
public:
    StubPage(QString name) : name_(std::move(name)) {}
    QString pageName() const override { return name_; }
    QString title() const override { return name_.toUpper(); }
    void refresh() override {
        ++refreshes;
        emit refreshFinished();
    }
    void focusSearch() override { ++searches; }
    void saveViewState(QSettings& settings) const override {
        settings.setValue(QStringLiteral("marker"), name_);
    }
    void restoreViewState(const QSettings& settings) override {
        restored = settings.value(QStringLiteral("marker")).toString();
    }
    int refreshes = 0;
    int searches = 0;
    QString restored;

private:
    QString name_;
};

HostEndpoint endpoint(const QString& name) {
    HostEndpoint e;
    e.name = name;
    e.address = QStringLiteral("192.0.2.1");
    return e;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir config;

    struct Fixture {
        ClusterSession session{
            {endpoint(QStringLiteral("theano")), endpoint(QStringLiteral("gorgo"))}};
        MainWindow window{session};
        QList<StubPage*> pages;
        Fixture() {
            for (const char* name : {"dashboard", "queue", "quarantine", "director", "audit"}) {
                auto* page = new StubPage(QString::fromLatin1(name));
                pages << page;
                window.addPage(page);
            }
        }
    };

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("mailng-test"));
        QCoreApplication::setApplicationName(QStringLiteral("mailng-test"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config.path());
        QSettings().clear();
    }

    void firstPageIsShownAndRefreshed() {
        Fixture f;
        QCOMPARE(f.window.currentPage(), f.pages[0]);
        QCOMPARE(f.pages[0]->refreshes, 1);
        QCOMPARE(f.pages[1]->refreshes, 0); // only when first shown
    }

    void ctrlDigitsShowPages() {
        Fixture f;
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        QTest::keyClick(&f.window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(f.window.currentPage(), f.pages[2]);
        QCOMPARE(f.pages[2]->refreshes, 1);
        QTest::keyClick(&f.window, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(f.window.currentPage()->pageName(), QStringLiteral("audit"));
        QTest::keyClick(&f.window, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(f.pages[2]->refreshes, 1); // shown again, not stale
    }

    void refreshAndSearchShortcuts() {
        Fixture f;
        f.window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.window));
        QTest::keyClick(&f.window, Qt::Key_F5);
        QCOMPARE(f.pages[0]->refreshes, 2);
        QTest::keyClick(&f.window, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(f.pages[0]->refreshes, 3);
        QTest::keyClick(&f.window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(f.pages[0]->searches, 1);
    }

    void pagesByName() {
        Fixture f;
        QVERIFY(f.window.showPage(QStringLiteral("director")));
        QCOMPARE(f.window.currentPage(), f.pages[3]);
        QVERIFY(!f.window.showPage(QStringLiteral("nonsense")));
        QCOMPARE(f.window.currentPage(), f.pages[3]);
    }

    void settingsRemembered() {
        {
            Fixture f;
            f.window.showPage(QStringLiteral("quarantine"));
            f.window.resize(900, 600);
            f.window.saveSettings();
        }
        Fixture f;
        f.window.restoreSettings();
        QCOMPARE(f.window.currentPage()->pageName(), QStringLiteral("quarantine"));
        QCOMPARE(f.pages[4]->restored, QStringLiteral("audit"));
        QCOMPARE(QSettings().value(QStringLiteral("window/page")).toString(),
                 QStringLiteral("quarantine"));
    }

    void languageMenuStoresTheChoice() {
        Fixture f;
        QAction* greek = nullptr;
        for (QAction* action : f.window.findChildren<QAction*>())
            if (action->data().toString() == QLatin1String("el"))
                greek = action;
        QVERIFY(greek);
        greek->trigger();
        QCOMPARE(Language::stored(QSettings()), Language::Choice::Greek);
        QVERIFY(f.window.statusBar()->currentMessage().contains(QStringLiteral("started again")));
        QSettings settings;
        Language::store(settings, Language::Choice::System);
    }

    void statusBarFollowsHostStates() {
        Fixture f;
        HostStateBar* bar = f.window.hostStateBar();
        QCOMPARE(bar->entryText(QStringLiteral("theano")), QStringLiteral("theano: not connected"));
        emit f.session.hostStateChanged(QStringLiteral("gorgo"), HostConnection::State::Unreachable,
                                        QStringLiteral("connection refused"));
        QCOMPARE(bar->entryText(QStringLiteral("gorgo")), QStringLiteral("gorgo: unreachable"));
        QVERIFY(bar->entryToolTip(QStringLiteral("gorgo"))
                    .contains(QStringLiteral("connection refused")));
    }

    void aHostThatConnectsRefreshesTheCurrentPage() {
        Fixture f;
        int before = f.pages[0]->refreshes;
        emit f.session.hostStateChanged(QStringLiteral("theano"), HostConnection::State::Connected,
                                        QString());
        emit f.session.hostStateChanged(QStringLiteral("gorgo"), HostConnection::State::Connected,
                                        QString());
        QTRY_COMPARE(f.pages[0]->refreshes, before + 1); // debounced: one refresh for both
        f.window.showPageAt(1);
        QCOMPARE(f.pages[1]->refreshes, 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
