#include "director_page.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "models/director_model.h"
#include "models/model_format.h"
#include "pages/backend_maintenance_dialog.h"
#include "refresh_tracker.h"

namespace mailng::gui {

DirectorPage::DirectorPage(AgentCaller& caller, QWidget* parent)
    : Page(parent), caller_(caller), model_(new DirectorModel(&caller, this)),
      tracker_(new RefreshTracker(this)), proxy_(new QSortFilterProxyModel(this)),
      search_(new QLineEdit(this)), table_(new QTableView(this)), summary_(new QLabel(this)) {
    tracker_->watch(model_);
    summary_->setWordWrap(true);
    connect(tracker_, &RefreshTracker::finished, this, &Page::refreshFinished);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(AgentTableModel::SortRole);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    search_->setPlaceholderText(tr("Find a director or back-end"));
    search_->setClearButtonEnabled(true);
    connect(search_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    table_->setObjectName(QStringLiteral("directorTable"));
    table_->setModel(proxy_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder);
    auto* maintenance = new QPushButton(tr("Back-end maintenance…"), this);
    maintenance->setToolTip(tr("Move every session off the selected back-end, and back"));
    connect(maintenance, &QPushButton::clicked, this, [this] { openMaintenance(); });
    connect(table_, &QTableView::activated, this, [this] { openMaintenance(); });
    auto* bar = new QHBoxLayout;
    bar->addWidget(search_, 1);
    bar->addWidget(maintenance);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(table_);
    layout->addWidget(summary_);
    connect(model_, &DirectorModel::directorUpdated, this, &DirectorPage::updateSummary);
    connect(model_, &AgentTableModel::errorOccurred, this, &DirectorPage::updateSummary);
    poll_.setInterval(10000);
    connect(&poll_, &QTimer::timeout, model_, &DirectorModel::refresh);
}

QString DirectorPage::title() const {
    return tr("Director");
}

void DirectorPage::refresh() {
    model_->refresh();
    tracker_->begin();
}

void DirectorPage::focusSearch() {
    search_->setFocus(Qt::ShortcutFocusReason);
    search_->selectAll();
}

void DirectorPage::saveViewState(QSettings& settings) const {
    settings.setValue(QStringLiteral("header"), table_->horizontalHeader()->saveState());
}

void DirectorPage::restoreViewState(const QSettings& settings) {
    table_->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("header")).toByteArray());
}

void DirectorPage::setHostAddresses(const QHash<QString, QString>& hostByAddress) {
    hostByAddress_ = hostByAddress;
}

void DirectorPage::setPollInterval(int milliseconds) {
    poll_.setInterval(milliseconds);
    if (milliseconds <= 0)
        poll_.stop();
}

BackendMaintenanceDialog* DirectorPage::openMaintenance() {
    QModelIndex current = proxy_->mapToSource(table_->currentIndex());
    QString backend = current.data(DirectorModel::BackendRole).toString();
    if (backend.isEmpty()) {
        emit statusMessage(tr("Select a back-end first."));
        return nullptr;
    }
    return openMaintenance(backend);
}

BackendMaintenanceDialog* DirectorPage::openMaintenance(const QString& backendAddress) {
    QPointer<BackendMaintenanceDialog>& wizard = wizards_[backendAddress];
    if (!wizard) {
        wizard = new BackendMaintenanceDialog(caller_, backendAddress,
                                              hostByAddress_.value(backendAddress), caller_.hosts(),
                                              model_->directors(), this);
        connect(wizard, &QDialog::finished, model_, &DirectorModel::refresh);
    }
    wizard->show();
    wizard->raise();
    wizard->activateWindow();
    return wizard;
}

void DirectorPage::showEvent(QShowEvent* event) {
    Page::showEvent(event);
    if (poll_.interval() > 0)
        poll_.start();
}

void DirectorPage::hideEvent(QHideEvent* event) {
    Page::hideEvent(event);
    poll_.stop();
}

void DirectorPage::updateSummary() {
    QStringList lines;
    for (const QString& backend : model_->backends()) {
        QStringList weights;
        qint64 users = 0;
        for (const QString& director : model_->directors()) {
            qint64 weight = model_->weight(director, backend);
            if (weight >= 0)
                weights << tr("%1 on %2").arg(weight).arg(director);
            users = qMax(users, model_->users(director, backend));
        }
        lines << tr("%1: weight %2; %3 users")
                     .arg(backend, weights.join(QStringLiteral(", ")), format::count(users));
    }
    for (const QString& host : model_->failedHosts())
        lines << tr("%1: %2").arg(host, model_->hostError(host));
    if (model_->directors().isEmpty() && model_->failedHosts().isEmpty())
        lines << tr("No host runs a Dovecot director.");
    summary_->setText(lines.join(QLatin1Char('\n')));
}

} // namespace mailng::gui
