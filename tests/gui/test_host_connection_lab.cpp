// HostConnection and ClusterSession against the lab's real sshd and agents
// (MAILNG_LAB_DIR/lab.json): hello from every host; an unknown host key asked about and
// recorded; a changed one refused; a host whose sshd is stopped, a connection that
// breaks, an agent that will not start, falls silent or exits; passphrases and refused
// keys. SSH_AUTH_SOCK is unset so that only the lab's key (or the test's) is tried.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "cluster_session.h"
#include "host_connection.h"
#include "lab_support.h"

using namespace mailng::gui;
using namespace std::chrono_literals;
using State = HostConnection::State;

namespace {

constexpr int kConnectMs = 30000;
const QString kHelloReply = QStringLiteral(R"({"jsonrpc":"2.0","id":"hello","result":{}})");

/// A TCP relay from 127.0.0.1:port() to one lab sshd, which the test can cut and
/// restore, to break an established connection the way a network does.
class Forwarder {
public:
    Forwarder(QString address, int port) : targetAddress_(std::move(address)), targetPort_(port) {}
    ~Forwarder() { close(); }

    int port() const { return port_; }

    bool open() {
        listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int yes = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        sockaddr_in address = loopback(port_);
        socklen_t length = sizeof address;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(listener_, 8) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
            ::pipe2(wake_, O_CLOEXEC) != 0)
            return false;
        port_ = ntohs(address.sin_port);
        stop_ = false;
        thread_ = std::thread([this] { run(); });
        return true;
    }

    /// Closes the listener and every relayed connection: peers see the connection end,
    /// and new ones are refused until open().
    void close() {
        if (!thread_.joinable())
            return;
        stop_ = true;
        const char byte = 0;
        (void)!::write(wake_[1], &byte, 1);
        thread_.join();
        for (const auto& [from, to] : peers_)
            ::close(from);
        peers_.clear();
        for (int fd : {listener_, wake_[0], wake_[1]})
            ::close(fd);
    }

private:
    static sockaddr_in loopback(int port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return address;
    }

    void accept() {
        const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in target{};
        target.sin_family = AF_INET;
        target.sin_port = htons(static_cast<uint16_t>(targetPort_));
        ::inet_pton(AF_INET, targetAddress_.toLatin1().constData(), &target.sin_addr);
        if (client < 0 ||
            ::connect(server, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
            ::close(client);
            ::close(server);
            return;
        }
        peers_[client] = server;
        peers_[server] = client;
    }

    void relay(int from) {
        char buffer[16384];
        const ssize_t n = ::read(from, buffer, sizeof buffer);
        const int to = peers_[from];
        if (n <= 0 || ::write(to, buffer, static_cast<size_t>(n)) != n) {
            ::close(from);
            ::close(to);
            peers_.erase(from);
            peers_.erase(to);
        }
    }

    void run() {
        while (!stop_) {
            std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
            for (const auto& [fd, other] : peers_)
                fds.push_back({fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 1000) <= 0)
                continue;
            if (fds[1].revents)
                accept();
            for (std::size_t i = 2; i < fds.size(); ++i)
                if (fds[i].revents && peers_.count(fds[i].fd))
                    relay(fds[i].fd);
        }
    }

    QString targetAddress_;
    int targetPort_;
    int port_ = 0;
    int listener_ = -1;
    int wake_[2] = {-1, -1};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::map<int, int> peers_; // both directions
};

struct Call {
    std::optional<RpcReply> reply;
};

bool sawState(const QSignalSpy& spy, State state) {
    for (const auto& change : spy)
        if (change.at(0).value<State>() == state)
            return true;
    return false;
}

} // namespace

class HostConnectionLabTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyHostConnectsAndSaysHello();
    void unknownHostKeyIsAskedAboutAndRecorded();
    void rejectedHostKeyStaysRefused();
    void changedHostKeyIsRefusedWithBothFingerprints();
    void hostWithStoppedSshdIsUnreachableWhileOthersWork();
    void brokenConnectionReconnectsWithBackoff();
    void agentThatCannotStartGivesItsStderr();
    void callsTimeOutAndFailWhenTheAgentExits();
    void keepaliveNoticesASilentAgent();
    void encryptedKeyAsksForItsPassphrase();
    void refusedKeyIsAnAuthenticationFailure();

