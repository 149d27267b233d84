#include "audit_page.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "models/audit_model.h"
#include "refresh_tracker.h"

namespace mailng::gui {
namespace {

/// The agent's mutating methods: what the audit log records.
const char* const kMethods[] = {"queue.hold",        "queue.release",       "queue.requeue",
                                "queue.delete",      "queue.flush",         "quarantine.release",
                                "quarantine.delete", "director.set_weight", "director.flush",
                                "director.kick"};

QString prettyJson(const QJsonValue& value) {
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented));
    return value.toVariant().toString();
}

} // namespace

AuditPage::AuditPage(AgentCaller& caller, QWidget* parent)
    : Page(parent), model_(new AuditModel(&caller, this)), tracker_(new RefreshTracker(this)),
      table_(new QTableView(this)), entry_(new QPlainTextEdit(this)), summary_(new QLabel(this)) {
    tracker_->watch(model_);
    summary_->setWordWrap(true);
    connect(tracker_, &RefreshTracker::finished, this, &Page::refreshFinished);
    table_->setObjectName(QStringLiteral("auditTable"));
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    entry_->setReadOnly(true);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(table_);
    splitter->addWidget(entry_);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildFilterBar());
    layout->addWidget(splitter);
    layout->addWidget(summary_);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditPage::showEntry);
    connect(model_, &AgentTableModel::loadingChanged, this, &AuditPage::updateSummary);
    connect(model_, &QAbstractItemModel::rowsInserted, this, &AuditPage::updateSummary);
    connect(model_, &QAbstractItemModel::modelReset, this, &AuditPage::updateSummary);
}

QString AuditPage::title() const {
    return tr("Audit");
}

QWidget* AuditPage::buildFilterBar() {
    auto* bar = new QWidget(this);
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    user_ = new QLineEdit(bar);
    user_->setPlaceholderText(tr("User (exact)"));
    user_->setClearButtonEnabled(true);
    method_ = new QComboBox(bar);
    method_->addItem(tr("Every action"), QString());
    for (const char* method : kMethods)
        method_->addItem(QString::fromLatin1(method), QString::fromLatin1(method));
    age_ = new QComboBox(bar);
    age_->addItem(tr("Any time"), 0);
    age_->addItem(tr("Last hour"), 3600);
    age_->addItem(tr("Last day"), 86400);
    age_->addItem(tr("Last 7 days"), 7 * 86400);
    age_->addItem(tr("Last 30 days"), 30 * 86400);
    auto* apply = new QPushButton(tr("Apply"), bar);
    layout->addWidget(user_, 1);
    layout->addWidget(method_);
    layout->addWidget(age_);
    layout->addWidget(apply);
    connect(user_, &QLineEdit::returnPressed, this, &AuditPage::applyFilter);
    connect(method_, &QComboBox::activated, this, &AuditPage::applyFilter);
    connect(age_, &QComboBox::activated, this, &AuditPage::applyFilter);
    connect(apply, &QPushButton::clicked, this, &AuditPage::applyFilter);
    return bar;
}

void AuditPage::applyFilter() {
    AuditModel::Filter filter;
    filter.user = user_->text().trimmed();
    filter.method = method_->currentData().toString();
    if (int seconds = age_->currentData().toInt(); seconds > 0)
        filter.since = QDateTime::currentSecsSinceEpoch() - seconds;
    model_->setFilter(filter);
}

void AuditPage::refresh() {
    model_->refresh();
    tracker_->begin();
}

void AuditPage::focusSearch() {
    user_->setFocus(Qt::ShortcutFocusReason);
    user_->selectAll();
}

void AuditPage::saveViewState(QSettings& settings) const {
    settings.setValue(QStringLiteral("header"), table_->horizontalHeader()->saveState());
}

void AuditPage::restoreViewState(const QSettings& settings) {
    table_->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
}

void AuditPage::showEntry(const QModelIndex& index) {
    if (!index.isValid()) {
        entry_->clear();
        return;
    }
    QStringList lines;
    for (int column = 0; column < AuditModel::ColumnCount; ++column) {
        if (column == AuditModel::ParamsColumn)
            continue;
        lines << tr("%1: %2").arg(model_->headerData(column, Qt::Horizontal).toString(),
                                  model_->index(index.row(), column).data().toString());
    }
    lines << tr("Params:") << prettyJson(index.data(AuditModel::ParamsRole).toJsonValue());
    entry_->setPlainText(lines.join(QLatin1Char('\n')));
}

void AuditPage::updateSummary() {
    QString text = tr("%n audit entries shown", nullptr, model_->rowCount());
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

} // namespace mailng::gui
