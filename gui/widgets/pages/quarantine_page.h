// The quarantine page: the relays' amavisd quarantines in one table (QuarantineModel),
// a filter bar, the selected message's headers and score below, and the manual's two
// actions: release (to the original recipients or to chosen ones) and delete, each on
// the selected messages, with the result or each host's error in plain words.
#pragma once

#include <QPointer>

#include "agent_caller.h"
#include "page.h"

class QAction;
class QLabel;
class QMessageBox;
class QSplitter;
class QTableView;

namespace mailng::gui {

class QuarantineDetail;
class QuarantineFilterBar;
class QuarantineModel;
class QuarantineReleaseDialog;
class RefreshTracker;

class QuarantinePage : public Page {
    Q_OBJECT
public:
    /// `caller` must outlive the page.
    explicit QuarantinePage(AgentCaller& caller, QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("quarantine"); }
    QString title() const override;
    void refresh() override;
    void focusSearch() override;
    void saveViewState(QSettings& settings) const override;
    void restoreViewState(const QSettings& settings) override;

    QuarantineModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QuarantineDetail* detail() const { return detail_; }

    /// Opens the release dialog for the selected messages.
    void releaseSelection();
    /// Releases the selected messages; `recipients` empty: to the original ones.
    void release(const QStringList& recipients);
    /// Asks, then deletes the selected messages.
    void deleteSelection();

    QMessageBox* pendingConfirmation() const;
    QuarantineReleaseDialog* pendingRelease() const;
    QString lastResult() const;

private:
    QWidget* buildActionBar();
    QMap<QString, QStringList> selectedFiles() const;
    QStringList selectedRecipients() const;
    void run(const QString& method, const QMap<QString, QStringList>& files,
             const QJsonObject& extra, const std::function<QString(qint64)>& doneText);
    void currentChanged(const QModelIndex& index);
    void showResult(const QString& text, bool allFailed);
    void updateSummary();
    void setBusy(bool busy);

    AgentCaller& caller_;
    QuarantineModel* model_;
    RefreshTracker* tracker_;
    QuarantineFilterBar* filterBar_;
    QSplitter* splitter_;
    QTableView* table_;
    QuarantineDetail* detail_;
    QLabel* summary_;
    QLabel* result_ = nullptr;
    QList<QAction*> actions_;
    QPointer<QMessageBox> confirmation_;
    QPointer<QuarantineReleaseDialog> releaseDialog_;
};

} // namespace mailng::gui
