#include "backend_drain.h"

#include <QJsonArray>
#include <QJsonObject>

#include "reply_text.h"

namespace mailng::gui {
namespace {

const QString kAllNetworks = QStringLiteral("0.0.0.0/0");

QJsonObject backendParams(const QString& address) {
    return {{QStringLiteral("backend"), address}};
}

int sessionsIn(const QJsonObject& sessions) {
    return sessions.value(QStringLiteral("imap")).toInt() +
           sessions.value(QStringLiteral("pop3")).toInt();
}

} // namespace

BackendDrain::BackendDrain(AgentCaller& caller, Target target, QObject* parent)
    : QObject(parent), caller_(caller), target_(std::move(target)) {
    pollTimer_.setSingleShot(true);
    pollTimer_.setInterval(2000);
    connect(&pollTimer_, &QTimer::timeout, this, &BackendDrain::pollSessions);
}

bool BackendDrain::isRunning() const {
    switch (step_) {
    case Step::Idle:
    case Step::Drained:
    case Step::Done:
    case Step::Stopped:
    case Step::Failed:
        return false;
    default:
        return true;
    }
}

bool BackendDrain::canBringBack() const {
    return !zeroed_.isEmpty();
}

void BackendDrain::setPollInterval(int milliseconds) {
    pollTimer_.setInterval(milliseconds);
}

void BackendDrain::start() {
    if (isRunning() || step_ == Step::Drained)
        return;
    if (target_.directors.isEmpty()) {
        fail(tr("No director is known, so no session can be moved."));
        return;
    }
    sessions_ = -1;
    enter(Step::ReadWeights);
}

void BackendDrain::stop() {
    if (!isRunning())
        return;
    emit progress(tr("Stopped during: %1").arg(stepTitle(step_)));
    enter(Step::Stopped);
}

void BackendDrain::bringBack() {
    if (isRunning() || !canBringBack())
        return;
    enter(Step::RestoreWeights);
}

QString BackendDrain::stepTitle(Step step) {
    switch (step) {
    case Step::Idle:
        return tr("Not started");
    case Step::ReadWeights:
        return tr("Read the back-end's weight on every director");
    case Step::SetWeightZero:
        return tr("Set its weight to 0 on every director");
    case Step::Flush:
        return tr("Flush its user assignments on every director");
    case Step::Kick:
        return tr("Kick the open sessions on the back-end");
    case Step::WaitSessions:
        return tr("Wait until no session remains");
    case Step::Drained:
        return tr("Maintenance: the back-end is free");
    case Step::RestoreWeights:
        return tr("Restore its weight on every director");
    case Step::Verify:
        return tr("Check the weights on every director");
    case Step::Done:
        return tr("Back in service");
    case Step::Stopped:
        return tr("Stopped");
    case Step::Failed:
        return tr("Failed");
    }
    return {};
}

void BackendDrain::enter(Step step) {
    pollTimer_.stop();
    step_ = step;
    ++run_;
    emit stepChanged(step);
    runStep();
}

void BackendDrain::runStep() {
    switch (step_) {
    case Step::ReadWeights:
        readWeights();
        break;
    case Step::SetWeightZero:
        setWeightZero();
        break;
    case Step::Flush:
        flush();
        break;
    case Step::Kick:
        kick();
        break;
    case Step::WaitSessions:
        polls_ = 0;
        pollSessions();
        break;
    case Step::Drained:
        emit progress(
            tr("No session remains on %1; it can be worked on now.").arg(target_.backendHost));
        break;
    case Step::RestoreWeights:
        restoreWeights();
        break;
    case Step::Verify:
        verify();
        break;
    default:
        break;
    }
}

void BackendDrain::callAll(const QStringList& hosts, const QString& method,
                           const std::function<QJsonObject(const QString&)>& params, EachOk eachOk,
                           std::function<void()> next) {
    const quint64 run = run_;
    callEach(caller_, hosts, method, params, this,
             [this, run, eachOk = std::move(eachOk),
              next = std::move(next)](const HostReplies& replies) {
                 if (run != run_)
                     return;
                 QStringList errors;
                 for (auto it = replies.cbegin(); it != replies.cend(); ++it) {
                     if (it->ok)
                         eachOk(it.key(), *it);
                     else
                         errors << ReplyText::hostError(it.key(), *it);
                 }
                 if (errors.isEmpty())
                     next();
                 else
                     fail(errors.join(QStringLiteral("; ")));
             });
}

void BackendDrain::callBackend(const QString& method, const QJsonObject& params,
                               std::function<void(const RpcReply&)> next) {
    const quint64 run = run_;
    caller_.call(target_.backendHost, method, params, this,
                 [this, run, next = std::move(next)](const RpcReply& reply) {
                     if (run != run_)
                         return;
                     if (reply.ok)
                         next(reply);
                     else
                         fail(ReplyText::hostError(target_.backendHost, reply));
                 });
}

QJsonObject BackendDrain::backendEntry(const RpcReply& reply) const {
    const QJsonArray backends = reply.result.toObject().value(QStringLiteral("backends")).toArray();
    for (const QJsonValue& value : backends) {
        QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("address")).toString() == target_.backendAddress)
            return entry;
    }
    return {};
}

