#include "ssh_session.h"

#include <QFileInfo>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include <libssh/libssh.h>

#include "known_hosts.h"

namespace mailng::gui {
namespace {

// The system-wide file that OpenSSH and libssh also consult.
constexpr const char* kGlobalKnownHosts = "/etc/ssh/ssh_known_hosts";

// Wipes a buffer in a way the optimiser may not drop.
void wipe(QByteArray& bytes) {
    if (bytes.isEmpty())
        return;
    volatile char* p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        p[i] = 0;
    bytes.clear();
}

struct PassphraseProbe {
    bool asked = false;
};

// Given to libssh when no passphrase is known: notes that the key needs one and
// declines, so that reading an encrypted key never prompts on a terminal.
int declinePassphrase(const char*, char*, size_t, int, int, void* userdata) {
    static_cast<PassphraseProbe*>(userdata)->asked = true;
    return SSH_ERROR;
}

QString plainErrno(int error) {
    // strerrordesc_np is English whatever the locale; the reason may end up in a log.
    const char* text = strerrordesc_np(error);
    return text ? QString::fromUtf8(text).toLower() : QStringLiteral("error %1").arg(error);
}

using AddrInfoList = std::unique_ptr<addrinfo, decltype(&freeaddrinfo)>;

} // namespace

void initLibssh() {
    static std::once_flag once;
    std::call_once(once, [] { ssh_init(); });
}

QString describeConnectError(int error, const QString& address, int port) {
    const QString where = QStringLiteral("%1 port %2").arg(address).arg(port);
    switch (error) {
    case ECONNREFUSED:
        return QStringLiteral("connection refused: no SSH server listens on %1").arg(where);
    case EHOSTUNREACH:
    case ENETUNREACH:
        return QStringLiteral("no route to host %1 (%2)").arg(address, plainErrno(error));
    case ETIMEDOUT:
        return QStringLiteral("no answer from %1 (timed out)").arg(where);
    case ECONNRESET:
        return QStringLiteral("connection reset by %1").arg(where);
    default:
        return QStringLiteral("cannot connect to %1: %2").arg(where, plainErrno(error));
    }
}

SshIdentity::~SshIdentity() {
    if (key_)
        ssh_key_free(key_);
}

SshIdentity::Status SshIdentity::load(const QString& file, QByteArray& passphrase) {
    initLibssh();
    if (key_) {
        ssh_key_free(key_);
        key_ = nullptr;
    }
    const QByteArray path = QFile::encodeName(file);
    const bool withPassphrase = !passphrase.isEmpty();
    PassphraseProbe probe;
    ssh_key key = nullptr;
    const int rc = withPassphrase
                       ? ssh_pki_import_privkey_file(path.constData(), passphrase.constData(),
                                                     nullptr, nullptr, &key)
                       : ssh_pki_import_privkey_file(path.constData(), nullptr, declinePassphrase,
                                                     &probe, &key);
    wipe(passphrase);
    if (rc == SSH_OK) {
        key_ = key;
        error_.clear();
        return Status::Loaded;
    }
    if (rc == SSH_EOF || !QFileInfo(file).isReadable()) {
        error_ = QStringLiteral("cannot read the identity file %1").arg(file);
        return Status::Unreadable;
    }
    if (withPassphrase) {
        error_ = QStringLiteral("wrong passphrase for %1").arg(file);
        return Status::WrongPassphrase;
    }
    if (probe.asked) {
        error_ = QStringLiteral("%1 needs its passphrase").arg(file);
        return Status::NeedsPassphrase;
    }
    error_ = QStringLiteral("%1 is not a private key that libssh can read").arg(file);
    return Status::Unreadable;
}

SshSession::SshSession(const HostEndpoint& endpoint) : endpoint_(endpoint) {
    initLibssh();
    session_ = ssh_new();
    const QByteArray host = endpoint.address.toUtf8();
    const QByteArray user = endpoint.user.toUtf8();
    const QByteArray knownHosts = QFile::encodeName(endpoint.knownHostsFile);
    int port = endpoint.port;
    int strict = 1;
    // The endpoint is the whole truth: ~/.ssh/config must not redirect the console.
    bool processConfig = false;
    ssh_options_set(session_, SSH_OPTIONS_HOST, host.constData());
    ssh_options_set(session_, SSH_OPTIONS_PORT, &port);
    if (!user.isEmpty())
        ssh_options_set(session_, SSH_OPTIONS_USER, user.constData());
    ssh_options_set(session_, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData());
    ssh_options_set(session_, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, kGlobalKnownHosts);
    ssh_options_set(session_, SSH_OPTIONS_STRICTHOSTKEYCHECK, &strict);
    ssh_options_set(session_, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);
    ssh_set_blocking(session_, 0);
}

SshSession::~SshSession() {
    if (channel_) {
        // Best effort, non-blocking: tell the agent its input ended.
        if (ssh_channel_is_open(channel_) && ssh_is_connected(session_))
            ssh_channel_close(channel_);
        ssh_channel_free(channel_);
    }
    // Closes libssh's descriptor if libssh still holds it (see handshake()).
    ssh_free(session_);
    if (fd_ >= 0)
        ::close(fd_);
}

SshSession::Step SshSession::connectFailed(int error) {
    error_ = describeConnectError(error, endpoint_.address, endpoint_.port);
    return Step::Failed;
}

SshSession::Step SshSession::startConnect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const QByteArray host = endpoint_.address.toUtf8();
    const QByteArray port = QByteArray::number(endpoint_.port);
    // Blocks for a DNS name; cluster files normally give addresses.
    const int rc = getaddrinfo(host.constData(), port.constData(), &hints, &found);
    if (rc != 0) {
        error_ = QStringLiteral("cannot resolve %1: %2")
                     .arg(endpoint_.address, QString::fromUtf8(gai_strerror(rc)));
        return Step::Failed;
    }
    AddrInfoList addresses(found, &freeaddrinfo);
    fd_ = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   found->ai_protocol);
    if (fd_ < 0)
        return connectFailed(errno);
    if (::connect(fd_, found->ai_addr, found->ai_addrlen) == 0)
        return Step::Done;
    return errno == EINPROGRESS ? Step::Again : connectFailed(errno);
}

