#include "quarantine_detail.h"

#include <QFontDatabase>
#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

#include "models/model_format.h"
#include "reply_text.h"

namespace mailng::gui {
namespace {

QStringList stringsOf(const QJsonValue& value) {
    QStringList list;
    for (const QJsonValue& item : value.toArray())
        list << item.toString();
    return list;
}

} // namespace

QuarantineDetail::QuarantineDetail(AgentCaller& caller, QWidget* parent)
    : QWidget(parent), caller_(caller), summary_(new QLabel(this)),
      headers_(new QPlainTextEdit(this)) {
    summary_->setWordWrap(true);
    summary_->setTextFormat(Qt::PlainText);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    headers_->setReadOnly(true);
    headers_->setLineWrapMode(QPlainTextEdit::NoWrap);
    headers_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(summary_);
    layout->addWidget(headers_);
    pause_.setSingleShot(true);
    pause_.setInterval(150);
    connect(&pause_, &QTimer::timeout, this, &QuarantineDetail::load);
}

void QuarantineDetail::showMessage(const QString& host, const QString& file) {
    host_ = host;
    file_ = file;
    ++request_;
    summary_->clear();
    headers_->clear();
    if (file.isEmpty())
        pause_.stop();
    else
        pause_.start();
}

QString QuarantineDetail::summaryText() const {
    return summary_->text();
}

QString QuarantineDetail::headersText() const {
    return headers_->toPlainText();
}

QString QuarantineDetail::headersOf(const QString& message) {
    static const QRegularExpression blankLine(QStringLiteral("\\r?\\n\\r?\\n"));
    qsizetype end = message.indexOf(blankLine);
    return end < 0 ? message : message.left(end);
}

void QuarantineDetail::load() {
    const quint64 request = ++request_;
    summary_->setText(tr("Loading…"));
    caller_.call(host_, QStringLiteral("quarantine.show"), {{QStringLiteral("file"), file_}}, this,
                 [this, request](const RpcReply& reply) {
                     if (request != request_)
                         return;
                     if (!reply.ok) {
                         summary_->setText(ReplyText::hostError(host_, reply));
                     } else {
                         QJsonObject result = reply.result.toObject();
                         showEntry(result.value(QStringLiteral("entry")).toObject(),
                                   result.value(QStringLiteral("message")).toString(),
                                   result.value(QStringLiteral("truncated")).toBool());
                     }
                     emit loaded();
                 });
}

void QuarantineDetail::showEntry(const QJsonObject& entry, const QString& message, bool truncated) {
    QJsonValue score = entry.value(QStringLiteral("score"));
    QStringList lines;
    lines << tr("Type: %1   Score: %2   Spam flag: %3")
                 .arg(entry.value(QStringLiteral("type")).toString(),
                      score.isDouble() ? format::decimal(score.toDouble(), 1) : tr("none"),
                      entry.value(QStringLiteral("spam_flag")).toString());
    lines << tr("From: %1")
                 .arg(format::decodeMimeWords(entry.value(QStringLiteral("from")).toString()));
    lines << tr("Envelope: %1 → %2")
                 .arg(format::address(entry.value(QStringLiteral("sender")).toString()),
                      stringsOf(entry.value(QStringLiteral("recipients")))
                          .join(QStringLiteral(", ")));
    lines << tr("Subject: %1")
                 .arg(format::decodeMimeWords(entry.value(QStringLiteral("subject")).toString()));
    QString alert = entry.value(QStringLiteral("alert")).toString();
    if (!alert.isEmpty())
        lines << tr("Alert: %1").arg(alert);
    if (truncated)
        lines << tr("(the message is longer than the agent shows)");
    summary_->setText(lines.join(QLatin1Char('\n')));
    headers_->setPlainText(headersOf(message));
}

} // namespace mailng::gui