void BackendDrain::readWeights() {
    auto missing = std::make_shared<QStringList>();
    callAll(
        target_.directors, QStringLiteral("director.status"),
        [](const QString&) { return QJsonObject{}; },
        [this, missing](const QString& host, const RpcReply& reply) {
            QJsonObject entry = backendEntry(reply);
            if (entry.isEmpty()) {
                *missing << host;
                return;
            }
            int weight = entry.value(QStringLiteral("weight")).toInt();
            if (!(weight == 0 && zeroed_.contains(host)))
                weights_[host] = weight;
            emit progress(tr("%1: weight %2, %3 users")
                              .arg(host)
                              .arg(weight)
                              .arg(entry.value(QStringLiteral("users")).toInteger()));
        },
        [this, missing] {
            if (!missing->isEmpty()) {
                fail(tr("%1 does not list the back-end %2.")
                         .arg(missing->join(QStringLiteral(", ")), target_.backendAddress));
                return;
            }
            enter(Step::SetWeightZero);
        });
}

void BackendDrain::setWeightZero() {
    QJsonObject params = backendParams(target_.backendAddress);
    params.insert(QStringLiteral("weight"), 0);
    callAll(
        target_.directors, QStringLiteral("director.set_weight"),
        [params](const QString&) { return params; },
        [this](const QString& host, const RpcReply& reply) {
            int previous =
                reply.result.toObject().value(QStringLiteral("previous_weight")).toInt(-1);
            if (previous > 0 && !zeroed_.contains(host))
                weights_[host] = previous;
            if (!zeroed_.contains(host))
                zeroed_ << host;
            emit progress(tr("%1: weight set to 0").arg(host));
        },
        [this] { enter(Step::Flush); });
}

void BackendDrain::flush() {
    QJsonObject params = backendParams(target_.backendAddress);
    callAll(
        target_.directors, QStringLiteral("director.flush"),
        [params](const QString&) { return params; },
        [this](const QString& host, const RpcReply& reply) {
            emit progress(
                tr("%1: %2 user assignments flushed").arg(host).arg(ReplyText::affected(reply)));
        },
        [this] { enter(Step::Kick); });
}

void BackendDrain::kick() {
    callBackend(QStringLiteral("director.kick"), {{QStringLiteral("network"), kAllNetworks}},
                [this](const RpcReply& reply) {
                    emit progress(tr("%1: the sessions of %2 users were kicked")
                                      .arg(target_.backendHost)
                                      .arg(ReplyText::affected(reply)));
                    enter(Step::WaitSessions);
                });
}

void BackendDrain::pollSessions() {
    callBackend(QStringLiteral("host.status"), {}, [this](const RpcReply& reply) {
        QJsonObject status = reply.result.toObject();
        QJsonValue sessions = status.value(QStringLiteral("sessions"));
        if (!sessions.isObject()) {
            QString why = status.value(QStringLiteral("unavailable"))
                              .toObject()
                              .value(QStringLiteral("sessions"))
                              .toString(tr("the host does not report its sessions"));
            fail(tr("%1: %2").arg(target_.backendHost, why));
            return;
        }
        sessions_ = sessionsIn(sessions.toObject());
        emit sessionsChanged(sessions_);
        if (sessions_ == 0) {
            enter(Step::Drained);
            return;
        }
        ++polls_;
        if (kickEvery_ > 0 && polls_ % kickEvery_ == 0) {
            emit progress(tr("%n session(s) remain; kicking again", nullptr, sessions_));
            callBackend(QStringLiteral("director.kick"),
                        {{QStringLiteral("network"), kAllNetworks}}, [](const RpcReply&) {});
        }
        pollTimer_.start();
    });
}

void BackendDrain::restoreWeights() {
    restored_ = zeroed_;
    callAll(
        restored_, QStringLiteral("director.set_weight"),
        [this](const QString& host) {
            QJsonObject params = backendParams(target_.backendAddress);
            int weight = weights_.value(host);
            params.insert(QStringLiteral("weight"), weight > 0 ? weight : fallbackWeight_);
            return params;
        },
        [this](const QString& host, const RpcReply& reply) {
            zeroed_.removeAll(host);
            emit progress(
                tr("%1: weight set back to %2")
                    .arg(host)
                    .arg(reply.result.toObject().value(QStringLiteral("weight")).toInt()));
        },
        [this] { enter(Step::Verify); });
}

void BackendDrain::verify() {
    auto wrong = std::make_shared<QStringList>();
    callAll(
        restored_, QStringLiteral("director.status"), [](const QString&) { return QJsonObject{}; },
        [this, wrong](const QString& host, const RpcReply& reply) {
            int expected = weights_.value(host) > 0 ? weights_.value(host) : fallbackWeight_;
            int shown = backendEntry(reply).value(QStringLiteral("weight")).toInt(-1);
            if (shown != expected)
                *wrong << tr("%1 shows weight %2 instead of %3").arg(host).arg(shown).arg(expected);
        },
        [this, wrong] {
            if (!wrong->isEmpty()) {
                fail(wrong->join(QStringLiteral("; ")));
                return;
            }
            emit progress(tr("%1 is back in service.").arg(target_.backendHost));
            enter(Step::Done);
        });
}

void BackendDrain::fail(const QString& message) {
    pollTimer_.stop();
    step_ = Step::Failed;
    ++run_;
    emit stepChanged(step_);
    emit progress(message);
    emit failed(message);
}

} // namespace mailng::gui
