#include "host_connection.h"

#include <QPointer>
#include <QThread>
#include <QTimer>

#include <utility>

#include "host_connection_rpc.h"
#include "host_connection_worker.h"

namespace mailng::gui {
namespace {

// Runs `done` on `context`'s thread by way of its event loop, so that it never runs
// inside call() or inside this connection's own signal handling, and never after the
// context is gone (Qt drops events of a destroyed receiver).
void deliver(const QPointer<QObject>& context, const AgentCaller::Done& done,
             const RpcReply& reply) {
    if (!context || !done)
        return;
    QMetaObject::invokeMethod(
        context.data(), [done, reply] { done(reply); }, Qt::QueuedConnection);
}

} // namespace

class HostConnection::Private {
public:
    Private(HostConnection* owner, HostEndpoint endpointIn, HostTimings timings)
        : q(owner), endpoint(std::move(endpointIn)), worker(new HostWorker(endpoint, timings)) {}

    void wire();
    void onStateChanged(State newState, const QString& newReason);
    void onReplied(qint64 id, const RpcReply& reply);
    void armTimeout();
    QString notConnectedMessage() const;

    template <typename Slot> void onWorker(Slot slot) {
        QMetaObject::invokeMethod(worker, std::move(slot), Qt::QueuedConnection);
    }

    HostConnection* q;
    HostEndpoint endpoint;
    State state = State::Disconnected;
    QString reason;
    QString unknownFingerprint;
    QThread thread;
    HostWorker* worker; // lives on `thread`; deleted there
    rpc::PendingCalls calls;
    QTimer timeout;
};

void HostConnection::Private::wire() {
    worker->moveToThread(&thread);
    thread.setObjectName(QStringLiteral("ssh %1").arg(endpoint.name));
    QObject::connect(worker, &HostWorker::stateChanged, q,
                     [this](State s, const QString& r) { onStateChanged(s, r); });
    QObject::connect(worker, &HostWorker::replied, q,
                     [this](qint64 id, const RpcReply& reply) { onReplied(id, reply); });
    QObject::connect(worker, &HostWorker::hostKeyUnknown, q, [this](const QString& offered) {
        unknownFingerprint = offered;
        emit q->hostKeyUnknown(offered);
    });
    QObject::connect(worker, &HostWorker::hostKeyChanged, q, &HostConnection::hostKeyChanged);
    QObject::connect(worker, &HostWorker::passphraseNeeded, q, &HostConnection::passphraseNeeded);
    // The worker is deleted on its own thread, and the thread ends right after.
    QObject::connect(worker, &QObject::destroyed, &thread, &QThread::quit, Qt::DirectConnection);
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, q, [this] {
        calls.expire(rpc::Clock::now(),
                     QStringLiteral("the agent on %1 did not answer in time").arg(endpoint.name));
        armTimeout();
    });
    thread.start();
}

void HostConnection::Private::onStateChanged(State newState, const QString& newReason) {
    const bool wasConnected = state == State::Connected;
    state = newState;
    reason = newReason;
    if (newState != State::Connected && calls.size() > 0) {
        calls.failAll(
            wasConnected
                ? QStringLiteral("the connection to %1 broke: %2").arg(endpoint.name, newReason)
                : notConnectedMessage());
        armTimeout();
    }
    emit q->stateChanged(newState, newReason);
}

void HostConnection::Private::onReplied(qint64 id, const RpcReply& reply) {
    if (calls.complete(id, reply))
        armTimeout();
}

void HostConnection::Private::armTimeout() {
    const auto next = calls.nextDeadline();
    if (!next) {
        timeout.stop();
        return;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - rpc::Clock::now());
    timeout.start(std::max(wait, std::chrono::milliseconds(0)));
}

QString HostConnection::Private::notConnectedMessage() const {
    if (reason.isEmpty())
        return QStringLiteral("%1 is not connected").arg(endpoint.name);
    return QStringLiteral("%1 is not connected: %2").arg(endpoint.name, reason);
}

HostConnection::HostConnection(HostEndpoint endpoint, QObject* parent)
    : HostConnection(std::move(endpoint), HostTimings{}, parent) {}

HostConnection::HostConnection(HostEndpoint endpoint, HostTimings timings, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>(this, std::move(endpoint), timings)) {
    d->wire();
}

HostConnection::~HostConnection() {
    d->calls.failAll(QStringLiteral("the connection to %1 was closed").arg(d->endpoint.name));
    d->worker->deleteLater();
    d->thread.wait();
}

const HostEndpoint& HostConnection::endpoint() const {
    return d->endpoint;
}

HostConnection::State HostConnection::state() const {
    return d->state;
}

QString HostConnection::reason() const {
    return d->reason;
}

void HostConnection::start() {
    d->onWorker([worker = d->worker] { worker->start(); });
}

void HostConnection::stop() {
    d->onWorker([worker = d->worker] { worker->stop(); });
}

void HostConnection::call(const QString& method, const QJsonObject& params, QObject* context,
                          AgentCaller::Done done, int timeoutMs) {
    const QPointer<QObject> target(context ? context : this);
    if (d->state != State::Connected) {
        deliver(target, done,
                rpc::transportError(RpcReply::kNotConnected, d->notConnectedMessage()));
        return;
    }
    const auto deadline = rpc::Clock::now() + std::chrono::milliseconds(timeoutMs);
    const qint64 id = d->calls.add(
        [target, done = std::move(done)](const RpcReply& reply) { deliver(target, done, reply); },
        deadline);
    QByteArray line = rpc::encodeRequest(id, method, params);
    d->onWorker([worker = d->worker, id, line = std::move(line), deadline] {
        worker->send(id, line, deadline);
    });
    d->armTimeout();
}

void HostConnection::acceptHostKey() {
    const QString fingerprint = std::exchange(d->unknownFingerprint, QString());
    if (fingerprint.isEmpty())
        return;
    d->onWorker([worker = d->worker, fingerprint] { worker->acceptHostKey(fingerprint); });
}

void HostConnection::rejectHostKey() {
    d->unknownFingerprint.clear();
    d->onWorker([worker = d->worker] { worker->rejectHostKey(); });
}

void HostConnection::providePassphrase(const QString& passphrase) {
    // The lambda holds the only reference to these bytes, so the worker's wipe reaches
    // them and not a detached copy.
    d->onWorker([worker = d->worker, bytes = passphrase.toUtf8()]() mutable {
        worker->providePassphrase(std::move(bytes));
    });
}

} // namespace mailng::gui
