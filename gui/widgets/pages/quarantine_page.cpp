#include "quarantine_page.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "confirm.h"
#include "fan_out_call.h"
#include "models/model_format.h"
#include "models/quarantine_model.h"
#include "pages/quarantine_detail.h"
#include "pages/quarantine_filter_bar.h"
#include "pages/quarantine_release_dialog.h"
#include "refresh_tracker.h"
#include "reply_text.h"

namespace mailng::gui {

QuarantinePage::QuarantinePage(AgentCaller& caller, QWidget* parent)
    : Page(parent), caller_(caller), model_(new QuarantineModel(&caller, this)),
      tracker_(new RefreshTracker(this)),
      filterBar_(new QuarantineFilterBar(this)), splitter_(new QSplitter(Qt::Vertical, this)),
      table_(new QTableView(this)), detail_(new QuarantineDetail(caller, this)),
      summary_(new QLabel(this)) {
    tracker_->watch(model_);
    summary_->setWordWrap(true);
    connect(tracker_, &RefreshTracker::finished, this, &Page::refreshFinished);
    table_->setObjectName(QStringLiteral("quarantineTable"));
    table_->setModel(model_); // the model sorts itself, off the GUI thread
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    table_->setSortingEnabled(true);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    splitter_->addWidget(table_);
    splitter_->addWidget(detail_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(filterBar_);
    layout->addWidget(buildActionBar());
    layout->addWidget(splitter_);
    layout->addWidget(summary_);
    connect(filterBar_, &QuarantineFilterBar::applied, model_, &QuarantineModel::setFilter);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &QuarantinePage::currentChanged);
    connect(model_, &QuarantineModel::totalsChanged, this, &QuarantinePage::updateSummary);
    connect(model_, &QAbstractItemModel::modelReset, this, &QuarantinePage::updateSummary);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &QuarantinePage::updateSummary);
    connect(model_, &AgentTableModel::loadingChanged, this, &QuarantinePage::updateSummary);
}

QString QuarantinePage::title() const {
    return tr("Quarantine");
}

QWidget* QuarantinePage::buildActionBar() {
    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* release = new QAction(tr("Release…"), this);
    auto* remove = new QAction(tr("Delete"), this);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetShortcut);
    connect(release, &QAction::triggered, this, &QuarantinePage::releaseSelection);
    connect(remove, &QAction::triggered, this, &QuarantinePage::deleteSelection);
    for (QAction* action : {release, remove}) {
        table_->addAction(action);
        actions_ << action;
        auto* button = new QToolButton(bar);
        button->setDefaultAction(action);
        layout->addWidget(button);
    }
    result_ = new QLabel(bar);
    result_->setObjectName(QStringLiteral("actionResult"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(result_, 1);
    return bar;
}

void QuarantinePage::refresh() {
    model_->refresh();
    tracker_->begin();
}

void QuarantinePage::focusSearch() {
    filterBar_->focusFirstField();
}

void QuarantinePage::saveViewState(QSettings& settings) const {
    settings.setValue(QStringLiteral("header"), table_->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("splitter"), splitter_->saveState());
}

void QuarantinePage::restoreViewState(const QSettings& settings) {
    table_->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
    splitter_->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
}

QMap<QString, QStringList> QuarantinePage::selectedFiles() const {
    QModelIndexList rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        rows << index;
    return model_->filesByHost(rows);
}

QStringList QuarantinePage::selectedRecipients() const {
    QStringList recipients;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows())
        for (const QString& address :
             index.data(QuarantineModel::RecipientsRole).toStringList())
            if (!recipients.contains(address))
                recipients << address;
    return recipients;
}

