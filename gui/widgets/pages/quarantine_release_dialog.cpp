#include "quarantine_release_dialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace mailng::gui {

QuarantineReleaseDialog::QuarantineReleaseDialog(const QStringList& recipients, int messages,
                                                 QWidget* parent)
    : QDialog(parent), toAll_(new QRadioButton(tr("To the original recipients"), this)),
      toChosen_(new QRadioButton(tr("Only to the recipients ticked below"), this)),
      list_(new QListWidget(this)), extra_(new QLineEdit(this)) {
    setWindowTitle(tr("Release from quarantine"));
    toAll_->setChecked(true);
    for (const QString& address : recipients) {
        auto* item = new QListWidgetItem(address, list_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    extra_->setPlaceholderText(tr("another address"));
    auto* add = new QPushButton(tr("Add"), this);
    auto* extraRow = new QHBoxLayout;
    extraRow->addWidget(extra_);
    extraRow->addWidget(add);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    ok_ = buttons->addButton(tr("Release"), QDialogButtonBox::AcceptRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Release %n message(s):", nullptr, messages), this));
    layout->addWidget(toAll_);
    layout->addWidget(toChosen_);
    layout->addWidget(list_);
    layout->addLayout(extraRow);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] {
        addRecipient(extra_->text().trimmed());
        extra_->clear();
    });
    connect(extra_, &QLineEdit::returnPressed, add, &QPushButton::click);
    connect(list_, &QListWidget::itemChanged, this, [this] {
        toChosen_->setChecked(true);
        updateOk();
    });
    connect(toAll_, &QRadioButton::toggled, this, &QuarantineReleaseDialog::updateOk);
    updateOk();
}

QStringList QuarantineReleaseDialog::chosenRecipients() const {
    QStringList chosen;
    if (!toChosen())
        return chosen;
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->checkState() == Qt::Checked)
            chosen << list_->item(i)->text();
    return chosen;
}

bool QuarantineReleaseDialog::toChosen() const {
    return toChosen_->isChecked();
}

void QuarantineReleaseDialog::addRecipient(const QString& address) {
    if (address.isEmpty())
        return;
    QList<QListWidgetItem*> found = list_->findItems(address, Qt::MatchFixedString);
    QListWidgetItem* item = found.isEmpty() ? new QListWidgetItem(address, list_) : found.front();
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
    toChosen_->setChecked(true);
    updateOk();
}

void QuarantineReleaseDialog::updateOk() {
    ok_->setEnabled(!toChosen() || !chosenRecipients().isEmpty());
}

} // namespace mailng::gui