private:
    HostEndpoint endpoint(const QString& name) const;
    static bool callAndWait(HostConnection& connection, const QString& method, Call& call,
                            int timeoutMs = 30000);

    QList<HostEndpoint> endpoints_;
    QTemporaryDir scratch_;
};

void HostConnectionLabTest::initTestCase() {
    QVERIFY2(QFile::exists(lab::jsonFile()),
             "no lab: set MAILNG_LAB_DIR to a directory where `mailng-lab up` ran");
    qunsetenv("SSH_AUTH_SOCK");
    const auto endpoints = endpointsFromLabJson(lab::jsonFile());
    QVERIFY2(endpoints, endpoints ? "" : qPrintable(endpoints.error()));
    endpoints_ = *endpoints;
    QVERIFY(endpoints_.size() >= 2);
    QVERIFY(scratch_.isValid());
}

HostEndpoint HostConnectionLabTest::endpoint(const QString& name) const {
    for (const auto& endpoint : endpoints_)
        if (endpoint.name == name)
            return endpoint;
    qFatal("no lab host %s", qPrintable(name));
}

bool HostConnectionLabTest::callAndWait(HostConnection& connection, const QString& method,
                                        Call& call, int timeoutMs) {
    QObject context;
    connection.call(
        method, {}, &context, [&call](const RpcReply& reply) { call.reply = reply; }, timeoutMs);
    return QTest::qWaitFor([&] { return call.reply.has_value(); }, timeoutMs + 5000);
}

void HostConnectionLabTest::everyHostConnectsAndSaysHello() {
    ClusterSession session(endpoints_);
    session.start();
    for (const QString& host : session.hosts())
        QTRY_COMPARE_WITH_TIMEOUT(session.state(host), State::Connected, kConnectMs);
    QObject context;
    std::map<QString, RpcReply> replies;
    for (const QString& host : session.hosts())
        session.call(host, QStringLiteral("agent.hello"), {}, &context,
                     [&replies, host](const RpcReply& reply) { replies[host] = reply; });
    QTRY_COMPARE_WITH_TIMEOUT(replies.size(), std::size_t(session.hosts().size()), kConnectMs);
    for (const auto& [host, reply] : replies) {
        QVERIFY2(reply.ok, qPrintable(host + QStringLiteral(": ") + reply.errorMessage));
        const QJsonObject hello = reply.result.toObject();
        QCOMPARE(hello.value(QLatin1String("host")).toString(), host);
        QCOMPARE(hello.value(QLatin1String("agent")).toString(), QStringLiteral("mailng-agent"));
    }
}

void HostConnectionLabTest::unknownHostKeyIsAskedAboutAndRecorded() {
    HostEndpoint theano = endpoint(QStringLiteral("theano"));
    theano.knownHostsFile = scratch_.filePath(QStringLiteral("unknown_known_hosts"));
    QVERIFY(lab::writeAll(theano.knownHostsFile, {}));
    const QString expected = lab::fingerprintOf(lab::hostKeyFile(theano.name));
    QVERIFY(expected.startsWith(QStringLiteral("SHA256:")));

    HostConnection first(theano);
    QSignalSpy unknown(&first, &HostConnection::hostKeyUnknown);
    first.start();
    QTRY_COMPARE_WITH_TIMEOUT(unknown.count(), 1, kConnectMs);
    QCOMPARE(unknown.at(0).at(0).toString(), expected);
    QTRY_COMPARE(first.state(), State::Refused);
    qInfo().noquote() << "unknown key:" << first.reason();
    QVERIFY2(first.reason().startsWith(QStringLiteral("host key not known")),
             qPrintable(first.reason()));
    QVERIFY(first.reason().contains(expected));
    QVERIFY(lab::readAll(theano.knownHostsFile).isEmpty()); // nothing recorded before the yes

    first.acceptHostKey();
    QTRY_COMPARE_WITH_TIMEOUT(first.state(), State::Connected, kConnectMs);
    Call hello;
    QVERIFY(callAndWait(first, QStringLiteral("agent.hello"), hello));
    QVERIFY(hello.reply->ok);
    const QByteArray recorded = lab::readAll(theano.knownHostsFile);
    QVERIFY2(
        recorded.startsWith(
            QStringLiteral("[%1]:%2 ssh-ed25519 ").arg(theano.address).arg(theano.port).toUtf8()),
        recorded.constData());

    HostConnection second(theano);
    QSignalSpy unknownAgain(&second, &HostConnection::hostKeyUnknown);
    second.start();
    QTRY_COMPARE_WITH_TIMEOUT(second.state(), State::Connected, kConnectMs);
    QCOMPARE(unknownAgain.count(), 0);
    QCOMPARE(lab::readAll(theano.knownHostsFile), recorded); // recorded once
}

