// One host's SSH connection and agent session (DESIGN.md: the console reaches every
// host over SSH with libssh, runs the host's agent command, speaks JSON-RPC on the
// channel). The libssh work runs on a worker thread owned by this object
// (host_connection_worker.h); this object lives on the GUI thread and never blocks it.
//
// Thread: create, use and destroy a HostConnection on one thread (the GUI thread); its
// signals and every `done` are delivered through that thread's event loop.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

#include "agent_caller.h"
#include "rpc_reply.h"

namespace mailng::gui {

/// Where and how to reach one host.
struct HostEndpoint {
    QString name;    // cluster host name
    QString user;    // SSH user; empty: the local user's name
    QString address; // host name or IP
    int port = 22;
    QString agentCommand;   // run by the SSH login; default "sudo -n mailng-agent stdio"
    QString knownHostsFile; // OpenSSH known_hosts to verify against and record into
    QString identityFile;   // private key; empty: ssh-agent only
};

/// How long a connection waits for what. The defaults are the console's; tests shorten
/// them.
struct HostTimings {
    std::chrono::milliseconds connectTimeout{20000};    // TCP connect up to the agent's hello
    std::chrono::milliseconds keepaliveInterval{30000}; // silence before a probe
    std::chrono::milliseconds keepaliveTimeout{15000};  // an unanswered probe breaks the link
    std::chrono::milliseconds firstRetry{1000};         // backoff after a broken connection,
    std::chrono::milliseconds maxRetry{60000};          // doubling up to this
};

class HostConnection : public QObject {
    Q_OBJECT
public:
    enum class State {
        Disconnected, // not started, or stopped
        Connecting,   // from TCP connect until the agent answered agent.hello
        Connected,    // the agent answers calls
        Refused,      // waits for the admin: host key unknown or changed, authentication
                      // failed, passphrase needed; start() tries again
        Unreachable   // down, refusing, or broken; retried with backoff by itself
    };
    Q_ENUM(State)

    /// Starts the worker thread; nothing connects before start().
    explicit HostConnection(HostEndpoint endpoint, QObject* parent = nullptr);
    HostConnection(HostEndpoint endpoint, HostTimings timings, QObject* parent = nullptr);
    /// Pending calls get kNotConnected (if their context lives); then the worker closes
    /// the session and its thread ends. Waits for that, which is quick: the worker never
    /// blocks, except in a DNS lookup of a host given by name.
    ~HostConnection() override;

    const HostEndpoint& endpoint() const;
    State state() const;
    /// Why the host is not connected, in plain words: "connection refused: ...",
    /// "no route to host ...", "connection lost ...", "host key changed: ...", "host key
    /// not known: ...", "authentication failed: ...", "the agent did not start on HOST:
    /// sudo: a password is required". Empty when connected; while Connecting again by
    /// itself after a failure it still says why the last attempt failed.
    QString reason() const;

    /// Connects (in the background) and keeps the connection: a keepalive probe after 30 s
    /// of silence, and on a broken connection reconnect with backoff (1 s doubling to
    /// 60 s), except after a host key or authentication refusal, which waits for the
    /// admin. On a Refused connection, tries again now.
    void start();
    /// Closes the connection (pending calls get kNotConnected); state Disconnected.
    void stop();

    /// Sends a request; `done` runs once on `context`'s thread, never from within call()
    /// itself: with the agent's answer, kNotConnected at once when not connected or when
    /// the connection breaks first, kTimedOut after `timeoutMs`. Never if `context` is
    /// destroyed first. A null `context` means this HostConnection.
    void call(const QString& method, const QJsonObject& params, QObject* context,
              AgentCaller::Done done, int timeoutMs = 60000);

    /// The admin's answer to hostKeyUnknown: accept records that very key in
    /// knownHostsFile and connects (a different key offered meanwhile is asked about
    /// again); reject leaves the host Refused. A changed key cannot be accepted here.
    void acceptHostKey();
    void rejectHostKey();

    /// The admin's answer to passphraseNeeded (empty: cancel). Neither kept nor logged:
    /// the key is read with it and the copy wiped (the caller wipes its own). The
    /// decrypted key stays in memory so that reconnecting does not ask again.
    void providePassphrase(const QString& passphrase);

signals:
    void stateChanged(mailng::gui::HostConnection::State state, const QString& reason);
    /// The server's key is not in known_hosts: show `sha256Fingerprint`
    /// ("SHA256:...") and ask. The host stays Refused until acceptHostKey().
    void hostKeyUnknown(const QString& sha256Fingerprint);
    /// The server's key differs from the recorded one: refused, never accepted here.
    /// `recordedFingerprint` lists what known_hosts holds for the host (", "-separated).
    void hostKeyChanged(const QString& recordedFingerprint, const QString& offeredFingerprint);
    /// The identity file is encrypted: ask for its passphrase, then providePassphrase().
    void passphraseNeeded(const QString& identityFile);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace mailng::gui