SshSession::Step SshSession::finishConnect() {
    pollfd pending{fd_, POLLOUT, 0};
    if (::poll(&pending, 1, 0) == 0)
        return Step::Again;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
    return error == 0 ? Step::Done : connectFailed(error);
}

SshSession::Step SshSession::sshFailed(const QString& what) {
    error_ = QStringLiteral("%1: %2").arg(what, QString::fromUtf8(ssh_get_error(session_)));
    return Step::Failed;
}

SshSession::Step SshSession::handshake() {
    if (!handedOver_) {
        // libssh gets its own descriptor: it may close it after an error, and its
        // ssh_disconnect() would leave it open, so sharing one number would invite a
        // double close (a fatal one with several hosts opening sockets on other threads).
        // Ours stays open for the socket notifier until this session is destroyed.
        int libsshFd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
        if (libsshFd < 0)
            return connectFailed(errno);
        ssh_options_set(session_, SSH_OPTIONS_FD, &libsshFd);
        handedOver_ = true;
    }
    const int rc = ssh_connect(session_);
    if (rc == SSH_AGAIN)
        return Step::Again;
    if (rc == SSH_OK)
        return Step::Done;
    return sshFailed(QStringLiteral("SSH handshake with %1 port %2 failed")
                         .arg(endpoint_.address)
                         .arg(endpoint_.port));
}

SshSession::HostKey SshSession::checkHostKey() {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session_, &key) != SSH_OK) {
        sshFailed(QStringLiteral("the host sent no usable key"));
        return HostKey::Error;
    }
    offered_ = known_hosts::sha256Fingerprint(key);
    ssh_key_free(key);
    switch (ssh_session_is_known_server(session_)) {
    case SSH_KNOWN_HOSTS_OK:
        return HostKey::Known;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        recorded_ = known_hosts::recordedFingerprints(endpoint_.knownHostsFile, endpoint_.address,
                                                      endpoint_.port) +
                    known_hosts::recordedFingerprints(QString::fromLatin1(kGlobalKnownHosts),
                                                      endpoint_.address, endpoint_.port);
        recorded_.removeDuplicates();
        return HostKey::Changed;
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        return HostKey::Unknown;
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    sshFailed(QStringLiteral("cannot check the host key against %1").arg(endpoint_.knownHostsFile));
    return HostKey::Error;
}

