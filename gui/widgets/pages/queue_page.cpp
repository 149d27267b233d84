#include "queue_page.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "confirm.h"
#include "fan_out_call.h"
#include "models/model_format.h"
#include "models/queue_model.h"
#include "models/queue_shape_model.h"
#include "pages/message_viewer_dialog.h"
#include "pages/queue_filter_bar.h"
#include "refresh_tracker.h"
#include "reply_text.h"

namespace mailng::gui {
namespace {

enum Scope { SelectionScope, FilterScope };

QTableView* makeTable(QWidget* parent) {
    auto* table = new QTableView(parent);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionsMovable(true);
    return table;
}

} // namespace

QueuePage::QueuePage(AgentCaller& caller, QWidget* parent)
    : Page(parent), caller_(caller), model_(new QueueModel(&caller, this)),
      shapeModel_(new QueueShapeModel(&caller, this)), tracker_(new RefreshTracker(this)),
      filterBar_(new QueueFilterBar(this)),
      tabs_(new QTabWidget(this)) {
    tracker_->watch(model_);
    tracker_->watch(shapeModel_);
    connect(tracker_, &RefreshTracker::finished, this, &Page::refreshFinished);
    tabs_->addTab(buildMessagesTab(), tr("Messages"));
    tabs_->addTab(buildShapeTab(), tr("Shape by domain and age (qshape)"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(filterBar_);
    layout->addWidget(tabs_);
    connect(filterBar_, &QueueFilterBar::applied, this, &QueuePage::applyFilter);
    connect(model_, &QueueModel::totalsChanged, this, &QueuePage::updateSummary);
    connect(model_, &QAbstractItemModel::modelReset, this, &QueuePage::updateSummary);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &QueuePage::updateSummary);
    connect(model_, &AgentTableModel::loadingChanged, this, &QueuePage::updateSummary);
    connect(model_, &AgentTableModel::errorOccurred, this, &QueuePage::updateSummary);
}

QString QueuePage::title() const {
    return tr("Queue");
}

QWidget* QueuePage::buildMessagesTab() {
    auto* tab = new QWidget(this);
    table_ = makeTable(tab);
    table_->setObjectName(QStringLiteral("queueTable"));
    table_->setModel(model_); // the model sorts itself, off the GUI thread
    table_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    table_->setSortingEnabled(true);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(table_, &QTableView::activated, this, &QueuePage::showMessage);
    summary_ = new QLabel(tab);
    summary_->setWordWrap(true);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildActionBar());
    layout->addWidget(table_);
    layout->addWidget(summary_);
    return tab;
}

QWidget* QueuePage::buildActionBar() {
    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    scope_ = new QComboBox(bar);
    scope_->setObjectName(QStringLiteral("actionScope"));
    scope_->addItem(tr("Selected messages"), SelectionScope);
    scope_->addItem(tr("Every message the filter matches"), FilterScope);
    layout->addWidget(new QLabel(tr("Act on:"), bar));
    layout->addWidget(scope_);
    addQueueAction(QueueActionText::label(QueueAction::Hold), {}, QueueAction::Hold);
    addQueueAction(QueueActionText::label(QueueAction::Release), {}, QueueAction::Release);
    addQueueAction(QueueActionText::label(QueueAction::Requeue), {}, QueueAction::Requeue);
    addQueueAction(QueueActionText::label(QueueAction::Delete), QKeySequence::Delete,
                   QueueAction::Delete);
    for (QAction* action : actions_) {
        auto* button = new QToolButton(bar);
        button->setDefaultAction(action);
        layout->addWidget(button);
    }
    auto* show = new QAction(tr("Show message"), this);
    show->setShortcut(QKeySequence(Qt::Key_Return));
    show->setShortcutContext(Qt::WidgetShortcut);
    connect(show, &QAction::triggered, this, [this] { showMessage(table_->currentIndex()); });
    table_->addAction(show);
    auto* showButton = new QToolButton(bar);
    showButton->setDefaultAction(show);
    layout->addWidget(showButton);
    result_ = new QLabel(bar);
    result_->setObjectName(QStringLiteral("actionResult"));
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(result_, 1);
    return bar;
}

QAction* QueuePage::addQueueAction(const QString& text, const QKeySequence& shortcut,
                                   QueueAction action) {
    auto* qaction = new QAction(text, this);
    if (!shortcut.isEmpty()) {
        qaction->setShortcut(shortcut);
        qaction->setShortcutContext(Qt::WidgetShortcut);
    }
    connect(qaction, &QAction::triggered, this, [this, action] { act(action); });
    table_->addAction(qaction);
    actions_ << qaction;
    return qaction;
}

QWidget* QueuePage::buildShapeTab() {
    auto* tab = new QWidget(this);
    shapeBy_ = new QComboBox(tab);
    shapeBy_->addItem(tr("Recipient domain"), false);
    shapeBy_->addItem(tr("Sender domain"), true);
    shapeHost_ = new QComboBox(tab);
    shapeHost_->addItem(tr("All hosts, added up"), QString());
    for (const QString& host : caller_.hosts())
        shapeHost_->addItem(host, host);
    shapeLinear_ = new QCheckBox(tr("Equal age buckets"), tab);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("By:"), tab));
    bar->addWidget(shapeBy_);
    bar->addWidget(new QLabel(tr("Host:"), tab));
    bar->addWidget(shapeHost_);
    bar->addWidget(shapeLinear_);
    bar->addStretch();
    shapeTable_ = makeTable(tab);
    shapeTable_->setObjectName(QStringLiteral("shapeTable"));
    shapeTable_->setModel(shapeModel_);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(shapeTable_);
    auto applyOptions = [this] {
        QueueShapeModel::Options options = shapeModel_->options();
        options.bySender = shapeBy_->currentData().toBool();
        options.linear = shapeLinear_->isChecked();
        shapeModel_->setOptions(options);
    };
    connect(shapeBy_, &QComboBox::activated, this, applyOptions);
    connect(shapeLinear_, &QCheckBox::toggled, this, applyOptions);
    connect(shapeHost_, &QComboBox::activated, this,
            [this] { shapeModel_->setHost(shapeHost_->currentData().toString()); });
    return tab;
}

