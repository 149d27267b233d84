#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>

#include "cluster_session.h"
#include "connection_prompts.h"
#include "host_state_bar.h"
#include "language.h"
#include "page.h"

namespace mailng::gui {
namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kSplitterKey = QStringLiteral("window/splitter");
const QString kPageKey = QStringLiteral("window/page");
constexpr int kStatusMessageMs = 15000;
constexpr int kReconnectRefreshMs = 300;

} // namespace

MainWindow::MainWindow(ClusterSession& session, QWidget* parent)
    : QMainWindow(parent), session_(session), pageList_(new QListWidget(this)),
      stack_(new QStackedWidget(this)), hostStateBar_(new HostStateBar(this)),
      prompts_(new ConnectionPrompts(session, this)) {
    setWindowTitle(tr("mailng console"));
    auto* splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    pageList_->setObjectName(QStringLiteral("pageList"));
    pageList_->setMaximumWidth(220);
    splitter->addWidget(pageList_);
    splitter->addWidget(stack_);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({160, 1040});
    setCentralWidget(splitter);
    statusBar()->addPermanentWidget(hostStateBar_);
    hostStateBar_->setHosts(session.hosts());
    for (const QString& host : session.hosts())
        hostStateBar_->setHostState(host, session.state(host), session.reason(host));
    connect(&session, &ClusterSession::hostStateChanged, this, &MainWindow::hostStateChanged);
    connect(pageList_, &QListWidget::currentRowChanged, this, &MainWindow::pageSelected);
    reconnectRefresh_.setSingleShot(true);
    reconnectRefresh_.setInterval(kReconnectRefreshMs);
    connect(&reconnectRefresh_, &QTimer::timeout, this, &MainWindow::refreshCurrentPage);
    buildMenus();
    buildShortcuts();
    resize(1200, 780);
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(Page* page) {
    pages_ << page;
    stale_.insert(page);
    stack_->addWidget(page);
    pageList_->addItem(page->title());
    connect(page, &Page::statusMessage, this, &MainWindow::showStatusMessage);
    if (pages_.size() == 1)
        pageList_->setCurrentRow(0);
}

Page* MainWindow::currentPage() const {
    return qobject_cast<Page*>(stack_->currentWidget());
}

bool MainWindow::showPage(const QString& name) {
    for (int i = 0; i < pages_.size(); ++i) {
        if (pages_[i]->pageName() == name) {
            showPageAt(i);
            return true;
        }
    }
    return false;
}

void MainWindow::showPageAt(int index) {
    if (index >= 0 && index < pages_.size())
        pageList_->setCurrentRow(index);
}

void MainWindow::pageSelected(int index) {
    if (index < 0 || index >= pages_.size())
        return;
    Page* page = pages_[index];
    stack_->setCurrentWidget(page);
    if (stale_.remove(page))
        page->refresh();
    emit currentPageChanged(page);
}

void MainWindow::refreshCurrentPage() {
    Page* page = currentPage();
    if (!page)
        return;
    stale_ = QSet<Page*>(pages_.begin(), pages_.end());
    stale_.remove(page);
    page->refresh();
}

void MainWindow::hostStateChanged(const QString& host, HostConnection::State state,
                                  const QString& reason) {
    hostStateBar_->setHostState(host, state, reason);
    if (state == HostConnection::State::Connected)
        reconnectRefresh_.start();
}

void MainWindow::showStatusMessage(const QString& text) {
    statusBar()->showMessage(text, kStatusMessageMs);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open cluster…"), this, &MainWindow::openClusterRequested);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshCurrentPage);
    refresh->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_R)});
    QAction* search = view->addAction(tr("&Search"), this, [this] {
        if (Page* page = currentPage())
            page->focusSearch();
    });
    search->setShortcut(QKeySequence::Find);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    buildLanguageMenu(settings->addMenu(tr("&Language")));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About mailng"), this, &MainWindow::showAbout);
}

void MainWindow::buildLanguageMenu(QMenu* menu) {
    auto* group = new QActionGroup(menu);
    QSettings settings;
    Language::Choice current = Language::stored(settings);
    for (auto choice :
         {Language::Choice::System, Language::Choice::English, Language::Choice::Greek}) {
        QAction* action = menu->addAction(Language::displayName(choice));
        action->setCheckable(true);
        action->setChecked(choice == current);
        action->setData(Language::settingValue(choice));
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, choice] {
            QSettings settings;
            Language::store(settings, choice);
            showStatusMessage(tr("The language changes when the console is started again."));
        });
    }
}

void MainWindow::buildShortcuts() {
    for (int i = 0; i < 9; ++i) {
        auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)), this);
        connect(shortcut, &QShortcut::activated, this, [this, i] { showPageAt(i); });
    }
}

void MainWindow::showAbout() {
    auto* box = new QMessageBox(QMessageBox::Information, tr("About mailng"),
                                tr("<p><b>mailng console</b> %1</p><p>Manages a Postfix, Dovecot "
                                   "and amavisd mail cluster through the mailng agent on each "
                                   "host.</p>")
                                    .arg(QStringLiteral(MAILNG_VERSION)),
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    for (Page* page : pages_) {
        settings.beginGroup(QStringLiteral("pages/") + page->pageName());
        page->restoreViewState(settings);
        settings.endGroup();
    }
    showPage(settings.value(kPageKey).toString());
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    if (auto* splitter = findChild<QSplitter*>(QStringLiteral("mainSplitter")))
        settings.setValue(kSplitterKey, splitter->saveState());
    if (Page* page = currentPage())
        settings.setValue(kPageKey, page->pageName());
    for (Page* page : pages_) {
        settings.beginGroup(QStringLiteral("pages/") + page->pageName());
        page->saveViewState(settings);
        settings.endGroup();
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    event->accept();
}

} // namespace mailng::gui
