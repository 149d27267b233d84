// The two host-key dialogs of the SSH connection (issue: "Host keys"):
//  - an unknown key: the host, its address and the key's SHA256 fingerprint, with
//    Accept and Reject; the answer is the dialog's result (Accepted / Rejected);
//  - a changed key: a refusal in red with the recorded and the offered fingerprints and
//    only a Close button - a changed key is never accepted from the console.
// Both are shown with open() (window-modal, never a nested event loop).
#pragma once

#include <QDialog>
#include <QString>

class QDialogButtonBox;

namespace mailng::gui {

class HostKeyDialog : public QDialog {
    Q_OBJECT
public:
    enum class Kind { Unknown, Changed };

    /// A dialog about `host`'s unknown key.
    static HostKeyDialog* unknownKey(const QString& host, const QString& address,
                                     const QString& fingerprint, QWidget* parent);
    /// A dialog about `host`'s changed key: `recorded` is what known_hosts holds,
    /// `offered` what the server showed now; `knownHostsFile` is named in the advice.
    static HostKeyDialog* changedKey(const QString& host, const QString& address,
                                     const QString& recorded, const QString& offered,
                                     const QString& knownHostsFile, QWidget* parent);

    Kind kind() const { return kind_; }
    const QString& host() const { return host_; }
    /// The text shown, for tests.
    QString text() const;
    /// Whether the dialog offers to accept the key (never for a changed key).
    bool canAccept() const;

private:
    HostKeyDialog(Kind kind, const QString& host, QWidget* parent);
    void build(const QString& message, const QString& details, bool danger);

    Kind kind_;
    QString host_;
    QString text_;
    QDialogButtonBox* buttons_ = nullptr;
};

} // namespace mailng::gui
