#include "queue_filter_bar.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace mailng::gui {

QueueFilterBar::QueueFilterBar(QWidget* parent)
    : QWidget(parent), queue_(new QComboBox(this)), minAge_(new QSpinBox(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    queue_->setObjectName(QStringLiteral("queueFilter"));
    queue_->addItem(tr("Every queue"), QString());
    for (const char* name : {"deferred", "hold", "active", "incoming", "maildrop", "corrupt"})
        queue_->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
    queue_->setToolTip(tr("Only the messages in this queue"));
    layout->addWidget(queue_);
    sender_ = addField(tr("Sender contains"), QStringLiteral("senderFilter"));
    recipient_ = addField(tr("Recipient contains"), QStringLiteral("recipientFilter"));
    domain_ = addField(tr("Recipient domain"), QStringLiteral("domainFilter"));
    reason_ = addField(tr("Delay reason contains"), QStringLiteral("reasonFilter"));
    minAge_->setObjectName(QStringLiteral("minAgeFilter"));
    minAge_->setRange(0, 60 * 24 * 365);
    minAge_->setSpecialValueText(tr("any age"));
    minAge_->setSuffix(tr(" min old"));
    minAge_->setToolTip(tr("Only messages at least this many minutes old"));
    layout->addWidget(minAge_);
    auto* apply = new QPushButton(tr("Apply"), this);
    auto* clear = new QPushButton(tr("Clear"), this);
    layout->addWidget(apply);
    layout->addWidget(clear);
    for (QLineEdit* field : {sender_, recipient_, domain_, reason_})
        connect(field, &QLineEdit::returnPressed, this, &QueueFilterBar::apply);
    connect(queue_, &QComboBox::activated, this, &QueueFilterBar::apply);
    connect(minAge_, &QSpinBox::editingFinished, this, &QueueFilterBar::apply);
    connect(apply, &QPushButton::clicked, this, &QueueFilterBar::apply);
    connect(clear, &QPushButton::clicked, this, &QueueFilterBar::clear);
}

QLineEdit* QueueFilterBar::addField(const QString& placeholder, const QString& name) {
    auto* field = new QLineEdit(this);
    field->setObjectName(name);
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    layout()->addWidget(field);
    return field;
}

QueueViewFilter QueueFilterBar::filter() const {
    QueueViewFilter filter;
    QString queue = queue_->currentData().toString();
    if (!queue.isEmpty())
        filter.queues = {queue};
    filter.sender = sender_->text().trimmed();
    filter.recipient = recipient_->text().trimmed();
    filter.domain = domain_->text().trimmed();
    filter.reason = reason_->text().trimmed();
    if (minAge_->value() > 0)
        filter.minAgeSeconds = qint64(minAge_->value()) * 60;
    return filter;
}

void QueueFilterBar::setFilter(const QueueViewFilter& filter) {
    int index = filter.queues.size() == 1 ? queue_->findData(filter.queues.front()) : 0;
    queue_->setCurrentIndex(qMax(index, 0));
    sender_->setText(filter.sender);
    recipient_->setText(filter.recipient);
    domain_->setText(filter.domain);
    reason_->setText(filter.reason);
    minAge_->setValue(filter.minAgeSeconds ? int(*filter.minAgeSeconds / 60) : 0);
}

void QueueFilterBar::focusFirstField() {
    sender_->setFocus(Qt::ShortcutFocusReason);
    sender_->selectAll();
}

void QueueFilterBar::apply() {
    emit applied(filter());
}

void QueueFilterBar::clear() {
    setFilter({});
    apply();
}

} // namespace mailng::gui
