#include "connection_prompts.h"

#include <QInputDialog>
#include <QLineEdit>

#include "cluster_session.h"
#include "host_key_dialog.h"

namespace mailng::gui {

ConnectionPrompts::ConnectionPrompts(ClusterSession& session, QWidget* window)
    : QObject(window), session_(session), window_(window) {
    connect(&session, &ClusterSession::hostKeyUnknown, this,
            [this](const QString& host, const QString& fingerprint) {
                enqueue({Prompt::Kind::UnknownKey, host, fingerprint, {}});
            });
    connect(&session, &ClusterSession::hostKeyChanged, this,
            [this](const QString& host, const QString& recorded, const QString& offered) {
                enqueue({Prompt::Kind::ChangedKey, host, recorded, offered});
            });
    connect(&session, &ClusterSession::passphraseNeeded, this,
            [this](const QString& host, const QString& identityFile) {
                enqueue({Prompt::Kind::Passphrase, host, identityFile, {}});
            });
}

void ConnectionPrompts::enqueue(const Prompt& prompt) {
    if (!enabled_ || isAsked(prompt))
        return;
    queue_ << prompt;
    if (!current_)
        showNext();
}

bool ConnectionPrompts::isAsked(const Prompt& prompt) const {
    auto same = [&prompt](const Prompt& other) {
        return other.kind == prompt.kind && other.host == prompt.host;
    };
    return (current_ && same(shown_)) || std::any_of(queue_.cbegin(), queue_.cend(), same);
}

void ConnectionPrompts::showNext() {
    if (queue_.isEmpty())
        return;
    Prompt prompt = queue_.takeFirst();
    shown_ = prompt;
    current_ = dialogFor(prompt);
    connect(current_, &QDialog::finished, this, [this, prompt](int result) {
        QString text;
        if (auto* input = qobject_cast<QInputDialog*>(current_.data())) {
            text = input->textValue();
            input->setTextValue(QString()); // no copy left in the widget
        }
        current_ = nullptr;
        finished(prompt, result == QDialog::Accepted, text);
        showNext();
    });
    current_->open();
}

QDialog* ConnectionPrompts::dialogFor(const Prompt& prompt) {
    switch (prompt.kind) {
    case Prompt::Kind::UnknownKey:
        return HostKeyDialog::unknownKey(prompt.host, addressOf(prompt.host), prompt.first,
                                         window_);
    case Prompt::Kind::ChangedKey:
        return HostKeyDialog::changedKey(prompt.host, addressOf(prompt.host), prompt.first,
                                         prompt.second, knownHostsOf(prompt.host), window_);
    case Prompt::Kind::Passphrase:
        break;
    }
    return passphraseDialog(prompt);
}

QDialog* ConnectionPrompts::passphraseDialog(const Prompt& prompt) {
    auto* dialog = new QInputDialog(window_);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setInputMode(QInputDialog::TextInput);
    dialog->setTextEchoMode(QLineEdit::Password);
    dialog->setWindowTitle(tr("Key passphrase"));
    dialog->setLabelText(tr("The SSH key %1 is protected by a passphrase. Type it to connect "
                            "to %2 (it is used once and not kept):")
                             .arg(prompt.first, prompt.host));
    return dialog;
}

void ConnectionPrompts::finished(const Prompt& prompt, bool accepted, const QString& text) {
    switch (prompt.kind) {
    case Prompt::Kind::UnknownKey:
        if (accepted)
            session_.acceptHostKey(prompt.host);
        else
            session_.rejectHostKey(prompt.host);
        break;
    case Prompt::Kind::ChangedKey:
        break; // refused already; nothing to answer
    case Prompt::Kind::Passphrase: {
        session_.providePassphrase(prompt.host, accepted ? text : QString());
        // The session gave it to every host waiting for the same key.
        queue_.removeIf([&prompt](const Prompt& queued) {
            return queued.kind == Prompt::Kind::Passphrase && queued.first == prompt.first;
        });
        break;
    }
    }
}

QString ConnectionPrompts::addressOf(const QString& host) const {
    const HostConnection* connection = session_.connection(host);
    if (!connection)
        return host;
    const HostEndpoint& endpoint = connection->endpoint();
    if (endpoint.port == 22)
        return endpoint.address;
    return QStringLiteral("%1:%2").arg(endpoint.address).arg(endpoint.port);
}

QString ConnectionPrompts::knownHostsOf(const QString& host) const {
    const HostConnection* connection = session_.connection(host);
    return connection ? connection->endpoint().knownHostsFile : QString();
}

} // namespace mailng::gui
