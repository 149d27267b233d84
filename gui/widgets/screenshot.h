// `mailng --screenshot OUT.png`: waits until every host has had its first outcome
// (connected, refused or unreachable), refreshes the current page, waits for that
// refresh to finish, lets the window paint, saves the window as an image and reports.
// A deadline bounds the whole wait; at the deadline the window is saved as it is.
#pragma once

#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include "host_connection.h"

namespace mailng::gui {

class ClusterSession;
class MainWindow;

class ScreenshotTaker : public QObject {
    Q_OBJECT
public:
    /// `window` and `session` must outlive this object. Nothing happens before start().
    ScreenshotTaker(MainWindow& window, ClusterSession& session, QString outputFile,
                    QObject* parent = nullptr);

    /// The longest wait in all (default 90 s).
    void setDeadline(int milliseconds) { deadline_.setInterval(milliseconds); }
    void start();

signals:
    /// The image was saved (ok) or could not be; `message` says where or why.
    void finished(bool ok, const QString& message);

private:
    void hostStateChanged(const QString& host, HostConnection::State state);
    void maybeRefresh();
    void refreshDone();
    void save();

    MainWindow& window_;
    ClusterSession& session_;
    QString outputFile_;
    QSet<QString> settled_;
    bool refreshing_ = false;
    bool saved_ = false;
    QTimer deadline_;
};

} // namespace mailng::gui
