// The questions the SSH connections ask the admin: accept an unknown host key, see a
// changed one refused, type a key's passphrase. One dialog at a time, window-modal and
// opened with open() (the event loop goes on, other hosts keep working); the others
// wait in order. Passphrases go straight to the session and are never kept.
#pragma once

#include <QDialog>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QWidget;

namespace mailng::gui {

class ClusterSession;

class ConnectionPrompts : public QObject {
    Q_OBJECT
public:
    /// Watches `session`'s prompts; dialogs are children of `window`. Both must outlive
    /// this object.
    ConnectionPrompts(ClusterSession& session, QWidget* window);

    /// When disabled (the --screenshot run), nothing is asked: an unknown key or an
    /// encrypted identity leaves its host refused.
    void setEnabled(bool enabled) { enabled_ = enabled; }

    /// The dialog shown now, or nullptr; how many wait behind it.
    QDialog* currentDialog() const { return current_; }
    int waiting() const { return static_cast<int>(queue_.size()); }

private:
    struct Prompt {
        enum class Kind { UnknownKey, ChangedKey, Passphrase } kind;
        QString host;
        QString first;  // fingerprint, recorded fingerprints, or identity file
        QString second; // offered fingerprint (changed key)
    };

    void enqueue(const Prompt& prompt);
    /// Whether a prompt of that kind for that host is shown or waits already.
    bool isAsked(const Prompt& prompt) const;
    void showNext();
    QDialog* dialogFor(const Prompt& prompt);
    QDialog* passphraseDialog(const Prompt& prompt);
    void finished(const Prompt& prompt, bool accepted, const QString& text);
    QString addressOf(const QString& host) const;
    QString knownHostsOf(const QString& host) const;

    ClusterSession& session_;
    QWidget* window_;
    bool enabled_ = true;
    QList<Prompt> queue_;
    QPointer<QDialog> current_;
    Prompt shown_{}; // the prompt of current_
};

} // namespace mailng::gui
