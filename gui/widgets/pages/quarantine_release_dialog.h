// Where to release quarantined messages to: their original recipients, or only the
// addresses the admin ticks or adds (amavisd-release's recipient list).
#pragma once

#include <QDialog>
#include <QStringList>

class QLineEdit;
class QListWidget;
class QRadioButton;

namespace mailng::gui {

class QuarantineReleaseDialog : public QDialog {
    Q_OBJECT
public:
    /// `recipients`: the original recipients of the `messages` selected.
    QuarantineReleaseDialog(const QStringList& recipients, int messages, QWidget* parent = nullptr);

    /// Empty: to the original recipients; else only to these addresses.
    QStringList chosenRecipients() const;
    /// Whether the admin chose "only to these" (then chosenRecipients() is not empty
    /// when the dialog was accepted).
    bool toChosen() const;

    /// Ticks or adds `address` in the list and selects "only to these" (tests, and the
    /// Add button).
    void addRecipient(const QString& address);

private:
    void updateOk();

    QRadioButton* toAll_;
    QRadioButton* toChosen_;
    QListWidget* list_;
    QLineEdit* extra_;
    QPushButton* ok_ = nullptr;
};

} // namespace mailng::gui
