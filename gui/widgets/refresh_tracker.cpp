#include "refresh_tracker.h"

#include <QTimer>

#include "models/agent_table_model.h"

namespace mailng::gui {

RefreshTracker::RefreshTracker(QObject* parent) : QObject(parent) {}

void RefreshTracker::watch(AgentTableModel* model) {
    models_ << model;
    connect(model, &AgentTableModel::loadingChanged, this, [this](bool loading) {
        if (!loading)
            check();
    });
}

void RefreshTracker::begin() {
    active_ = true;
    QTimer::singleShot(0, this, &RefreshTracker::check);
}

void RefreshTracker::donePending() {
    if (pending_ > 0)
        --pending_;
    check();
}

void RefreshTracker::check() {
    if (!active_ || pending_ > 0)
        return;
    for (const auto& model : models_)
        if (model && model->isLoading())
            return;
    active_ = false;
    emit finished();
}

} // namespace mailng::gui
