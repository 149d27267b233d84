#include "first_run_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>

#include "cluster_draft.h"
#include "cluster_session.h"

namespace mailng::gui {
namespace {

enum HostColumn { NameColumn, RoleColumn, AddressColumn, SshColumn, HostColumnCount };

const QString kExampleResource = QStringLiteral(":/examples/emailng.toml");

} // namespace

FirstRunDialog::FirstRunDialog(QWidget* parent, Purpose purpose)
    : QDialog(parent), stack_(new QStackedWidget(this)), problems_(new QLabel(this)) {
    setWindowTitle(tr("mailng: choose the cluster"));
    problems_->setWordWrap(true);
    problems_->setStyleSheet(QStringLiteral("color: #c62828;"));
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    stack_->addWidget(buildChoicePage(purpose));
    stack_->addWidget(buildDescribePage());
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(stack_);
    layout->addWidget(problems_);
    resize(720, 480);
}

QWidget* FirstRunDialog::buildChoicePage(Purpose purpose) {
    auto* page = new QWidget(this);
    const bool firstRun = purpose == Purpose::FirstRun;
    auto* intro = new QLabel(
        firstRun ? tr("No cluster file is open. The cluster file (cluster.toml) names the "
                      "servers, their roles and how to reach them over SSH.")
                 : tr("Open another cluster. The console leaves the cluster it shows now only "
                      "when the new cluster file has been read without problems."),
        page);
    intro->setWordWrap(true);
    auto* open = new QPushButton(tr("Open a cluster file…"), page);
    auto* example = new QPushButton(tr("Open the example cluster (the manual's)"), page);
    auto* describe = new QPushButton(tr("Describe the hosts…"), page);
    auto* quit = new QPushButton(firstRun ? tr("Quit") : tr("Cancel"), page);
    connect(open, &QPushButton::clicked, this, &FirstRunDialog::chooseFile);
    connect(example, &QPushButton::clicked, this, &FirstRunDialog::openExample);
    connect(describe, &QPushButton::clicked, this, [this] { stack_->setCurrentIndex(1); });
    connect(quit, &QPushButton::clicked, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(intro);
    for (QPushButton* button : {open, example, describe})
        layout->addWidget(button);
    layout->addStretch();
    layout->addWidget(quit, 0, Qt::AlignRight);
    return page;
}

QWidget* FirstRunDialog::buildDescribePage() {
    auto* page = new QWidget(this);
    name_ = new QLineEdit(page);
    domain_ = new QLineEdit(page);
    domain_->setPlaceholderText(QStringLiteral("example.edu"));
    networks_ = new QLineEdit(page);
    networks_->setPlaceholderText(QStringLiteral("198.51.100.0/24, 192.0.2.0/24"));
    ldapUri_ = new QLineEdit(page);
    ldapUri_->setPlaceholderText(tr("only when no host is the directory: ldap://…/"));
    hosts_ = new QTableWidget(0, HostColumnCount, page);
    hosts_->setHorizontalHeaderLabels(
        {tr("Name"), tr("Role"), tr("Address"), tr("SSH target (optional)")});
    hosts_->horizontalHeader()->setStretchLastSection(true);
    addHostRow(QStringLiteral("relay"));
    addHostRow(QStringLiteral("backend"));
    auto* form = new QFormLayout;
    form->addRow(tr("Cluster name:"), name_);
    form->addRow(tr("Mail domain:"), domain_);
    form->addRow(tr("Trusted networks:"), networks_);
    form->addRow(tr("LDAP URI:"), ldapUri_);
    auto* add = new QPushButton(tr("Add host"), page);
    auto* remove = new QPushButton(tr("Remove host"), page);
    connect(add, &QPushButton::clicked, this, [this] { addHostRow(QStringLiteral("relay")); });
    connect(remove, &QPushButton::clicked, this,
            [this] { hosts_->removeRow(hosts_->currentRow()); });
    auto* buttons = new QDialogButtonBox(page);
    auto* back = buttons->addButton(tr("Back"), QDialogButtonBox::RejectRole);
    auto* save = buttons->addButton(tr("Save and open…"), QDialogButtonBox::AcceptRole);
    connect(back, &QPushButton::clicked, this, [this] { stack_->setCurrentIndex(0); });
    connect(save, &QPushButton::clicked, this, &FirstRunDialog::saveDraft);
    auto* hostButtons = new QHBoxLayout;
    hostButtons->addWidget(add);
    hostButtons->addWidget(remove);
    hostButtons->addStretch();
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(hosts_);
    layout->addLayout(hostButtons);
    layout->addWidget(buttons);
    return page;
}

void FirstRunDialog::addHostRow(const QString& role) {
    int row = hosts_->rowCount();
    hosts_->insertRow(row);
    auto* roles = new QComboBox(hosts_);
    for (const char* name : {"relay", "backend", "client", "directory"})
        roles->addItem(QString::fromLatin1(name));
    roles->setCurrentText(role);
    hosts_->setCellWidget(row, RoleColumn, roles);
    for (int column : {NameColumn, AddressColumn, SshColumn})
        hosts_->setItem(row, column, new QTableWidgetItem);
}

ClusterDraft FirstRunDialog::draft() const {
    ClusterDraft draft;
    draft.name = name_->text().trimmed();
    draft.domain = domain_->text().trimmed();
    for (const QString& network : networks_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        draft.networks << network.trimmed();
    draft.ldapUri = ldapUri_->text().trimmed();
    for (int row = 0; row < hosts_->rowCount(); ++row) {
        auto text = [&](int column) {
            QTableWidgetItem* item = hosts_->item(row, column);
            return item ? item->text().trimmed() : QString();
        };
        auto* role = qobject_cast<QComboBox*>(hosts_->cellWidget(row, RoleColumn));
        ClusterDraft::Host host{text(NameColumn), role ? role->currentText() : QString(),
                                text(AddressColumn), text(SshColumn)};
        if (!host.name.isEmpty() || !host.address.isEmpty())
            draft.hosts << host;
    }
    return draft;
}

void FirstRunDialog::chooseFile() {
    auto* dialog = new QFileDialog(this, tr("Open a cluster file"), QDir::homePath(),
                                   tr("Cluster files (*.toml);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &FirstRunDialog::tryCluster);
    dialog->open();
}

void FirstRunDialog::saveDraft() {
    auto* dialog = new QFileDialog(this, tr("Save the cluster file"),
                                   QDir::home().filePath(QStringLiteral("cluster.toml")),
                                   tr("Cluster files (*.toml)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("toml"));
    connect(dialog, &QFileDialog::fileSelected, this, &FirstRunDialog::writeDraft);
    dialog->open();
}

void FirstRunDialog::writeDraft(const QString& path) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(clusterFileText(draft()).toUtf8()) < 0 ||
        !file.commit()) {
        problems_->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    tryCluster(path);
}

bool FirstRunDialog::openExample() {
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QString path = QDir(folder).filePath(QStringLiteral("emailng-example.toml"));
    QFile::remove(path);
    if (!QDir().mkpath(folder) || !QFile::copy(kExampleResource, path)) {
        problems_->setText(tr("Cannot copy the example cluster to %1.").arg(path));
        return false;
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return tryCluster(path);
}

bool FirstRunDialog::tryCluster(const QString& path) {
    auto endpoints = loadClusterEndpoints(path);
    if (!endpoints) {
        problems_->setText(tr("The cluster file has problems:\n%1")
                               .arg(endpoints.error().join(QLatin1Char('\n'))));
        return false;
    }
    problems_->clear();
    emit clusterChosen(path, *endpoints);
    accept();
    return true;
}

QString FirstRunDialog::problems() const {
    return problems_->text();
}

} // namespace mailng::gui
