// The running console: the ClusterSession of the open cluster and the MainWindow over
// it with the standard pages. File > Open cluster offers the cluster choices and
// replaces both once another cluster file has been read without problems; until then
// the open cluster stays as it is.
//
// Thread: GUI thread only.
#pragma once

#include <QList>
#include <QObject>

#include <memory>

#include "host_connection.h"

namespace mailng::gui {

class ClusterSession;
class MainWindow;

class Console : public QObject {
    Q_OBJECT
public:
    explicit Console(QObject* parent = nullptr);
    ~Console() override;

    /// Builds the window over `endpoints`, restores the remembered window and page
    /// state, shows it and starts connecting. What was open before goes after the new
    /// window shows (so that the application never has no window and quits), and its
    /// window before its session (the window uses the session).
    void open(const QList<HostEndpoint>& endpoints);

    /// The open window and session; nullptr before open().
    MainWindow* window() const { return window_.get(); }
    ClusterSession* session() const { return session_.get(); }

    /// File > Open cluster: the cluster choices (FirstRunDialog) over the window. The
    /// chosen cluster is opened once the dialog has returned (it is the old window's
    /// child); cancelling changes nothing.
    void askForAnotherCluster();

signals:
    /// A cluster file was chosen and read without problems (to be remembered).
    void clusterFileChosen(const QString& path);
    /// A new window is up: after open(), or after another cluster replaced the old one.
    void opened();

private:
    std::unique_ptr<ClusterSession> session_;
    std::unique_ptr<MainWindow> window_;
};

} // namespace mailng::gui
