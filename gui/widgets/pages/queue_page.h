// The queue page: every host's mail queue in one table with a Host column (QueueModel,
// paged as the view scrolls), the filter bar, a qshape tab (QueueShapeModel) and the
// manual's queue actions - hold, release, requeue, delete - on the selected messages or
// on every message the filter matches. Each action first asks, saying how many messages
// on which hosts; the result, or each host's error, is shown in plain words. A double
// click (or Enter) opens the message viewer (queue.show).
#pragma once

#include <QPointer>

#include "agent_caller.h"
#include "page.h"
#include "pages/queue_action.h"

class QAction;
class QComboBox;
class QCheckBox;
class QLabel;
class QMessageBox;
class QTabWidget;
class QTableView;

namespace mailng::gui {

class QueueFilterBar;
class QueueModel;
class QueueShapeModel;
class RefreshTracker;

class QueuePage : public Page {
    Q_OBJECT
public:
    /// `caller` must outlive the page.
    explicit QueuePage(AgentCaller& caller, QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("queue"); }
    QString title() const override;
    void refresh() override;
    void focusSearch() override;
    void saveViewState(QSettings& settings) const override;
    void restoreViewState(const QSettings& settings) override;

    QueueModel* model() const { return model_; }
    QueueShapeModel* shapeModel() const { return shapeModel_; }
    QTableView* table() const { return table_; }
    QueueFilterBar* filterBar() const { return filterBar_; }

    /// Asks, then runs `action` on the selected messages (those it applies to).
    void actOnSelection(QueueAction action);
    /// Counts what the filter matches on every host, asks, then runs `action` with the
    /// filter on the hosts that have some.
    void actOnFilter(QueueAction action);
    /// The confirmation box shown now, or nullptr (tests answer it).
    QMessageBox* pendingConfirmation() const;
    /// The last action's result line.
    QString lastResult() const;

private:
    QWidget* buildMessagesTab();
    QWidget* buildShapeTab();
    QWidget* buildActionBar();
    QAction* addQueueAction(const QString& text, const QKeySequence& shortcut, QueueAction action);
    void act(QueueAction action);
    void applyFilter();
    void confirmAndRun(QueueAction action, const QMap<QString, QJsonObject>& paramsByHost,
                       const HostCounts& counts, const QString& note);
    void run(QueueAction action, const QMap<QString, QJsonObject>& paramsByHost);
    void showResult(const QString& text, bool allFailed);
    void updateSummary();
    void showMessage(const QModelIndex& index);
    void setBusy(bool busy);

    AgentCaller& caller_;
    QueueModel* model_;
    QueueShapeModel* shapeModel_;
    RefreshTracker* tracker_;
    QueueFilterBar* filterBar_;
    QTabWidget* tabs_;
    QTableView* table_ = nullptr;
    QTableView* shapeTable_ = nullptr;
    QComboBox* scope_ = nullptr;
    QComboBox* shapeBy_ = nullptr;
    QComboBox* shapeHost_ = nullptr;
    QCheckBox* shapeLinear_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* result_ = nullptr;
    QList<QAction*> actions_;
    QPointer<QMessageBox> confirmation_;
};

} // namespace mailng::gui
