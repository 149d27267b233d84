#include "screenshot.h"

#include <QPixmap>

#include "cluster_session.h"
#include "main_window.h"
#include "page.h"

namespace mailng::gui {
namespace {

constexpr int kPaintDelayMs = 500;

bool isOutcome(HostConnection::State state) {
    return state == HostConnection::State::Connected || state == HostConnection::State::Refused ||
           state == HostConnection::State::Unreachable;
}

} // namespace

ScreenshotTaker::ScreenshotTaker(MainWindow& window, ClusterSession& session, QString outputFile,
                                 QObject* parent)
    : QObject(parent), window_(window), session_(session), outputFile_(std::move(outputFile)) {
    deadline_.setSingleShot(true);
    deadline_.setInterval(90000);
    connect(&deadline_, &QTimer::timeout, this, &ScreenshotTaker::save);
}

void ScreenshotTaker::start() {
    connect(&session_, &ClusterSession::hostStateChanged, this,
            [this](const QString& host, HostConnection::State state, const QString&) {
                hostStateChanged(host, state);
            });
    for (const QString& host : session_.hosts())
        hostStateChanged(host, session_.state(host));
    deadline_.start();
    maybeRefresh();
}

void ScreenshotTaker::hostStateChanged(const QString& host, HostConnection::State state) {
    if (isOutcome(state))
        settled_.insert(host);
    maybeRefresh();
}

void ScreenshotTaker::maybeRefresh() {
    if (refreshing_ || saved_ || settled_.size() < session_.hosts().size())
        return;
    Page* page = window_.currentPage();
    if (!page) {
        save();
        return;
    }
    refreshing_ = true;
    connect(page, &Page::refreshFinished, this, &ScreenshotTaker::refreshDone,
            Qt::SingleShotConnection);
    page->refresh();
}

void ScreenshotTaker::refreshDone() {
    QTimer::singleShot(kPaintDelayMs, this, &ScreenshotTaker::save);
}

void ScreenshotTaker::save() {
    if (saved_)
        return;
    saved_ = true;
    deadline_.stop();
    QPixmap image = window_.grab();
    if (image.save(outputFile_))
        emit finished(
            true,
            tr("Saved %1 (%2 x %3).").arg(outputFile_).arg(image.width()).arg(image.height()));
    else
        emit finished(false, tr("Cannot write the image %1.").arg(outputFile_));
}

} // namespace mailng::gui