void HostConnectionLabTest::rejectedHostKeyStaysRefused() {
    HostEndpoint elysso = endpoint(QStringLiteral("elysso"));
    elysso.knownHostsFile = scratch_.filePath(QStringLiteral("rejected_known_hosts"));
    HostConnection connection(elysso);
    QSignalSpy unknown(&connection, &HostConnection::hostKeyUnknown);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(unknown.count(), 1, kConnectMs);
    connection.rejectHostKey();
    QTRY_VERIFY(connection.reason().startsWith(QStringLiteral("host key rejected")));
    QCOMPARE(connection.state(), State::Refused);
    connection.acceptHostKey(); // too late: the question was answered
    QTest::qWait(1500);
    QCOMPARE(connection.state(), State::Refused);
    QVERIFY(!QFile::exists(elysso.knownHostsFile) || lab::readAll(elysso.knownHostsFile).isEmpty());
}

void HostConnectionLabTest::changedHostKeyIsRefusedWithBothFingerprints() {
    HostEndpoint gorgo = endpoint(QStringLiteral("gorgo"));
    const QString impostor =
        endpoints_.first().name == gorgo.name ? endpoints_.last().name : endpoints_.first().name;
    // known_hosts records another host's key for gorgo's [address]:port.
    const QByteArray line = lab::knownHostsLineWithKeyOf(impostor, gorgo.address, gorgo.port);
    gorgo.knownHostsFile = scratch_.filePath(QStringLiteral("changed_known_hosts"));
    QVERIFY(lab::writeAll(gorgo.knownHostsFile, line));
    const QString recorded = lab::fingerprintOf(lab::hostKeyFile(impostor));
    const QString offered = lab::fingerprintOf(lab::hostKeyFile(gorgo.name));
    QVERIFY(recorded != offered);

    HostConnection connection(gorgo);
    QSignalSpy changed(&connection, &HostConnection::hostKeyChanged);
    QSignalSpy unknown(&connection, &HostConnection::hostKeyUnknown);
    QSignalSpy states(&connection, &HostConnection::stateChanged);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, kConnectMs);
    QCOMPARE(changed.at(0).at(0).toString(), recorded);
    QCOMPARE(changed.at(0).at(1).toString(), offered);
    QTRY_COMPARE(connection.state(), State::Refused);
    const QString reason = connection.reason();
    qInfo().noquote() << "changed key:" << reason;
    QVERIFY2(reason.startsWith(QStringLiteral("host key changed")), qPrintable(reason));
    QVERIFY2(reason.contains(recorded) && reason.contains(offered), qPrintable(reason));

    connection.acceptHostKey(); // not an answer to a changed key
    QTest::qWait(2000);
    QCOMPARE(connection.state(), State::Refused);
    QVERIFY(!sawState(states, State::Connected));
    QCOMPARE(unknown.count(), 0);
    QCOMPARE(lab::readAll(gorgo.knownHostsFile), line);
    Call refused;
    QVERIFY(callAndWait(connection, QStringLiteral("agent.hello"), refused));
    QCOMPARE(refused.reply->errorCode, RpcReply::kNotConnected);
}