void QuarantinePage::releaseSelection() {
    int count = static_cast<int>(table_->selectionModel()->selectedRows().size());
    if (count == 0) {
        showResult(tr("Select the messages to release first."), false);
        return;
    }
    releaseDialog_ = new QuarantineReleaseDialog(selectedRecipients(), count, this);
    releaseDialog_->setAttribute(Qt::WA_DeleteOnClose);
    releaseDialog_->setWindowModality(Qt::WindowModal);
    connect(releaseDialog_, &QDialog::accepted, this,
            [this, dialog = releaseDialog_.data()] { release(dialog->chosenRecipients()); });
    releaseDialog_->open();
}

void QuarantinePage::release(const QStringList& recipients) {
    QJsonObject extra;
    if (!recipients.isEmpty())
        extra.insert(QStringLiteral("recipients"), QJsonArray::fromStringList(recipients));
    run(QStringLiteral("quarantine.release"), selectedFiles(), extra,
        [](qint64 n) { return tr("%n message(s) released", nullptr, int(n)); });
}

void QuarantinePage::deleteSelection() {
    const auto files = selectedFiles();
    if (files.isEmpty()) {
        showResult(tr("Select the messages to delete first."), false);
        return;
    }
    QStringList perHost;
    int total = 0;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        perHost << tr("%1: %2").arg(it.key()).arg(it->size());
        total += int(it->size());
    }
    QString text = tr("Delete %n quarantined message(s)", nullptr, total) +
                   tr(" on %1?").arg(perHost.join(QStringLiteral(", "))) + QLatin1Char(' ') +
                   tr("Deleted messages cannot be brought back.");
    confirmation_ = confirmThen(this, tr("Confirm: delete"), text, tr("Delete"), [this, files] {
        run(QStringLiteral("quarantine.delete"), files, {},
            [](qint64 n) { return tr("%n message(s) deleted", nullptr, int(n)); });
    });
}

void QuarantinePage::run(const QString& method, const QMap<QString, QStringList>& files,
                         const QJsonObject& extra, const std::function<QString(qint64)>& doneText) {
    if (files.isEmpty())
        return;
    setBusy(true);
    showResult(tr("Working…"), false);
    auto params = [files, extra](const QString& host) {
        QJsonObject params = extra;
        params.insert(QStringLiteral("files"), QJsonArray::fromStringList(files.value(host)));
        return params;
    };
    callEach(caller_, files.keys(), method, params, this,
             [this, doneText](const HostReplies& replies) {
                 setBusy(false);
                 bool anyOk = std::any_of(replies.cbegin(), replies.cend(),
                                          [](const RpcReply& reply) { return reply.ok; });
                 showResult(ReplyText::summary(replies, doneText), !anyOk);
                 model_->refresh();
             });
}

void QuarantinePage::currentChanged(const QModelIndex& index) {
    detail_->showMessage(index.data(AgentTableModel::HostRole).toString(),
                         index.data(QuarantineModel::FileRole).toString());
}

QMessageBox* QuarantinePage::pendingConfirmation() const {
    return confirmation_;
}

QuarantineReleaseDialog* QuarantinePage::pendingRelease() const {
    return releaseDialog_;
}

QString QuarantinePage::lastResult() const {
    return result_->text();
}

void QuarantinePage::showResult(const QString& text, bool allFailed) {
    result_->setText(text);
    result_->setStyleSheet(allFailed ? QStringLiteral("color: #c62828;") : QString());
    emit statusMessage(text);
}

void QuarantinePage::updateSummary() {
    QString text = tr("%1 of %2 quarantined messages loaded")
                       .arg(format::count(model_->rowCount()), format::count(model_->totalCount()));
    QStringList why;
    const QStringList failed = model_->failedHosts();
    for (const QString& host : failed)
        why << tr("%1: %2").arg(host, model_->hostError(host));
    if (!failed.isEmpty())
        text += QStringLiteral(" — ") + tr("not shown: %1").arg(failed.join(QStringLiteral(", ")));
    summary_->setText(text);
    summary_->setToolTip(why.join(QLatin1Char('\n')));
}

void QuarantinePage::setBusy(bool busy) {
    for (QAction* action : actions_)
        action->setEnabled(!busy);
}

} // namespace mailng::gui
