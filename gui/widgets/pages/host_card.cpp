#include "host_card.h"

#include <QFormLayout>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QVBoxLayout>

#include "models/host_status_model.h"

namespace mailng::gui {
namespace {

/// "postfix, dovecot" in green and stopped ones in red, as rich text.
QString servicesHtml(const QJsonObject& status) {
    QStringList parts;
    for (const QJsonValue& value : status.value(QStringLiteral("services")).toArray()) {
        QJsonObject service = value.toObject();
        bool running =
            service.value(QStringLiteral("state")).toString() == QLatin1String("running");
        parts << QStringLiteral("<span style=\"color:%1\">%2 %3</span>")
                     .arg(running ? QStringLiteral("#2e7d32") : QStringLiteral("#c62828"),
                          running ? QStringLiteral("✔") : QStringLiteral("✖"),
                          service.value(QStringLiteral("name")).toString().toHtmlEscaped());
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

HostCard::HostCard(const QString& host, QWidget* parent)
    : QFrame(parent), host_(host), title_(new QLabel(this)), state_(new QLabel(this)),
      form_(new QFormLayout) {
    setFrameShape(QFrame::StyledPanel);
    setObjectName(QStringLiteral("hostCard_") + host);
    setMinimumWidth(240);
    title_->setText(QStringLiteral("<b>%1</b>").arg(host.toHtmlEscaped()));
    state_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title_);
    layout->addWidget(state_);
    layout->addLayout(form_);
    services_ = addLine(tr("Services"));
    load_ = addLine(tr("Load"));
    var_ = addLine(tr("/var used"));
    queues_ = addLine(tr("Queues"));
    sessions_ = addLine(tr("Sessions"));
    policy_ = addLine(tr("Policy"));
    form_->setRowVisible(policy_, false);
    services_->setTextFormat(Qt::RichText);
    layout->addStretch();
}

QLabel* HostCard::addLine(const QString& label) {
    auto* value = new QLabel(this);
    value->setWordWrap(true);
    form_->addRow(label + QLatin1Char(':'), value);
    return value;
}

void HostCard::update(const HostStatusModel& model) {
    int row = model.rowOf(host_);
    if (row < 0)
        return;
    auto cell = [&](int column, int role = Qt::DisplayRole) {
        return model.data(model.index(row, column), role).toString();
    };
    QJsonObject status = model.status(host_);
    QString role = status.value(QStringLiteral("role")).toString();
    title_->setText(
        role.isEmpty()
            ? QStringLiteral("<b>%1</b>").arg(host_.toHtmlEscaped())
            : QStringLiteral("<b>%1</b> — %2").arg(host_.toHtmlEscaped(), role.toHtmlEscaped()));
    HostStatusModel::HostState state = model.state(host_);
    QString colour = state == HostStatusModel::HostState::Up     ? QStringLiteral("#2e7d32")
                     : state == HostStatusModel::HostState::Down ? QStringLiteral("#c62828")
                                                                 : QStringLiteral("#757575");
    state_->setStyleSheet(QStringLiteral("color: %1; font-weight: bold;").arg(colour));
    state_->setText(cell(HostStatusModel::StateColumn)); // "down: why" when down
    services_->setText(servicesHtml(status));
    services_->setToolTip(cell(HostStatusModel::ServicesColumn, Qt::ToolTipRole));
    const std::pair<QLabel*, int> lines[] = {{load_, HostStatusModel::LoadColumn},
                                             {var_, HostStatusModel::VarColumn},
                                             {queues_, HostStatusModel::QueuesColumn},
                                             {sessions_, HostStatusModel::SessionsColumn},
                                             {policy_, HostStatusModel::PolicyColumn}};
    for (const auto& [label, column] : lines) {
        label->setText(cell(column));
        label->setToolTip(cell(column, Qt::ToolTipRole));
    }
    // Only hosts that run a policy daemon have the line.
    form_->setRowVisible(policy_, !policy_->text().isEmpty());
}

QString HostCard::text() const {
    QStringList parts{host_,           state_->text(),    load_->text(), var_->text(),
                      queues_->text(), sessions_->text(), policy_->text()};
    return parts.join(QLatin1Char(' '));
}

} // namespace mailng::gui
