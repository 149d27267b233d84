// The back-end maintenance wizard's window over a BackendDrain: which back-end (and
// which cluster host it is), the steps with their state, a progress bar, the sessions
// left, a log of what each director and the back-end answered, and the buttons Start,
// Stop (at any step), Bring back and Close. Non-modal; Close is refused while a step
// runs (Stop first), so that no change is left half-done unseen.
#pragma once

#include <QDialog>
#include <QHash>
#include <QStringList>

#include "agent_caller.h"
#include "pages/backend_drain.h"

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace mailng::gui {

class BackendMaintenanceDialog : public QDialog {
    Q_OBJECT
public:
    /// `backendAddress` as the directors list it; `hosts` are the cluster's hosts to
    /// choose the back-end's host from, `backendHost` the one preselected (may be
    /// empty); `directors` the hosts that run a director. `caller` must outlive the
    /// dialog.
    BackendMaintenanceDialog(AgentCaller& caller, const QString& backendAddress,
                             const QString& backendHost, const QStringList& hosts,
                             const QStringList& directors, QWidget* parent = nullptr);

    /// The machine, created at Start (nullptr before).
    BackendDrain* drain() const { return drain_; }
    /// Polling interval for the machine created at Start (tests shorten it).
    void setPollInterval(int milliseconds) { pollInterval_ = milliseconds; }

    QPushButton* startButton() const { return start_; }
    QPushButton* stopButton() const { return stop_; }
    QPushButton* bringBackButton() const { return bringBack_; }
    QString logText() const;

    /// The steps shown in the list, in order.
    static const QList<BackendDrain::Step>& listedSteps();

    /// Close and Escape: refused (with a line in the log) while a step runs.
    void reject() override;

private:
    void startDrain();
    void stepChanged(BackendDrain::Step step);
    void mark(BackendDrain::Step step, const QString& marker);
    void log(const QString& line);
    void updateButtons();

    AgentCaller& caller_;
    QString backendAddress_;
    QStringList directors_;
    BackendDrain* drain_ = nullptr;
    BackendDrain::Step running_ = BackendDrain::Step::Idle;
    int pollInterval_ = 2000;
    QComboBox* host_;
    QListWidget* steps_;
    QHash<int, QListWidgetItem*> items_;
    QProgressBar* progress_;
    QLabel* sessions_;
    QPlainTextEdit* log_;
    QPushButton* start_;
    QPushButton* stop_;
    QPushButton* bringBack_;
    QPushButton* close_;
};

} // namespace mailng::gui
