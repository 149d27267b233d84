#include "message_viewer_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "reply_text.h"

namespace mailng::gui {

MessageViewerDialog::MessageViewerDialog(AgentCaller& caller, const QString& host,
                                         const QString& queueId, QWidget* parent)
    : QDialog(parent), caller_(caller), host_(host), queueId_(queueId), part_(new QComboBox(this)),
      note_(new QLabel(this)), view_(new QPlainTextEdit(this)) {
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Message %1 on %2").arg(queueId, host));
    part_->addItem(tr("Everything"), QStringLiteral("all"));
    part_->addItem(tr("Envelope"), QStringLiteral("envelope"));
    part_->addItem(tr("Headers"), QStringLiteral("headers"));
    part_->addItem(tr("Body"), QStringLiteral("body"));
    view_->setReadOnly(true);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->setLineWrapMode(QPlainTextEdit::NoWrap);
    note_->setWordWrap(true);
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show:"), this));
    top->addWidget(part_);
    top->addStretch();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(view_);
    layout->addWidget(note_);
    layout->addWidget(buttons);
    connect(part_, &QComboBox::currentIndexChanged, this, &MessageViewerDialog::load);
    resize(860, 640);
    load();
}

QString MessageViewerDialog::text() const {
    return view_->toPlainText();
}

void MessageViewerDialog::load() {
    const quint64 request = ++request_;
    view_->setPlainText(tr("Loading…"));
    note_->clear();
    QJsonObject params{{QStringLiteral("queue_id"), queueId_},
                       {QStringLiteral("part"), part_->currentData().toString()}};
    caller_.call(
        host_, QStringLiteral("queue.show"), params, this, [this, request](const RpcReply& reply) {
            if (request != request_)
                return;
            if (!reply.ok) {
                view_->setPlainText(ReplyText::hostError(host_, reply));
                emit loaded();
                return;
            }
            QJsonObject result = reply.result.toObject();
            view_->setPlainText(result.value(QStringLiteral("text")).toString());
            if (result.value(QStringLiteral("truncated")).toBool())
                note_->setText(tr("Only the first %1 bytes are shown.")
                                   .arg(result.value(QStringLiteral("max_bytes")).toInteger()));
            emit loaded();
        });
}

} // namespace mailng::gui