void QueuePage::refresh() {
    model_->refresh();
    shapeModel_->refresh();
    tracker_->begin();
}

void QueuePage::focusSearch() {
    filterBar_->focusFirstField();
}

void QueuePage::saveViewState(QSettings& settings) const {
    settings.setValue(QStringLiteral("header"), table_->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("tab"), tabs_->currentIndex());
}

void QueuePage::restoreViewState(const QSettings& settings) {
    table_->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
    tabs_->setCurrentIndex(settings.value(QStringLiteral("tab"), 0).toInt());
}

void QueuePage::applyFilter() {
    QueueViewFilter filter = filterBar_->filter();
    model_->setFilter(filter);
    QueueShapeModel::Options options = shapeModel_->options();
    options.filter = filter;
    shapeModel_->setOptions(options);
}

void QueuePage::act(QueueAction action) {
    if (scope_->currentData().toInt() == FilterScope)
        actOnFilter(action);
    else
        actOnSelection(action);
}

void QueuePage::actOnSelection(QueueAction action) {
    QModelIndexList rows;
    int skipped = 0;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows()) {
        if (queueActionApplies(action, index.data(QueueModel::QueueNameRole).toString()))
            rows << index;
        else
            ++skipped;
    }
    if (rows.isEmpty()) {
        showResult(skipped > 0 ? tr("None of the selected messages is in a queue that this "
                                    "action applies to.")
                               : tr("Select messages first, or act on every message the "
                                    "filter matches."),
                   false);
        return;
    }
    QMap<QString, QJsonObject> params;
    HostCounts counts;
    const auto ids = model_->queueIdsByHost(rows);
    for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
        params.insert(it.key(), {{QStringLiteral("queue_ids"), QJsonArray::fromStringList(*it)},
                                 {QStringLiteral("skip_missing"), true}});
        counts.insert(it.key(), it->size());
    }
    QString note = skipped > 0 ? tr("%n selected message(s) left out: not in a queue that this "
                                    "action applies to.",
                                    nullptr, skipped)
                               : QString();
    confirmAndRun(action, params, counts, note);
}

