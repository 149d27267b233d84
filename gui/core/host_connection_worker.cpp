#include "host_connection_worker.h"

#include <QDebug>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <variant>

namespace mailng::gui {
namespace {

using std::chrono::milliseconds;

const QString kHelloId = QStringLiteral("hello");
const QString kKeepalivePrefix = QStringLiteral("keepalive-");
constexpr qsizetype kStderrKept = 4096;
// After the agent's output ends, how long to wait for the channel's close (which brings
// the exit status) before calling the agent gone all the same.
constexpr milliseconds kEofGrace{1000};

QString secondsText(milliseconds duration) {
    return QStringLiteral("%1 s").arg(duration.count() / 1000.0);
}

// The agent's last words, for the admin: the last few non-empty lines of its stderr.
QString stderrTail(const QByteArray& bytes) {
    QStringList lines;
    for (const QByteArray& line : bytes.split('\n'))
        if (!line.trimmed().isEmpty())
            lines.append(QString::fromUtf8(line.trimmed()));
    while (lines.size() > 3)
        lines.removeFirst();
    return lines.join(QStringLiteral("; "));
}

bool sshAgentAvailable() {
    return qEnvironmentVariableIsSet("SSH_AUTH_SOCK");
}

} // namespace

HostWorker::HostWorker(HostEndpoint endpoint, HostTimings timings)
    : endpoint_(std::move(endpoint)), timings_(timings), backoff_(timings.firstRetry) {
    tick_ = new QTimer(this);
    // Deadlines are checked at this resolution; shorter timings (tests) tick faster.
    const auto shortest = std::min(timings_.connectTimeout, timings_.keepaliveTimeout);
    tick_->setInterval(std::clamp(shortest / 4, milliseconds(50), milliseconds(1000)));
    connect(tick_, &QTimer::timeout, this, &HostWorker::onTick);
    retry_ = new QTimer(this);
    retry_->setSingleShot(true);
    // An automatic retry keeps saying why the last attempt failed until it knows better.
    connect(retry_, &QTimer::timeout, this, [this] { connectNow(reason_); });
}

HostWorker::~HostWorker() {
    closeSession();
}

void HostWorker::start() {
    if (phase_ != Phase::Idle && phase_ != Phase::Held && phase_ != Phase::Waiting)
        return;
    backoff_ = timings_.firstRetry;
    connectNow({});
}

void HostWorker::stop() {
    closeSession();
    retry_->stop();
    unknownFingerprint_.clear();
    awaitingPassphrase_ = false;
    enter(Phase::Idle);
    setState(State::Disconnected, {});
}

void HostWorker::send(qint64 id, const QByteArray& line, rpc::Clock::time_point deadline) {
    if (phase_ != Phase::Connected)
        return;
    outstanding_[id] = deadline;
    outgoing_ += line;
    pump();
    updateNotifiers();
}

void HostWorker::acceptHostKey(const QString& fingerprint) {
    if (phase_ != Phase::Held || fingerprint.isEmpty() || fingerprint != unknownFingerprint_)
        return;
    acceptedFingerprint_ = fingerprint;
    unknownFingerprint_.clear();
    backoff_ = timings_.firstRetry;
    connectNow({});
}

void HostWorker::rejectHostKey() {
    if (unknownFingerprint_.isEmpty())
        return;
    refuse(QStringLiteral("host key rejected: %1 was not accepted for %2")
               .arg(unknownFingerprint_, endpoint_.name));
    unknownFingerprint_.clear();
}

void HostWorker::providePassphrase(QByteArray passphrase) {
    if (phase_ != Phase::Held || !awaitingPassphrase_)
        return;
    awaitingPassphrase_ = false;
    if (passphrase.isEmpty()) {
        refuse(QStringLiteral("authentication failed: no passphrase given for %1")
                   .arg(endpoint_.identityFile));
        return;
    }
    const auto status = identity_.load(endpoint_.identityFile, passphrase);
    if (status == SshIdentity::Status::Loaded) {
        backoff_ = timings_.firstRetry;
        connectNow({});
        return;
    }
    refuse(QStringLiteral("authentication failed: %1").arg(identity_.error()));
    if (status == SshIdentity::Status::WrongPassphrase)
        askPassphrase();
}

void HostWorker::connectNow(const QString& lastFailure) {
    closeSession();
    retry_->stop();
    session_ = std::make_unique<SshSession>(endpoint_);
    auth_ = sshAgentAvailable() ? Auth::Agent : Auth::Key;
    triedAgent_ = false;
    awaitingPassphrase_ = false;
    phaseDeadline_ = rpc::Clock::now() + timings_.connectTimeout;
    enter(Phase::TcpConnecting);
    setState(State::Connecting, lastFailure);
    tick_->start();
    const auto started = session_->startConnect();
    if (started == SshSession::Step::Failed) {
        fail(session_->error());
        return;
    }
    readNotifier_ = new QSocketNotifier(session_->socket(), QSocketNotifier::Read, this);
    writeNotifier_ = new QSocketNotifier(session_->socket(), QSocketNotifier::Write, this);
    connect(readNotifier_, &QSocketNotifier::activated, this, &HostWorker::onReadable);
    connect(writeNotifier_, &QSocketNotifier::activated, this, &HostWorker::onWritable);
    if (started == SshSession::Step::Done)
        enter(Phase::Handshaking);
    drive();
}

void HostWorker::drive() {
    while (session_ && advance()) {
    }
    updateNotifiers();
}

// One step of the connection; true when it moved on and the next step may run at once.
bool HostWorker::advance() {
    switch (phase_) {
    case Phase::TcpConnecting:
    case Phase::Handshaking:
    case Phase::StartingAgent:
        return advanceConnecting();
    case Phase::Authenticating:
        return advanceAuth();
    case Phase::Greeting:
    case Phase::Connected:
        pump();
        return false;
    case Phase::Idle:
    case Phase::Waiting:
    case Phase::Held:
        break;
    }
    return false;
}

bool HostWorker::advanceConnecting() {
    using Step = SshSession::Step;
    const Phase phase = phase_;
    const Step step = phase == Phase::TcpConnecting ? session_->finishConnect()
                      : phase == Phase::Handshaking ? session_->handshake()
                                                    : session_->startAgent();
    if (step == Step::Again)
        return false;
    if (step != Step::Done) {
        fail(session_->error());
        return false;
    }
    if (phase == Phase::TcpConnecting) {
        enter(Phase::Handshaking);
    } else if (phase == Phase::Handshaking) {
        checkHostKey();
    } else {
        // The agent runs; it is Connected once it answers.
        enter(Phase::Greeting);
        sendInternal(kHelloId, QStringLiteral("agent.hello"));
    }
    return session_ != nullptr;
}

void HostWorker::checkHostKey() {
    switch (session_->checkHostKey()) {
    case SshSession::HostKey::Known:
        enter(Phase::Authenticating);
        return;
    case SshSession::HostKey::Unknown:
        hostKeyUnknownOffered();
        return;
    case SshSession::HostKey::Changed:
        hostKeyChangedOffered();
        return;
    case SshSession::HostKey::Error:
        break;
    }
    refuse(session_->error());
}

void HostWorker::hostKeyUnknownOffered() {
    const QString offered = session_->offeredFingerprint();
    if (!acceptedFingerprint_.isEmpty() && offered == acceptedFingerprint_) {
        acceptedFingerprint_.clear();
        if (session_->recordHostKey())
            enter(Phase::Authenticating);
        else
            refuse(session_->error());
        return;
    }
    acceptedFingerprint_.clear();
    // No session is held open while the admin thinks: accepting reconnects.
    refuse(QStringLiteral("host key not known: %1 (%2 port %3) offers %4, which %5 does not "
                          "record; accept it to connect")
               .arg(endpoint_.name, endpoint_.address)
               .arg(endpoint_.port)
               .arg(offered, endpoint_.knownHostsFile));
    unknownFingerprint_ = offered;
    emit hostKeyUnknown(offered);
}

void HostWorker::hostKeyChangedOffered() {
    const QString offered = session_->offeredFingerprint();
    const QStringList recordedList = session_->recordedFingerprints();
    const QString recorded = recordedList.isEmpty() ? QStringLiteral("a key of another type")
                                                    : recordedList.join(QStringLiteral(", "));
    refuse(QStringLiteral("host key changed: known_hosts records %1 for %2 (%3 port %4) but "
                          "the host offered %5; refused, since this may be an attack. If the "
                          "host was reinstalled, remove its old line from %6")
               .arg(recorded, endpoint_.name, endpoint_.address)
               .arg(endpoint_.port)
               .arg(offered, endpoint_.knownHostsFile));
    emit hostKeyChanged(recorded, offered);
}

bool HostWorker::advanceAuth() {
    using Step = SshSession::Step;
    if (auth_ == Auth::Key && !identity_.isLoaded() && !loadIdentity())
        return false;
    const Step step = auth_ == Auth::Agent ? session_->authenticateWithAgent()
                                           : session_->authenticateWithKey(identity_);
    switch (step) {
    case Step::Again:
        return false;
    case Step::Done:
        enter(Phase::StartingAgent);
        return true;
    case Step::Failed:
        fail(session_->error());
        return false;
    case Step::Denied:
        break;
    }
    if (auth_ == Auth::Agent && !endpoint_.identityFile.isEmpty()) {
        triedAgent_ = true;
        auth_ = Auth::Key;
        return true;
    }
    triedAgent_ = triedAgent_ || auth_ == Auth::Agent;
    refuse(authFailure());
    return false;
}

QString HostWorker::authFailure() const {
    const QString user =
        endpoint_.user.isEmpty() ? QStringLiteral("the local user's name") : endpoint_.user;
    QStringList tried;
    if (triedAgent_)
        tried << QStringLiteral("the ssh-agent's keys");
    if (auth_ == Auth::Key && !endpoint_.identityFile.isEmpty())
        tried << QStringLiteral("the key %1").arg(endpoint_.identityFile);
    if (tried.isEmpty())
        return QStringLiteral("authentication failed: no ssh-agent (SSH_AUTH_SOCK is not set) "
                              "and no identity file to log in to %1 with")
            .arg(endpoint_.name);
    return QStringLiteral("authentication failed: %1 did not accept %2 for %3")
        .arg(endpoint_.name, tried.join(QStringLiteral(" or ")), user);
}

// Reads the identity file if it needs no passphrase; otherwise asks for one.
bool HostWorker::loadIdentity() {
    if (endpoint_.identityFile.isEmpty()) {
        refuse(authFailure());
        return false;
    }
    QByteArray none;
    switch (identity_.load(endpoint_.identityFile, none)) {
    case SshIdentity::Status::Loaded:
        return true;
    case SshIdentity::Status::NeedsPassphrase:
        refuse(QStringLiteral("waiting for the passphrase of %1").arg(endpoint_.identityFile));
        askPassphrase();
        return false;
    case SshIdentity::Status::WrongPassphrase:
    case SshIdentity::Status::Unreadable:
        break;
    }
    refuse(QStringLiteral("authentication failed: %1").arg(identity_.error()));
    return false;
}

void HostWorker::askPassphrase() {
    awaitingPassphrase_ = true;
    emit passphraseNeeded(endpoint_.identityFile);
}

void HostWorker::onReadable() {
    lastHeard_ = rpc::Clock::now();
    drive();
}

void HostWorker::onWritable() {
    if (session_ && phase_ != Phase::TcpConnecting)
        session_->flush();
    drive();
}

void HostWorker::onTick() {
    const auto now = rpc::Clock::now();
    const bool connecting = phase_ == Phase::TcpConnecting || phase_ == Phase::Handshaking ||
                            phase_ == Phase::Authenticating || phase_ == Phase::StartingAgent ||
                            phase_ == Phase::Greeting;
    if (connecting && now >= phaseDeadline_) {
        fail(timeoutReason());
        return;
    }
    if (eofAt_ && now - *eofAt_ >= kEofGrace) {
        channelClosed();
        return;
    }
    if (phase_ == Phase::Connected)
        checkKeepalive(now);
    // A safety net: a step that libssh finished without the socket stirring again.
    drive();
}

QString HostWorker::timeoutReason() const {
    const QString limit = secondsText(timings_.connectTimeout);
    const QString where = QStringLiteral("%1 port %2").arg(endpoint_.address).arg(endpoint_.port);
    switch (phase_) {
    case Phase::TcpConnecting:
        return QStringLiteral("no answer from %1 within %2 (timed out)").arg(where, limit);
    case Phase::Handshaking:
        return QStringLiteral("the SSH handshake with %1 did not finish within %2")
            .arg(where, limit);
    case Phase::Authenticating:
        return QStringLiteral("authentication on %1 did not finish within %2").arg(where, limit);
    case Phase::StartingAgent:
        return QStringLiteral("%1 did not start the agent command within %2")
            .arg(endpoint_.name, limit);
    default:
        break;
    }
    const QString tail = stderrTail(stderr_);
    return QStringLiteral("the agent on %1 did not answer agent.hello within %2%3")
        .arg(endpoint_.name, limit, tail.isEmpty() ? QString() : QStringLiteral(": ") + tail);
}

void HostWorker::checkKeepalive(rpc::Clock::time_point now) {
    std::erase_if(outstanding_, [now](const auto& call) { return call.second < now; });
    if (probing_) {
        if (now >= probeDeadline_)
            fail(QStringLiteral("the connection to %1 stopped answering (no answer to a "
                                "keepalive within %2)")
                     .arg(endpoint_.name, secondsText(timings_.keepaliveTimeout)));
        return;
    }
    // A busy agent answers in order, so a probe would wait behind the calls; their own
    // timeouts cover that time.
    if (!outstanding_.empty() || now - lastHeard_ < timings_.keepaliveInterval)
        return;
    probing_ = true;
    probeDeadline_ = now + timings_.keepaliveTimeout;
    sendInternal(kKeepalivePrefix + QString::number(++probeCount_), QStringLiteral("agent.hello"));
}

void HostWorker::sendInternal(const QString& id, const QString& method) {
    outgoing_ += rpc::encodeRequest(id, method, {});
    pump();
}

// Moves bytes both ways on an agent channel and handles what came back.
void HostWorker::pump() {
    if (!session_)
        return;
    if (!outgoing_.isEmpty() && !session_->write(outgoing_)) {
        fail(session_->error());
        return;
    }
    QByteArray out;
    const auto status = session_->read(out, stderr_);
    if (stderr_.size() > kStderrKept)
        stderr_ = stderr_.right(kStderrKept);
    lines_.append(out);
    while (session_) {
        const auto line = lines_.nextLine();
        if (!line)
            break;
        handleLine(*line);
    }
    if (!session_)
        return;
    if (lines_.overflowed())
        fail(QStringLiteral("the agent on %1 sent a line too long to be a reply")
                 .arg(endpoint_.name));
    else if (status == SshSession::Read::Broken)
        fail(session_->error());
    else if (status == SshSession::Read::Closed)
        channelClosed();
    else if (status == SshSession::Read::Eof && !eofAt_)
        eofAt_ = rpc::Clock::now(); // give the exit status a moment to follow
}

void HostWorker::handleLine(const QByteArray& line) {
    auto parsed = rpc::parseResponse(line);
    if (const auto* error = std::get_if<QString>(&parsed)) {
        qWarning().noquote() << "mailng:" << endpoint_.name
                             << "agent wrote a line that is not a response:" << *error;
        return;
    }
    auto& response = std::get<rpc::Response>(parsed);
    if (response.id.isString()) {
        handleInternalReply(response.id.toString(), response.reply);
    } else if (response.id.isDouble()) {
        const qint64 id = response.id.toInteger();
        outstanding_.erase(id);
        emit replied(id, response.reply);
    } else {
        qWarning().noquote() << "mailng:" << endpoint_.name
                             << "agent could not read a request:" << response.reply.errorMessage;
    }
}

void HostWorker::handleInternalReply(const QString& id, const RpcReply& reply) {
    Q_UNUSED(reply); // any answer, even an error, shows that the agent is there
    if (id == kHelloId && phase_ == Phase::Greeting) {
        enter(Phase::Connected);
        backoff_ = timings_.firstRetry;
        lastHeard_ = rpc::Clock::now();
        setState(State::Connected, {});
    } else if (id.startsWith(kKeepalivePrefix)) {
        probing_ = false;
    }
}

void HostWorker::channelClosed() {
    const int status = session_->exitStatus();
    const QString tail = stderrTail(stderr_);
    const QString statusText =
        status >= 0 ? QStringLiteral(" (exit status %1)").arg(status) : QString();
    if (phase_ == Phase::Greeting) {
        // Typically sudo refusing ("sudo: a password is required") or a wrong path.
        fail(tail.isEmpty()
                 ? QStringLiteral("the agent did not start on %1: \"%2\" ended at once%3")
                       .arg(endpoint_.name, endpoint_.agentCommand, statusText)
                 : QStringLiteral("the agent did not start on %1: %2").arg(endpoint_.name, tail));
        return;
    }
    fail(QStringLiteral("the agent on %1 exited%2%3")
             .arg(endpoint_.name, statusText,
                  tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
}

void HostWorker::updateNotifiers() {
    if (!session_ || !readNotifier_)
        return;
    // Readable always matters; writable only while connecting or while libssh holds
    // output (a full agent window is no reason to spin on a writable socket).
    writeNotifier_->setEnabled(phase_ == Phase::TcpConnecting || session_->wantsWrite());
}

void HostWorker::enter(Phase phase) {
    phase_ = phase;
}

void HostWorker::setState(State state, const QString& reason) {
    if (state == state_ && reason == reason_)
        return;
    state_ = state;
    reason_ = reason;
    emit stateChanged(state, reason);
}

void HostWorker::fail(const QString& reason) {
    closeSession();
    enter(Phase::Waiting);
    setState(State::Unreachable, reason);
    retry_->start(backoff_);
    backoff_ = std::min(backoff_ * 2, timings_.maxRetry);
}

void HostWorker::refuse(const QString& reason) {
    closeSession();
    retry_->stop();
    enter(Phase::Held);
    setState(State::Refused, reason);
}

void HostWorker::closeSession() {
    // The notifiers watch the session's socket: they stop before it closes. Deleted
    // later, since this may run inside one of their own signals.
    for (QSocketNotifier* notifier : {readNotifier_, writeNotifier_}) {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater();
        }
    }
    readNotifier_ = nullptr;
    writeNotifier_ = nullptr;
    session_.reset();
    tick_->stop();
    lines_.clear();
    stderr_.clear();
    outgoing_.clear();
    outstanding_.clear();
    probing_ = false;
    eofAt_.reset();
}

} // namespace mailng::gui
