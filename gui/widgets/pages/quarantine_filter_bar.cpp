#include "quarantine_filter_bar.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace mailng::gui {

QuarantineFilterBar::QuarantineFilterBar(QWidget* parent)
    : QWidget(parent), type_(new QComboBox(this)), minScore_(new QDoubleSpinBox(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    type_->addItem(tr("Every type"), QString());
    type_->addItem(tr("Spam"), QStringLiteral("spam"));
    type_->addItem(tr("Virus"), QStringLiteral("virus"));
    type_->addItem(tr("Banned file"), QStringLiteral("banned"));
    type_->addItem(tr("Bad header"), QStringLiteral("bad_header"));
    layout->addWidget(type_);
    sender_ = addField(tr("Sender or From contains"));
    recipient_ = addField(tr("Recipient contains"));
    subject_ = addField(tr("Subject contains"));
    minScore_->setRange(-1000, 1000);
    minScore_->setDecimals(1);
    minScore_->setValue(minScore_->minimum());
    minScore_->setSpecialValueText(tr("any score"));
    minScore_->setPrefix(tr("score ≥ "));
    layout->addWidget(minScore_);
    auto* apply = new QPushButton(tr("Apply"), this);
    auto* clear = new QPushButton(tr("Clear"), this);
    layout->addWidget(apply);
    layout->addWidget(clear);
    auto emitApplied = [this] { emit applied(filter()); };
    for (QLineEdit* field : {sender_, recipient_, subject_})
        connect(field, &QLineEdit::returnPressed, this, emitApplied);
    connect(type_, &QComboBox::activated, this, emitApplied);
    connect(minScore_, &QDoubleSpinBox::editingFinished, this, emitApplied);
    connect(apply, &QPushButton::clicked, this, emitApplied);
    connect(clear, &QPushButton::clicked, this, &QuarantineFilterBar::clear);
}

QLineEdit* QuarantineFilterBar::addField(const QString& placeholder) {
    auto* field = new QLineEdit(this);
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    layout()->addWidget(field);
    return field;
}

QuarantineModel::Filter QuarantineFilterBar::filter() const {
    QuarantineModel::Filter filter;
    QString type = type_->currentData().toString();
    if (!type.isEmpty())
        filter.types = {type};
    filter.sender = sender_->text().trimmed();
    filter.recipient = recipient_->text().trimmed();
    filter.subject = subject_->text().trimmed();
    if (minScore_->value() > minScore_->minimum())
        filter.minScore = minScore_->value();
    return filter;
}

void QuarantineFilterBar::focusFirstField() {
    sender_->setFocus(Qt::ShortcutFocusReason);
    sender_->selectAll();
}

void QuarantineFilterBar::clear() {
    type_->setCurrentIndex(0);
    for (QLineEdit* field : {sender_, recipient_, subject_})
        field->clear();
    minScore_->setValue(minScore_->minimum());
    emit applied(filter());
}

} // namespace mailng::gui
