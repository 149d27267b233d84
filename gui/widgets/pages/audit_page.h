// The audit page: every host's audit log merged newest first (AuditModel), filtered by
// user, action and age; the selected entry's params in full below the table.
#pragma once

#include "agent_caller.h"
#include "page.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace mailng::gui {

class AuditModel;
class RefreshTracker;

class AuditPage : public Page {
    Q_OBJECT
public:
    /// `caller` must outlive the page.
    explicit AuditPage(AgentCaller& caller, QWidget* parent = nullptr);

    QString pageName() const override { return QStringLiteral("audit"); }
    QString title() const override;
    void refresh() override;
    void focusSearch() override;
    void saveViewState(QSettings& settings) const override;
    void restoreViewState(const QSettings& settings) override;

    AuditModel* model() const { return model_; }
    QTableView* table() const { return table_; }

private:
    QWidget* buildFilterBar();
    void applyFilter();
    void showEntry(const QModelIndex& index);
    void updateSummary();

    AuditModel* model_;
    RefreshTracker* tracker_;
    QLineEdit* user_ = nullptr;
    QComboBox* method_ = nullptr;
    QComboBox* age_ = nullptr;
    QTableView* table_;
    QPlainTextEdit* entry_;
    QLabel* summary_;
};

} // namespace mailng::gui
