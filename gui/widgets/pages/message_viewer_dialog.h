// A queued message as postcat shows it (queue.show): the envelope, the headers, the
// body or all of it, loaded from the host's agent without blocking. Says when the agent
// cut the text short, and shows the agent's error in plain words.
#pragma once

#include <QDialog>
#include <QString>

#include "agent_caller.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;

namespace mailng::gui {

class MessageViewerDialog : public QDialog {
    Q_OBJECT
public:
    /// Starts loading `queueId` from `host` at once. `caller` must outlive the dialog.
    /// The dialog deletes itself when closed.
    MessageViewerDialog(AgentCaller& caller, const QString& host, const QString& queueId,
                        QWidget* parent = nullptr);

    /// The text shown now (the message, or a loading or error line).
    QString text() const;

signals:
    /// A reply came (the message or an error).
    void loaded();

private:
    void load();

    AgentCaller& caller_;
    QString host_;
    QString queueId_;
    QComboBox* part_;
    QLabel* note_;
    QPlainTextEdit* view_;
    quint64 request_ = 0;
};

} // namespace mailng::gui
