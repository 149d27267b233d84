#include "host_state_bar.h"

#include <QHBoxLayout>
#include <QLabel>

namespace mailng::gui {
namespace {

QString colourOf(HostConnection::State state) {
    switch (state) {
    case HostConnection::State::Connected:
        return QStringLiteral("#2e7d32");
    case HostConnection::State::Connecting:
        return QStringLiteral("#f9a825");
    case HostConnection::State::Refused:
    case HostConnection::State::Unreachable:
        return QStringLiteral("#c62828");
    case HostConnection::State::Disconnected:
        break;
    }
    return QStringLiteral("#757575");
}

} // namespace

HostStateBar::HostStateBar(QWidget* parent) : QWidget(parent), layout_(new QHBoxLayout(this)) {
    layout_->setContentsMargins(0, 0, 0, 0);
    layout_->setSpacing(12);
}

void HostStateBar::setHosts(const QStringList& hosts) {
    qDeleteAll(labels_);
    labels_.clear();
    for (const QString& host : hosts) {
        auto* label = new QLabel(this);
        label->setTextFormat(Qt::RichText);
        labels_.insert(host, label);
        layout_->addWidget(label);
        setHostState(host, HostConnection::State::Disconnected, {});
    }
}

void HostStateBar::setHostState(const QString& host, HostConnection::State state,
                                const QString& reason) {
    QLabel* label = labels_.value(host);
    if (!label)
        return;
    label->setText(QStringLiteral("<span style=\"color:%1\">&#9679;</span> %2")
                       .arg(colourOf(state), host.toHtmlEscaped()));
    QString tip = tr("%1: %2").arg(host, stateText(state));
    if (!reason.isEmpty())
        tip += QLatin1Char('\n') + reason;
    label->setToolTip(tip);
    label->setAccessibleName(tr("%1: %2").arg(host, stateText(state)));
}

QString HostStateBar::entryText(const QString& host) const {
    QLabel* label = labels_.value(host);
    return label ? label->accessibleName() : QString();
}

QString HostStateBar::entryToolTip(const QString& host) const {
    QLabel* label = labels_.value(host);
    return label ? label->toolTip() : QString();
}

QString HostStateBar::stateText(HostConnection::State state) {
    switch (state) {
    case HostConnection::State::Disconnected:
        return tr("not connected");
    case HostConnection::State::Connecting:
        return tr("connecting");
    case HostConnection::State::Connected:
        return tr("connected");
    case HostConnection::State::Refused:
        return tr("refused");
    case HostConnection::State::Unreachable:
        return tr("unreachable");
    }
    return {};
}

} // namespace mailng::gui