void QueuePage::actOnFilter(QueueAction action) {
    QueueViewFilter filter = model_->filter();
    filter.queues = queueActionQueues(action, filter.queues);
    if (filter.queues.isEmpty()) {
        showResult(tr("The filter's queue holds no message that this action applies to."), false);
        return;
    }
    const QJsonObject params = filter.toParams();
    QJsonObject countParams = params;
    countParams.insert(QStringLiteral("limit"), 1);
    setBusy(true);
    showResult(tr("Counting the matching messages…"), false);
    callEach(caller_, model_->hosts(), QStringLiteral("queue.list"), countParams, this,
             [this, action, params](const HostReplies& replies) {
                 setBusy(false);
                 HostCounts counts;
                 QMap<QString, QJsonObject> paramsByHost;
                 QStringList failures;
                 for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
                     if (!it->ok) {
                         if (!AgentTableModel::isNotSupported(*it))
                             failures << ReplyText::hostError(it.key(), *it);
                         continue;
                     }
                     qint64 total =
                         it->result.toObject().value(QStringLiteral("total")).toInteger();
                     if (total > 0) {
                         counts.insert(it.key(), total);
                         paramsByHost.insert(it.key(), params);
                     }
                 }
                 QString note = failures.isEmpty() ? QString()
                                                   : tr("Not counted and left alone: %1.")
                                                         .arg(failures.join(QStringLiteral("; ")));
                 confirmAndRun(action, paramsByHost, counts, note);
             });
}

void QueuePage::confirmAndRun(QueueAction action, const QMap<QString, QJsonObject>& paramsByHost,
                              const HostCounts& counts, const QString& note) {
    QString text = QueueActionText::question(action, counts);
    if (!note.isEmpty())
        text += QStringLiteral("\n\n") + note;
    if (totalCount(counts) == 0) {
        showResult(text, false);
        return;
    }
    confirmation_ = confirmThen(this, tr("Confirm: %1").arg(QueueActionText::label(action)), text,
                                QueueActionText::label(action),
                                [this, action, paramsByHost] { run(action, paramsByHost); });
}

void QueuePage::run(QueueAction action, const QMap<QString, QJsonObject>& paramsByHost) {
    setBusy(true);
    showResult(tr("Working…"), false);
    callEach(
        caller_, paramsByHost.keys(), QueueActionText::method(action),
        [paramsByHost](const QString& host) { return paramsByHost.value(host); }, this,
        [this, action](const HostReplies& replies) {
            setBusy(false);
            bool anyOk = std::any_of(replies.cbegin(), replies.cend(),
                                     [](const RpcReply& reply) { return reply.ok; });
            showResult(
                ReplyText::summary(replies,
                                   [action](qint64 n) { return QueueActionText::done(action, n); }),
                !anyOk);
            model_->refresh();
            shapeModel_->refresh();
        });
}

QMessageBox* QueuePage::pendingConfirmation() const {
    return confirmation_;
}

QString QueuePage::lastResult() const {
    return result_->text();
}

void QueuePage::showResult(const QString& text, bool allFailed) {
    result_->setText(text);
    result_->setStyleSheet(allFailed ? QStringLiteral("color: #c62828;") : QString());
    emit statusMessage(text);
}

void QueuePage::updateSummary() {
    QString text = tr("%1 of %2 messages loaded")
                       .arg(format::count(model_->rowCount()), format::count(model_->totalCount()));
    if (model_->isLoading())
        text += tr(" (loading…)");
    QStringList why;
    const QStringList failed = model_->failedHosts();
    for (const QString& host : failed)
        why << tr("%1: %2").arg(host, model_->hostError(host));
    if (!failed.isEmpty())
        text += QStringLiteral(" — ") + tr("not shown: %1").arg(failed.join(QStringLiteral(", ")));
    summary_->setText(text);
    summary_->setToolTip(why.join(QLatin1Char('\n')));
}

void QueuePage::showMessage(const QModelIndex& index) {
    if (!index.isValid())
        return;
    auto* viewer = new MessageViewerDialog(caller_, model_->hostAt(index.row()),
                                           model_->queueIdAt(index.row()), this);
    viewer->show();
}

void QueuePage::setBusy(bool busy) {
    for (QAction* action : actions_)
        action->setEnabled(!busy);
}

} // namespace mailng::gui
