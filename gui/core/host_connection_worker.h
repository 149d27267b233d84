// The worker half of a HostConnection: lives on the connection's own thread and does
// all of its libssh work there, driven by a socket notifier and timers so that it never
// waits inside a call (a DNS lookup of a host given by name aside) and answers stop()
// and the destructor at once.
//
// It connects (TCP, SSH handshake, host key, authentication), runs the agent command,
// greets the agent with agent.hello, and only then reports Connected. While connected it
// passes request lines to the agent and parsed responses back, probes the agent with
// agent.hello after 30 s of silence, and on a broken connection reports Unreachable and
// tries again after a backoff of 1 s doubling to 60 s (HostTimings). A host key or
// authentication refusal holds it in Refused until the admin acts (accept, passphrase,
// start()).
//
// Thread: created on the owner's thread, then moved to the worker thread; every slot and
// its destructor run there. Signals reach the owner by queued connections.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "host_connection.h"
#include "host_connection_rpc.h"
#include "ssh_session.h"

class QSocketNotifier;
class QTimer;

namespace mailng::gui {

class HostWorker : public QObject {
    Q_OBJECT
public:
    using State = HostConnection::State;

    HostWorker(HostEndpoint endpoint, HostTimings timings);
    ~HostWorker() override;

    // Slots, called on the worker thread (queued from the owner).
    void start();
    void stop();
    /// Sends one request line of call `id` (whose answer is due by `deadline`); dropped
    /// when not connected, since the owner fails its calls when the state leaves
    /// Connected.
    void send(qint64 id, const QByteArray& line, rpc::Clock::time_point deadline);
    /// Accepts the key with this fingerprint (the one hostKeyUnknown showed).
    void acceptHostKey(const QString& fingerprint);
    void rejectHostKey();
    /// Reads the identity file with `passphrase`, then wipes it (pass it moved, so that
    /// no other copy shares its bytes).
    void providePassphrase(QByteArray passphrase);

signals:
    void stateChanged(mailng::gui::HostConnection::State state, const QString& reason);
    void hostKeyUnknown(const QString& sha256Fingerprint);
    void hostKeyChanged(const QString& recordedFingerprint, const QString& offeredFingerprint);
    void passphraseNeeded(const QString& identityFile);
    /// The answer to call `id`.
    void replied(qint64 id, const mailng::gui::RpcReply& reply);

private:
    enum class Phase {
        Idle, // stopped
        TcpConnecting,
        Handshaking,
        Authenticating,
        StartingAgent,
        Greeting, // agent.hello sent, waiting for its answer
        Connected,
        Waiting, // Unreachable; retry timer running
        Held     // Refused; waits for the admin
    };
    enum class Auth { Agent, Key };

    /// A new session from the start; `lastFailure` is the reason shown meanwhile.
    void connectNow(const QString& lastFailure);
    void drive();
    bool advance();
    bool advanceConnecting();
    void checkHostKey();
    void hostKeyUnknownOffered();
    void hostKeyChangedOffered();
    bool advanceAuth();
    bool loadIdentity();
    void askPassphrase();
    QString authFailure() const;
    void onReadable();
    void onWritable();
    void onTick();
    QString timeoutReason() const;
    void checkKeepalive(rpc::Clock::time_point now);
    void sendInternal(const QString& id, const QString& method);
    void pump();
    void handleLine(const QByteArray& line);
    void handleInternalReply(const QString& id, const RpcReply& reply);
    void channelClosed();
    void updateNotifiers();

    void enter(Phase phase);
    void setState(State state, const QString& reason);
    void fail(const QString& reason);   // Unreachable, retry after backoff
    void refuse(const QString& reason); // Refused, wait for the admin
    void closeSession();

    HostEndpoint endpoint_;
    HostTimings timings_;
    Phase phase_ = Phase::Idle;
    State state_ = State::Disconnected;
    QString reason_;
    std::unique_ptr<SshSession> session_;
    SshIdentity identity_;
    Auth auth_ = Auth::Agent;
    bool triedAgent_ = false;
    bool awaitingPassphrase_ = false;
    QSocketNotifier* readNotifier_ = nullptr;
    QSocketNotifier* writeNotifier_ = nullptr;
    QTimer* tick_ = nullptr;  // deadlines and keepalive, once a second
    QTimer* retry_ = nullptr; // backoff
    std::chrono::milliseconds backoff_;
    rpc::Clock::time_point phaseDeadline_;
    QString acceptedFingerprint_; // the admin's yes to exactly this key
    QString unknownFingerprint_;  // what we asked the admin about

    rpc::LineReader lines_;
    QByteArray stderr_;
    QByteArray outgoing_;
    std::map<qint64, rpc::Clock::time_point> outstanding_; // calls sent, by deadline
    rpc::Clock::time_point lastHeard_;
    rpc::Clock::time_point probeDeadline_;
    bool probing_ = false;
    std::optional<rpc::Clock::time_point> eofAt_; // the agent's output ended
    qint64 probeCount_ = 0;
};

} // namespace mailng::gui
