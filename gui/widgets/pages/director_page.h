// The director page: every Dovecot director's view of the back-ends (DirectorModel:
// weight, state, users), polled while the page is shown, and the back-end maintenance
// wizard (BackendMaintenanceDialog) for the selected back-end. One wizard per back-end
// is kept while the page lives, so that a drained back-end can be brought back later
// with the weights that were remembered.
#pragma once

#include <QHash>
#include <QPointer>
#include <QTimer>

#include "agent_caller.h"
#include "page.h"

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace mailng::gui {

class BackendMaintenanceDialog;
class DirectorModel;
class RefreshTracker;

class DirectorPage : public Page {
    Q_OBJECT
public:
    /// `caller` must outlive the page.
    explicit DirectorPage(AgentCaller& caller, QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("director"); }
    QString title() const override;
    void refresh() override;
    void focusSearch() override;
    void saveViewState(QSettings& settings) const override;
    void restoreViewState(const QSettings& settings) override;

    /// Which cluster host has which address, to find a back-end's host from the
    /// address the directors list (address -> host name).
    void setHostAddresses(const QHash<QString, QString>& hostByAddress);
    /// How often the table is refreshed while shown (default 10 s; 0: never).
    void setPollInterval(int milliseconds);

    DirectorModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    /// Opens (or shows again) the wizard for the selected back-end.
    BackendMaintenanceDialog* openMaintenance();
    /// Opens (or shows again) the wizard for `backendAddress`.
    BackendMaintenanceDialog* openMaintenance(const QString& backendAddress);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateSummary();

    AgentCaller& caller_;
    DirectorModel* model_;
    RefreshTracker* tracker_;
    QSortFilterProxyModel* proxy_;
    QLineEdit* search_;
    QTableView* table_;
    QLabel* summary_;
    QTimer poll_;
    QHash<QString, QString> hostByAddress_;
    QHash<QString, QPointer<BackendMaintenanceDialog>> wizards_;
};

} // namespace mailng::gui
