#include "backend_maintenance_dialog.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace mailng::gui {
namespace {

using Step = BackendDrain::Step;

const QString kPending = QStringLiteral("○");
const QString kRunning = QStringLiteral("▶");
const QString kDone = QStringLiteral("✔");
const QString kFailed = QStringLiteral("✖");
const QString kStopped = QStringLiteral("■");

} // namespace

const QList<BackendDrain::Step>& BackendMaintenanceDialog::listedSteps() {
    static const QList<Step> steps = {Step::ReadWeights,    Step::SetWeightZero, Step::Flush,
                                      Step::Kick,           Step::WaitSessions,  Step::Drained,
                                      Step::RestoreWeights, Step::Verify,        Step::Done};
    return steps;
}

BackendMaintenanceDialog::BackendMaintenanceDialog(AgentCaller& caller,
                                                   const QString& backendAddress,
                                                   const QString& backendHost,
                                                   const QStringList& hosts,
                                                   const QStringList& directors, QWidget* parent)
    : QDialog(parent), caller_(caller), backendAddress_(backendAddress), directors_(directors),
      host_(new QComboBox(this)), steps_(new QListWidget(this)), progress_(new QProgressBar(this)),
      sessions_(new QLabel(this)), log_(new QPlainTextEdit(this)) {
    setWindowTitle(tr("Back-end maintenance: %1").arg(backendAddress));
    for (const QString& host : hosts)
        if (!directors.contains(host))
            host_->addItem(host);
    host_->setCurrentText(backendHost);
    auto* form = new QFormLayout;
    form->addRow(tr("Back-end:"), new QLabel(backendAddress, this));
    form->addRow(tr("Its host (kicked, asked for sessions):"), host_);
    form->addRow(tr("Directors:"), new QLabel(directors.join(QStringLiteral(", ")), this));
    for (Step step : listedSteps()) {
        auto* item = new QListWidgetItem(
            kPending + QLatin1Char(' ') + BackendDrain::stepTitle(step), steps_);
        items_.insert(int(step), item);
    }
    progress_->setRange(0, int(listedSteps().size()) - 1);
    progress_->setValue(0);
    log_->setReadOnly(true);
    auto* buttons = new QDialogButtonBox(this);
    start_ = buttons->addButton(tr("Start"), QDialogButtonBox::ActionRole);
    stop_ = buttons->addButton(tr("Stop"), QDialogButtonBox::ActionRole);
    bringBack_ = buttons->addButton(tr("Bring back"), QDialogButtonBox::ActionRole);
    close_ = buttons->addButton(QDialogButtonBox::Close);
    connect(start_, &QPushButton::clicked, this, &BackendMaintenanceDialog::startDrain);
    connect(stop_, &QPushButton::clicked, this, [this] { drain_->stop(); });
    connect(bringBack_, &QPushButton::clicked, this, [this] { drain_->bringBack(); });
    connect(close_, &QPushButton::clicked, this, &BackendMaintenanceDialog::reject);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Moves every session off the back-end as the manual's "
                                "\"Back-end system maintenance\" does, waits while you work on "
                                "it, then brings it back. Disable anything that changes director "
                                "weights by itself (poolmon, cron jobs) first."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(steps_);
    layout->addWidget(progress_);
    layout->addWidget(sessions_);
    layout->addWidget(log_);
    layout->addWidget(buttons);
    resize(640, 620);
    updateButtons();
}

void BackendMaintenanceDialog::startDrain() {
    if (!drain_) {
        BackendDrain::Target target{host_->currentText(), backendAddress_, directors_};
        drain_ = new BackendDrain(caller_, target, this);
        drain_->setPollInterval(pollInterval_);
        connect(drain_, &BackendDrain::stepChanged, this, &BackendMaintenanceDialog::stepChanged);
        connect(drain_, &BackendDrain::progress, this, &BackendMaintenanceDialog::log);
        connect(drain_, &BackendDrain::sessionsChanged, this, [this](int remaining) {
            sessions_->setText(tr("Sessions left on the back-end: %1").arg(remaining));
        });
        host_->setEnabled(false);
    }
    for (Step step : listedSteps())
        mark(step, kPending);
    drain_->start();
}

void BackendMaintenanceDialog::stepChanged(Step step) {
    if (step == Step::Stopped || step == Step::Failed) {
        mark(running_, step == Step::Failed ? kFailed : kStopped);
        running_ = Step::Idle;
    } else {
        if (running_ != Step::Idle)
            mark(running_, kDone);
        bool resting = step == Step::Drained || step == Step::Done;
        mark(step, resting ? kDone : kRunning);
        running_ = step;
        progress_->setValue(int(listedSteps().indexOf(step)));
    }
    updateButtons();
}

void BackendMaintenanceDialog::mark(Step step, const QString& marker) {
    if (QListWidgetItem* item = items_.value(int(step)))
        item->setText(marker + QLatin1Char(' ') + BackendDrain::stepTitle(step));
}

void BackendMaintenanceDialog::log(const QString& line) {
    log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss ")) +
                          line);
}

QString BackendMaintenanceDialog::logText() const {
    return log_->toPlainText();
}

void BackendMaintenanceDialog::updateButtons() {
    bool running = drain_ && drain_->isRunning();
    Step step = drain_ ? drain_->step() : Step::Idle;
    start_->setEnabled(!running && step != Step::Drained && host_->count() > 0);
    stop_->setEnabled(running);
    bringBack_->setEnabled(drain_ && !running && drain_->canBringBack());
    close_->setEnabled(!running);
}

void BackendMaintenanceDialog::reject() {
    if (drain_ && drain_->isRunning()) {
        log(tr("A step is running: stop it before closing."));
        return;
    }
    QDialog::reject();
}

} // namespace mailng::gui
