#include "host_key_dialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace mailng::gui {

HostKeyDialog::HostKeyDialog(Kind kind, const QString& host, QWidget* parent)
    : QDialog(parent), kind_(kind), host_(host) {
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowModality(Qt::WindowModal);
}

HostKeyDialog* HostKeyDialog::unknownKey(const QString& host, const QString& address,
                                         const QString& fingerprint, QWidget* parent) {
    auto* dialog = new HostKeyDialog(Kind::Unknown, host, parent);
    dialog->setWindowTitle(tr("Unknown host key: %1").arg(host));
    dialog->build(tr("The SSH host key of %1 (%2) is not known yet. Compare its fingerprint "
                     "with the one the server shows (ssh-keygen -lf on the host's key) "
                     "before you accept it. An accepted key is recorded in known_hosts.")
                      .arg(host, address),
                  tr("Fingerprint: %1").arg(fingerprint), false);
    auto* accept =
        dialog->buttons_->addButton(tr("Accept and record"), QDialogButtonBox::AcceptRole);
    dialog->buttons_->addButton(tr("Reject"), QDialogButtonBox::RejectRole);
    accept->setObjectName(QStringLiteral("acceptButton"));
    return dialog;
}

HostKeyDialog* HostKeyDialog::changedKey(const QString& host, const QString& address,
                                         const QString& recorded, const QString& offered,
                                         const QString& knownHostsFile, QWidget* parent) {
    auto* dialog = new HostKeyDialog(Kind::Changed, host, parent);
    dialog->setWindowTitle(tr("Host key changed: %1").arg(host));
    dialog->build(
        tr("The SSH host key of %1 (%2) has CHANGED. The connection is refused: someone may "
           "be intercepting it. If the server was reinstalled and its new key is confirmed, "
           "remove the old key from %3 (ssh-keygen -R) and reconnect.")
            .arg(host, address, knownHostsFile),
        tr("Recorded: %1\nOffered now: %2").arg(recorded, offered), true);
    dialog->buttons_->addButton(QDialogButtonBox::Close);
    return dialog;
}

void HostKeyDialog::build(const QString& message, const QString& details, bool danger) {
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(message, this);
    label->setWordWrap(true);
    auto* fingerprints = new QLabel(details, this);
    fingerprints->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fingerprints->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (danger) {
        const QString red = QStringLiteral("color: #c00000; font-weight: bold;");
        label->setStyleSheet(red);
        fingerprints->setStyleSheet(QStringLiteral("color: #c00000;"));
    }
    buttons_ = new QDialogButtonBox(this);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(label);
    layout->addWidget(fingerprints);
    layout->addWidget(buttons_);
    setMinimumWidth(520);
    text_ = message + QLatin1Char('\n') + details;
}

QString HostKeyDialog::text() const {
    return text_;
}

bool HostKeyDialog::canAccept() const {
    for (QAbstractButton* button : buttons_->buttons())
        if (buttons_->buttonRole(button) == QDialogButtonBox::AcceptRole)
            return true;
    return false;
}

} // namespace mailng::gui