void HostConnectionLabTest::hostWithStoppedSshdIsUnreachableWhileOthersWork() {
    const QString down = QStringLiteral("mirto");
    const QString up = QStringLiteral("theano");
    ClusterSession session({endpoint(down), endpoint(up)});
    session.start();
    QTRY_COMPARE_WITH_TIMEOUT(session.state(up), State::Connected, kConnectMs);
    QTRY_COMPARE_WITH_TIMEOUT(session.state(down), State::Connected, kConnectMs);

    QVERIFY(lab::daemon(QStringLiteral("stop"), down, QStringLiteral("sshd")));
    lab::DaemonRestart restart{down, QStringLiteral("sshd")};

    // sshd's children keep established sessions; a new connection meets the closed port.
    HostConnection fresh(endpoint(down));
    QSignalSpy freshStates(&fresh, &HostConnection::stateChanged);
    fresh.start();
    QTRY_COMPARE_WITH_TIMEOUT(fresh.state(), State::Unreachable, kConnectMs);
    qInfo().noquote() << "sshd stopped:" << fresh.reason();
    QVERIFY2(fresh.reason().startsWith(QStringLiteral("connection refused")),
             qPrintable(fresh.reason()));
    QVERIFY(fresh.reason().contains(endpoint(down).address));
    Call refused;
    QVERIFY(callAndWait(fresh, QStringLiteral("agent.hello"), refused));
    QCOMPARE(refused.reply->errorCode, RpcReply::kNotConnected);
    QVERIFY(refused.reply->errorMessage.contains(QStringLiteral("connection refused")));

    // The other host goes on.
    std::optional<RpcReply> other;
    QObject context;
    session.call(up, QStringLiteral("agent.hello"), {}, &context,
                 [&other](const RpcReply& reply) { other = reply; });
    QTRY_VERIFY_WITH_TIMEOUT(other.has_value(), kConnectMs);
    QVERIFY2(other->ok, qPrintable(other->errorMessage));
    QCOMPARE(session.state(up), State::Connected);

    QTest::qWait(2500); // a few retries with backoff, all refused
    QVERIFY(freshStates.count() >= 4);
    QCOMPARE(fresh.state(), State::Unreachable);

    QVERIFY(lab::daemon(QStringLiteral("start"), down, QStringLiteral("sshd")));
    QTRY_COMPARE_WITH_TIMEOUT(fresh.state(), State::Connected, 70000);
    QVERIFY(fresh.reason().isEmpty());
    Call hello;
    QVERIFY(callAndWait(fresh, QStringLiteral("agent.hello"), hello));
    QVERIFY(hello.reply->ok);
}

void HostConnectionLabTest::brokenConnectionReconnectsWithBackoff() {
    HostEndpoint nireas = endpoint(QStringLiteral("nireas"));
    Forwarder forwarder(nireas.address, nireas.port);
    QVERIFY(forwarder.open());
    const QList<QByteArray> key = lab::readAll(lab::hostKeyFile(nireas.name)).trimmed().split(' ');
    nireas.address = QStringLiteral("127.0.0.1");
    nireas.port = forwarder.port();
    nireas.knownHostsFile = scratch_.filePath(QStringLiteral("forwarded_known_hosts"));
    QVERIFY(lab::writeAll(nireas.knownHostsFile,
                     QStringLiteral("[127.0.0.1]:%1 ").arg(nireas.port).toUtf8() + key.value(0) +
                         ' ' + key.value(1) + '\n'));
    HostTimings timings;
    timings.firstRetry = 200ms;
    timings.maxRetry = 800ms;
    HostConnection connection(nireas, timings);
    QSignalSpy states(&connection, &HostConnection::stateChanged);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, kConnectMs);

    forwarder.close();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Unreachable, kConnectMs);
    const QString broken = states.at(states.count() - 1).at(1).toString();
    qInfo().noquote() << "connection cut:" << broken;
    QVERIFY2(broken.contains(QStringLiteral("connection")), qPrintable(broken));
    QTest::qWait(1500); // retries meet a closed port
    QVERIFY2(connection.reason().startsWith(QStringLiteral("connection refused")),
             qPrintable(connection.reason()));
    Call down;
    QVERIFY(callAndWait(connection, QStringLiteral("agent.hello"), down));
    QCOMPARE(down.reply->errorCode, RpcReply::kNotConnected);

    QVERIFY(forwarder.open()); // the same port again
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, kConnectMs);
    Call hello;
    QVERIFY(callAndWait(connection, QStringLiteral("agent.hello"), hello));
    QVERIFY(hello.reply->ok);
}

void HostConnectionLabTest::agentThatCannotStartGivesItsStderr() {
    HostEndpoint thalia = endpoint(QStringLiteral("thalia"));
    thalia.agentCommand = QStringLiteral("echo 'sudo: a password is required' >&2; exit 1");
    HostConnection connection(thalia);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Unreachable, kConnectMs);
    qInfo().noquote() << "agent did not start:" << connection.reason();
    QVERIFY2(connection.reason().contains(QStringLiteral("sudo: a password is required")),
             qPrintable(connection.reason()));
    QVERIFY(connection.reason().contains(QStringLiteral("did not start")));
}

