// The console's window. It only composes: a list of pages on the left (Dashboard,
// Queue, Quarantine, Director, Audit) over a stack of Page widgets, the hosts'
// connection states in the status bar, the SSH prompts (ConnectionPrompts), the menus
// and shortcuts, and what is remembered between runs. What a page shows and does is in
// the page's own class.
//
// Shortcuts: F5 and Ctrl+R refresh the current page, Ctrl+F focuses its search field,
// Ctrl+1..Ctrl+9 show the pages in order, Ctrl+O opens another cluster, Ctrl+Q quits.
// Remembered (QSettings): window geometry and state, the last page, each page's view
// state (under "pages/NAME"), the language (Settings > Language; applies at the next
// start).
// Refreshing: a page refreshes when first shown, on F5, and - debounced - when a host
// (re)connects; the other pages are refreshed when next shown.
#pragma once

#include <QList>
#include <QMainWindow>
#include <QSet>
#include <QTimer>

#include "host_connection.h"

class QActionGroup;
class QListWidget;
class QStackedWidget;

namespace mailng::gui {

class ClusterSession;
class ConnectionPrompts;
class HostStateBar;
class Page;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `session` must outlive the window; its hosts appear in the status bar and its
    /// prompts are asked here.
    explicit MainWindow(ClusterSession& session, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Adds a page after the others (the window takes it as a child).
    void addPage(Page* page);
    QList<Page*> pages() const { return pages_; }
    Page* currentPage() const;
    /// Shows the page named `name` (Page::pageName); false if there is none.
    bool showPage(const QString& name);
    void showPageAt(int index);

    /// Restores geometry, state, the last page and the pages' view states; call after
    /// the pages were added and before show().
    void restoreSettings();
    void saveSettings() const;

    HostStateBar* hostStateBar() const { return hostStateBar_; }
    ConnectionPrompts* prompts() const { return prompts_; }

    /// Refreshes the current page now (F5).
    void refreshCurrentPage();

signals:
    void currentPageChanged(mailng::gui::Page* page);
    /// File > Open cluster (Ctrl+O): whoever made the window offers the cluster choice
    /// and replaces the window; the window itself stays on its cluster.
    void openClusterRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildLanguageMenu(QMenu* menu);
    void buildShortcuts();
    void pageSelected(int index);
    void hostStateChanged(const QString& host, HostConnection::State state, const QString& reason);
    void showStatusMessage(const QString& text);
    void showAbout();

    ClusterSession& session_;
    QListWidget* pageList_;
    QStackedWidget* stack_;
    HostStateBar* hostStateBar_;
    ConnectionPrompts* prompts_;
    QList<Page*> pages_;
    QSet<Page*> stale_;
    QTimer reconnectRefresh_;
};

} // namespace mailng::gui