bool SshSession::recordHostKey() {
    if (ssh_session_update_known_hosts(session_) == SSH_OK)
        return true;
    sshFailed(QStringLiteral("cannot record the host key in %1").arg(endpoint_.knownHostsFile));
    return false;
}

SshSession::Step SshSession::authResult(int rc, const QString& method) {
    switch (rc) {
    case SSH_AUTH_SUCCESS:
        return Step::Done;
    case SSH_AUTH_AGAIN:
        return Step::Again;
    case SSH_AUTH_DENIED:
    case SSH_AUTH_PARTIAL:
        error_ = QStringLiteral("the host did not accept %1").arg(method);
        return Step::Denied;
    default:
        return sshFailed(QStringLiteral("authentication with %1 failed").arg(method));
    }
}

SshSession::Step SshSession::authenticateWithAgent() {
    return authResult(ssh_userauth_agent(session_, nullptr),
                      QStringLiteral("the ssh-agent's keys"));
}

SshSession::Step SshSession::authenticateWithKey(const SshIdentity& identity) {
    return authResult(ssh_userauth_publickey(session_, nullptr, identity.key()),
                      QStringLiteral("the key %1").arg(endpoint_.identityFile));
}

SshSession::Step SshSession::startChannel() {
    if (!channel_)
        channel_ = ssh_channel_new(session_);
    if (!channel_)
        return sshFailed(QStringLiteral("cannot open an SSH channel"));
    const int rc = ssh_channel_open_session(channel_);
    if (rc == SSH_AGAIN)
        return Step::Again;
    if (rc != SSH_OK)
        return sshFailed(QStringLiteral("the host refused a session channel"));
    channelOpen_ = true;
    return Step::Done;
}

SshSession::Step SshSession::startAgent() {
    if (!channelOpen_) {
        const Step opened = startChannel();
        if (opened != Step::Done)
            return opened;
    }
    const QByteArray command = endpoint_.agentCommand.toUtf8();
    const int rc = ssh_channel_request_exec(channel_, command.constData());
    if (rc == SSH_AGAIN)
        return Step::Again;
    if (rc != SSH_OK)
        return sshFailed(
            QStringLiteral("the host refused to run \"%1\"").arg(endpoint_.agentCommand));
    return Step::Done;
}

SshSession::Read SshSession::lost() {
    sshFailed(
        QStringLiteral("connection lost to %1 port %2").arg(endpoint_.address).arg(endpoint_.port));
    return Read::Broken;
}

SshSession::Read SshSession::read(QByteArray& out, QByteArray& err) {
    char buffer[16384];
    bool eof = true;
    for (int isStderr : {0, 1}) {
        QByteArray& sink = isStderr ? err : out;
        for (;;) {
            const int n = ssh_channel_read_nonblocking(channel_, buffer, sizeof buffer, isStderr);
            if (n > 0) {
                sink.append(buffer, n);
                continue;
            }
            if (n == SSH_ERROR)
                return lost();
            eof = eof && n == SSH_EOF;
            break;
        }
    }
    // libssh calls a channel closed when its session died too: ask about that first.
    if (!ssh_is_connected(session_))
        return lost();
    if (ssh_channel_is_closed(channel_))
        return Read::Closed;
    return eof ? Read::Eof : Read::Open;
}

bool SshSession::write(QByteArray& pending) {
    while (!pending.isEmpty()) {
        const uint32_t chunk = static_cast<uint32_t>(qMin<qsizetype>(pending.size(), 65536));
        const int n = ssh_channel_write(channel_, pending.constData(), chunk);
        if (n < 0) {
            sshFailed(QStringLiteral("cannot send to the agent"));
            return false;
        }
        pending.remove(0, n);
        if (n == 0)
            break; // the agent's window is full; the server will say when it opens
    }
    return true;
}

void SshSession::flush() {
    ssh_blocking_flush(session_, 0);
}

bool SshSession::wantsWrite() const {
    return (ssh_get_poll_flags(session_) & SSH_WRITE_PENDING) != 0;
}

int SshSession::exitStatus() const {
    if (!channel_)
        return -1;
    // Non-blocking session: this does not wait, it reports what has arrived.
    const int status = ssh_channel_get_exit_status(channel_);
    return status < 0 ? -1 : status;
}

} // namespace mailng::gui