void HostConnectionLabTest::callsTimeOutAndFailWhenTheAgentExits() {
    HostEndpoint thalia = endpoint(QStringLiteral("thalia"));
    // Answers the console's hello, reads two requests without answering, exits with 3.
    thalia.agentCommand =
        QStringLiteral("read -r line; printf '%s\\n' '%1'; read -r line; read -r line; exit 3")
            .arg(kHelloReply);
    HostConnection connection(thalia);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, kConnectMs);

    Call slow;
    QVERIFY(callAndWait(connection, QStringLiteral("host.status"), slow, 300));
    QCOMPARE(slow.reply->errorCode, RpcReply::kTimedOut);

    Call pending;
    QVERIFY(callAndWait(connection, QStringLiteral("host.status"), pending));
    QCOMPARE(pending.reply->errorCode, RpcReply::kNotConnected);
    qInfo().noquote() << "agent exited:" << pending.reply->errorMessage;
    QVERIFY2(pending.reply->errorMessage.contains(QStringLiteral("exit status 3")),
             qPrintable(pending.reply->errorMessage));
    QCOMPARE(connection.state(), State::Unreachable);
}

void HostConnectionLabTest::keepaliveNoticesASilentAgent() {
    HostEndpoint thalia = endpoint(QStringLiteral("thalia"));
    thalia.agentCommand =
        QStringLiteral("read -r line; printf '%s\\n' '%1'; exec cat >/dev/null").arg(kHelloReply);
    HostTimings timings;
    timings.keepaliveInterval = 500ms;
    timings.keepaliveTimeout = 700ms;
    timings.firstRetry = 10s; // one failure is what this test looks at
    HostConnection connection(thalia, timings);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, kConnectMs);
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Unreachable, 5000);
    qInfo().noquote() << "silent agent:" << connection.reason();
    QVERIFY2(connection.reason().contains(QStringLiteral("keepalive")),
             qPrintable(connection.reason()));
}

void HostConnectionLabTest::encryptedKeyAsksForItsPassphrase() {
    HostEndpoint theano = endpoint(QStringLiteral("theano"));
    const QString locked = scratch_.filePath(QStringLiteral("locked_key"));
    QVERIFY(lab::writeAll(locked, lab::readAll(theano.identityFile)));
    QFile::setPermissions(locked, QFile::ReadOwner | QFile::WriteOwner);
    QVERIFY(
        lab::run(QStringLiteral("ssh-keygen"),
            {QStringLiteral("-q"), QStringLiteral("-p"), QStringLiteral("-P"), QString(),
             QStringLiteral("-N"), QStringLiteral("open sesame"), QStringLiteral("-f"), locked}));
    theano.identityFile = locked;

    HostConnection connection(theano);
    QSignalSpy asked(&connection, &HostConnection::passphraseNeeded);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(asked.count(), 1, kConnectMs);
    QCOMPARE(asked.at(0).at(0).toString(), locked);
    QCOMPARE(connection.state(), State::Refused);

    connection.providePassphrase(QStringLiteral("open sesamE"));
    QTRY_COMPARE_WITH_TIMEOUT(asked.count(), 2, kConnectMs);
    QVERIFY2(connection.reason().contains(QStringLiteral("wrong passphrase")),
             qPrintable(connection.reason()));

    connection.providePassphrase(QStringLiteral("open sesame"));
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, kConnectMs);
    QCOMPARE(asked.count(), 2);
}

void HostConnectionLabTest::refusedKeyIsAnAuthenticationFailure() {
    HostEndpoint theano = endpoint(QStringLiteral("theano"));
    const QString stranger = scratch_.filePath(QStringLiteral("stranger_key"));
    QVERIFY(lab::run(QStringLiteral("ssh-keygen"),
                {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                 QStringLiteral("-N"), QString(), QStringLiteral("-f"), stranger}));
    theano.identityFile = stranger;
    HostConnection connection(theano);
    QSignalSpy states(&connection, &HostConnection::stateChanged);
    connection.start();
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Refused, kConnectMs);
    qInfo().noquote() << "refused key:" << connection.reason();
    QVERIFY2(connection.reason().startsWith(QStringLiteral("authentication failed")),
             qPrintable(connection.reason()));
    QVERIFY(connection.reason().contains(stranger));
    const int changes = states.count();
    QTest::qWait(2000); // no retry: it waits for the admin
    QCOMPARE(states.count(), changes);
}

QTEST_GUILESS_MAIN(HostConnectionLabTest)
#include "test_host_connection_lab.moc"
