// The detail under the quarantine table: the selected message's type, score, spam
// status, alert and headers, from quarantine.show on its host (loaded when the
// selection settles; a newer selection drops the older answer).
#pragma once

#include <QJsonObject>
#include <QTimer>
#include <QWidget>

#include "agent_caller.h"

class QLabel;
class QPlainTextEdit;

namespace mailng::gui {

class QuarantineDetail : public QWidget {
    Q_OBJECT
public:
    /// `caller` must outlive the widget.
    explicit QuarantineDetail(AgentCaller& caller, QWidget* parent = nullptr);

    /// Shows `file` on `host` (after a short pause, so that scrolling through the table
    /// does not ask for every row); empty `file`: shows nothing.
    void showMessage(const QString& host, const QString& file);

    /// The summary and header text shown now (tests).
    QString summaryText() const;
    QString headersText() const;

    /// The headers of a message: everything before the first empty line.
    static QString headersOf(const QString& message);

signals:
    void loaded();

private:
    void load();
    void showEntry(const QJsonObject& entry, const QString& message, bool truncated);

    AgentCaller& caller_;
    QString host_;
    QString file_;
    quint64 request_ = 0;
    QTimer pause_;
    QLabel* summary_;
    QPlainTextEdit* headers_;
};

} // namespace mailng::gui
