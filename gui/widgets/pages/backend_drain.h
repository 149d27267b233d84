// The manual's "Back-end system maintenance" as a step machine over AgentCaller: it
// moves every user session off one Dovecot back-end, waits while the admin works on
// it, and brings it back. Every step is an agent call; nothing here blocks or waits
// on the GUI thread, and the machine can be stopped at any step.
//
// The way out:
//   ReadWeights     director.status on every director; each must list the back-end.
//                   The weight each director has for it is remembered.
//   SetWeightZero   director.set_weight {backend, weight: 0} on every director.
//   Flush           director.flush {backend} on every director.
//   Kick            director.kick {network: "0.0.0.0/0"} on the back-end host.
//   WaitSessions    host.status on the back-end every pollInterval until its IMAP and
//                   POP3 sessions are 0 (the kick is repeated every kickEvery polls).
//   Drained         the back-end is free: the admin does the maintenance.
// The way back (bringBack(), from Drained, or after a stop or failure when a weight
// was changed):
//   RestoreWeights  director.set_weight {backend, weight: remembered} on each director
//                   whose weight was set to 0 (a remembered 0 becomes fallbackWeight).
//   Verify          director.status on those directors shows the weight again.
//   Done
// stop() ends the current step at once (replies still on their way are ignored) and
// leaves Stopped; a failed call leaves Failed with the agent's error. Neither undoes
// anything by itself: the admin chooses bringBack() or leaves things as they are.
#pragma once

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "agent_caller.h"
#include "fan_out_call.h"

namespace mailng::gui {

class BackendDrain : public QObject {
    Q_OBJECT
public:
    enum class Step {
        Idle,
        ReadWeights,
        SetWeightZero,
        Flush,
        Kick,
        WaitSessions,
        Drained,
        RestoreWeights,
        Verify,
        Done,
        Stopped,
        Failed,
    };
    Q_ENUM(Step)

    struct Target {
        QString backendHost;    // the cluster host of the back-end (for kick, host.status)
        QString backendAddress; // its address as the directors list it
        QStringList directors;  // the hosts that run a director
    };

    /// `caller` must outlive this object.
    BackendDrain(AgentCaller& caller, Target target, QObject* parent = nullptr);

    const Target& target() const { return target_; }
    Step step() const { return step_; }
    /// True while a step is running (not Idle, Drained, Done, Stopped, Failed).
    bool isRunning() const;
    /// The sessions the back-end reported last (-1: not asked yet).
    int sessions() const { return sessions_; }
    /// The weights read in ReadWeights (or reported by set_weight), by director.
    QMap<QString, int> rememberedWeights() const { return weights_; }
    /// Whether a director's weight was set to 0 and not restored yet.
    bool canBringBack() const;

    void setPollInterval(int milliseconds);
    /// Polls between two kicks while sessions remain (0: kick once only).
    void setKickEvery(int polls) { kickEvery_ = polls; }
    /// The weight restored where the remembered one was 0 (default 100).
    void setFallbackWeight(int weight) { fallbackWeight_ = weight; }

    /// Starts the way out from the first step (from Idle, Done, Stopped or Failed).
    void start();
    /// Ends the running step; Stopped. Does nothing when no step runs.
    void stop();
    /// Starts the way back when canBringBack() and no step runs.
    void bringBack();

    /// The translated name of a step, for the progress list.
    static QString stepTitle(Step step);

signals:
    void stepChanged(mailng::gui::BackendDrain::Step step);
    /// A line for the progress log, in plain words.
    void progress(const QString& message);
    void sessionsChanged(int remaining);
    /// The step failed: `message` says where and why. step() is Failed.
    void failed(const QString& message);

private:
    void enter(Step step);
    void runStep();
    void readWeights();
    void setWeightZero();
    void flush();
    void kick();
    void pollSessions();
    void restoreWeights();
    void verify();
    using EachOk = std::function<void(const QString& host, const RpcReply& reply)>;
    /// Calls `method` on `hosts`. When the replies come and this step is still the
    /// current one: `eachOk` for every successful reply, then `next()` if all were ok,
    /// else fail() with every host's error.
    void callAll(const QStringList& hosts, const QString& method,
                 const std::function<QJsonObject(const QString&)>& params, EachOk eachOk,
                 std::function<void()> next);
    /// Calls `method` on the back-end host; `next(reply)` on success, else fail().
    void callBackend(const QString& method, const QJsonObject& params,
                     std::function<void(const RpcReply&)> next);
    void fail(const QString& message);
    /// The backend's entry in a director.status result, or an empty object.
    QJsonObject backendEntry(const RpcReply& reply) const;

    AgentCaller& caller_;
    Target target_;
    Step step_ = Step::Idle;
    quint64 run_ = 0; // bumped on every step change: stale replies see a different run
    QMap<QString, int> weights_;
    QStringList zeroed_;   // directors whose weight this machine set to 0
    QStringList restored_; // directors whose weight the way back set
    int sessions_ = -1;
    int polls_ = 0;
    int kickEvery_ = 10;
    int fallbackWeight_ = 100;
    QTimer pollTimer_;
};

} // namespace mailng::gui
