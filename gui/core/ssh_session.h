// One SSH session to one host, driven step by step without ever blocking: libssh runs in
// non-blocking mode over a TCP socket that this class connects itself, so that a refused
// or unroutable connection is reported from its errno ("connection refused", "no route
// to host") and not from a libssh string.
//
// The owner (the host's worker, host_connection_worker.h) calls a step, and when it
// answers Again waits until socket() is readable - or writable, when wantsWrite() - and
// calls the same step again. Steps in order: startConnect, finishConnect, handshake,
// checkHostKey (+ recordHostKey), authenticate*, startAgent; then read and write.
//
// Thread: an SshSession, and every libssh object it holds, is used by one thread only.
// Ownership: the session owns its socket and every libssh object; destroying it closes
// the connection without waiting for the server.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include "host_connection.h"

struct ssh_session_struct;
struct ssh_channel_struct;
struct ssh_key_struct;

namespace mailng::gui {

/// ssh_init() once per process; every function here that needs libssh calls it.
void initLibssh();

/// Why connect(2) failed, in the console's plain words ("connection refused: ...",
/// "no route to host ...", "no answer from ..."), from its errno.
QString describeConnectError(int error, const QString& address, int port);

/// A private key read from an identity file. It stays decrypted in memory for the
/// life of its HostConnection so that a reconnect does not ask again; the passphrase
/// itself is wiped as soon as the key is read.
class SshIdentity {
public:
    enum class Status { Loaded, NeedsPassphrase, WrongPassphrase, Unreadable };

    SshIdentity() = default;
    ~SshIdentity();
    SshIdentity(const SshIdentity&) = delete;
    SshIdentity& operator=(const SshIdentity&) = delete;

    /// Reads `file`. An empty `passphrase` tries without one and reports NeedsPassphrase
    /// for an encrypted key; the passphrase is overwritten with zeros before returning.
    Status load(const QString& file, QByteArray& passphrase);
    bool isLoaded() const { return key_ != nullptr; }
    ssh_key_struct* key() const { return key_; }
    /// Why the last load() failed.
    QString error() const { return error_; }

private:
    ssh_key_struct* key_ = nullptr;
    QString error_;
};

class SshSession {
public:
    enum class Step {
        Done,   // this step is complete: go on to the next
        Again,  // wait for the socket, then call the same step again
        Denied, // the server said no (authentication only); error() says what was tried
        Failed  // error() says why; the session is unusable
    };
    enum class HostKey { Known, Unknown, Changed, Error };
    enum class Read {
        Open,
        Eof,    // the agent's output ended; Closed (with the exit status) normally follows
        Closed, // the server closed the channel: the agent command is over
        Broken  // the SSH connection itself failed (error())
    };

    explicit SshSession(const HostEndpoint& endpoint);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    /// Resolves the address and starts a non-blocking TCP connect.
    Step startConnect();
    /// Done once the TCP connection stands.
    Step finishConnect();
    /// Banner, key exchange.
    Step handshake();

    /// Compares the server's key with known_hosts (the endpoint's file, then the system
    /// one). After Changed, recordedFingerprints() holds what the files record.
    HostKey checkHostKey();
    QString offeredFingerprint() const { return offered_; }
    QStringList recordedFingerprints() const { return recorded_; }
    /// Appends the offered key to the endpoint's known_hosts file.
    bool recordHostKey();

    /// With the keys of the ssh-agent at SSH_AUTH_SOCK.
    Step authenticateWithAgent();
    /// With a key read by SshIdentity.
    Step authenticateWithKey(const SshIdentity& identity);

    /// Opens a session channel and runs the endpoint's agent command on it.
    Step startAgent();

    /// Moves what has arrived on the channel into `out` (the agent's stdout) and `err`
    /// (its stderr), and says how the channel stands.
    Read read(QByteArray& out, QByteArray& err);
    /// Sends as much of `pending` as the channel takes now and removes it from
    /// `pending`; false when the connection failed (error()).
    bool write(QByteArray& pending);
    /// Sends what libssh still buffers; call when the socket turns writable.
    void flush();

    /// -1 until there is a socket.
    int socket() const { return fd_; }
    /// libssh has output waiting for the socket to take it.
    bool wantsWrite() const;
    /// The agent command's exit status, or -1 when the server has not sent one.
    int exitStatus() const;
    QString error() const { return error_; }

private:
    Step connectFailed(int error);
    Step sshFailed(const QString& what);
    Step authResult(int rc, const QString& method);
    Step startChannel();
    Read lost();

    HostEndpoint endpoint_;
    ssh_session_struct* session_ = nullptr;
    ssh_channel_struct* channel_ = nullptr;
    int fd_ = -1;             // ours; libssh works on a duplicate (handshake())
    bool handedOver_ = false; // the duplicate went to libssh
    bool channelOpen_ = false;
    QString offered_;
    QStringList recorded_;
    QString error_;
};

} // namespace mailng::gui
