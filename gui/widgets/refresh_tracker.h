// Tells a page when the refresh it started is over: every model it watches has stopped
// loading and every extra call it counted (addPending/donePending) has come back.
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

namespace mailng::gui {

class AgentTableModel;

class RefreshTracker : public QObject {
    Q_OBJECT
public:
    explicit RefreshTracker(QObject* parent = nullptr);

    /// Watches `model`'s loading state (AgentTableModel::loadingChanged).
    void watch(AgentTableModel* model);

    /// Call right after starting the models' refresh. finished() follows once, when
    /// nothing is loading any more (at the earliest from the event loop).
    void begin();
    /// Counts one more call of the page's own that the refresh waits for.
    void addPending() { ++pending_; }
    /// That call came back.
    void donePending();

    bool isActive() const { return active_; }

signals:
    void finished();

private:
    void check();

    QList<QPointer<AgentTableModel>> models_;
    int pending_ = 0;
    bool active_ = false;
};

} // namespace mailng::gui
