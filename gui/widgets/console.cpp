#include "console.h"

#include <QTimer>

#include "cluster_session.h"
#include "first_run_dialog.h"
#include "main_window.h"
#include "standard_pages.h"

namespace mailng::gui {

Console::Console(QObject* parent) : QObject(parent) {}

Console::~Console() {
    window_.reset(); // before the session it shows
}

void Console::open(const QList<HostEndpoint>& endpoints) {
    if (window_)
        window_->saveSettings();
    auto session = std::make_unique<ClusterSession>(endpoints);
    auto window = std::make_unique<MainWindow>(*session);
    addStandardPages(*window, *session);
    connect(window.get(), &MainWindow::openClusterRequested, this,
            &Console::askForAnotherCluster);
    window->restoreSettings();
    window->show();
    session->start();
    std::swap(window_, window);
    std::swap(session_, session);
    window.reset();
    session.reset();
    emit opened();
}

void Console::askForAnotherCluster() {
    auto* dialog = new FirstRunDialog(window_.get(), FirstRunDialog::Purpose::Switch);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &FirstRunDialog::clusterChosen, this,
            [this](const QString& path, const QList<HostEndpoint>& endpoints) {
                emit clusterFileChosen(path);
                QTimer::singleShot(0, this, [this, endpoints] { open(endpoints); });
            });
    dialog->open();
}

} // namespace mailng::gui
