// HostConnection and ClusterSession without an SSH server: a refused host goes
// Unreachable with the reason and keeps retrying; calls to it are answered kNotConnected
// later, on the context's thread, and not at all once the context is gone; endpoints
// from a cluster file and from lab.json. The lab test covers the real SSH paths.
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include "cluster_session.h"
#include "host_connection.h"

using namespace mailng::gui;
using namespace std::chrono_literals;

namespace {

int closedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        qFatal("cannot bind a loopback socket");
    ::close(fd);
    return ntohs(address.sin_port);
}

HostEndpoint refusingEndpoint(const QString& name) {
    HostEndpoint endpoint;
    endpoint.name = name;
    endpoint.user = QStringLiteral("root");
    endpoint.address = QStringLiteral("127.0.0.1");
    endpoint.port = closedPort();
    endpoint.agentCommand = QStringLiteral("sudo -n mailng-agent stdio");
    endpoint.knownHostsFile = QStringLiteral("/nonexistent/known_hosts");
    return endpoint;
}

// ctest says where the sources are; run by hand, this file knows.
QString sourceDir() {
    return qEnvironmentVariable("MAILNG_SOURCE_DIR",
                                QFileInfo(QStringLiteral(__FILE__)).absolutePath() +
                                    QStringLiteral("/../.."));
}

HostTimings quickTimings() {
    HostTimings timings;
    timings.firstRetry = 100ms;
    timings.maxRetry = 400ms;
    return timings;
}

} // namespace

class HostConnectionTest : public QObject {
    Q_OBJECT
private slots:
    void refusedHostIsUnreachableWithReasonAndRetries() {
        HostConnection connection(refusingEndpoint(QStringLiteral("theano")), quickTimings());
        QSignalSpy states(&connection, &HostConnection::stateChanged);
        QCOMPARE(connection.state(), HostConnection::State::Disconnected);
        connection.start();
        QTRY_COMPARE(connection.state(), HostConnection::State::Unreachable);
        QVERIFY2(connection.reason().startsWith(QStringLiteral("connection refused")),
                 qPrintable(connection.reason()));
        // Retries on its own: Connecting and Unreachable again, the reason kept meanwhile.
        QTRY_VERIFY(states.count() >= 6);
        for (const auto& change : states) {
            const auto state = change.at(0).value<HostConnection::State>();
            QVERIFY(state == HostConnection::State::Connecting ||
                    state == HostConnection::State::Unreachable);
        }
        QVERIFY(states.at(2).at(1).toString().startsWith(QStringLiteral("connection refused")));
        connection.stop();
        QTRY_COMPARE(connection.state(), HostConnection::State::Disconnected);
        QVERIFY(connection.reason().isEmpty());
    }

    void callWhenNotConnectedIsAnsweredLaterOnTheContextsThread() {
        HostConnection connection(refusingEndpoint(QStringLiteral("gorgo")));
        QObject context;
        std::optional<RpcReply> reply;
        QThread* thread = nullptr;
        connection.call(QStringLiteral("agent.hello"), {}, &context, [&](const RpcReply& r) {
            reply = r;
            thread = QThread::currentThread();
        });
        QVERIFY(!reply); // never from inside call()
        QTRY_VERIFY(reply);
        QCOMPARE(thread, QThread::currentThread());
        QVERIFY(!reply->ok);
        QCOMPARE(reply->errorCode, RpcReply::kNotConnected);
        QVERIFY2(reply->errorMessage.contains(QStringLiteral("gorgo is not connected")),
                 qPrintable(reply->errorMessage));
    }

    void doneNeverRunsAfterItsContextIsGone() {
        HostConnection connection(refusingEndpoint(QStringLiteral("mirto")));
        bool ran = false;
        {
            QObject context;
            connection.call(QStringLiteral("agent.hello"), {}, &context,
                            [&](const RpcReply&) { ran = true; });
        }
        QTest::qWait(100);
        QVERIFY(!ran);
    }

    void destroyingAConnectingHostIsQuick() {
        QElapsedTimer timer;
        timer.start();
        {
            HostConnection connection(refusingEndpoint(QStringLiteral("thalia")));
            connection.start();
            QTest::qWait(20);
        }
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    }

    void clusterSessionAnswersUnknownHostsAndKeepsOthersApart() {
        ClusterSession session({refusingEndpoint(QStringLiteral("nireas")),
                                refusingEndpoint(QStringLiteral("theano"))},
                               quickTimings());
        QCOMPARE(session.hosts(),
                 (QStringList{QStringLiteral("nireas"), QStringLiteral("theano")}));
        QSignalSpy changes(&session, &ClusterSession::hostStateChanged);
        session.start();
        QTRY_COMPARE(session.state(QStringLiteral("nireas")), HostConnection::State::Unreachable);
        QTRY_COMPARE(session.state(QStringLiteral("theano")), HostConnection::State::Unreachable);
        QVERIFY(changes.count() >= 2);
        QVERIFY(session.reason(QStringLiteral("theano"))
                    .startsWith(QStringLiteral("connection refused")));

        std::optional<RpcReply> reply;
        QObject context;
        session.call(QStringLiteral("elysso"), QStringLiteral("agent.hello"), {}, &context,
                     [&](const RpcReply& r) { reply = r; });
        QVERIFY(!reply);
        QTRY_VERIFY(reply);
        QCOMPARE(reply->errorCode, RpcReply::kNotConnected);
        QVERIFY(reply->errorMessage.contains(QStringLiteral("not a host of this cluster")));
        QVERIFY(session.connection(QStringLiteral("elysso")) == nullptr);
    }

    void endpointsFromTheLabClusterFile() {
        const auto endpoints =
            loadClusterEndpoints(sourceDir() + QStringLiteral("/resources/lab/cluster.toml"),
                                 QStringLiteral("/kh"), QStringLiteral("/id"));
        QVERIFY2(endpoints, endpoints ? "" : qPrintable(endpoints.error().join(QLatin1Char('\n'))));
        QCOMPARE(endpoints->size(), 6);
        const HostEndpoint& theano = endpoints->at(1);
        QCOMPARE(theano.name, QStringLiteral("theano"));
        QCOMPARE(theano.user, QStringLiteral("root"));
        QCOMPARE(theano.address, QStringLiteral("127.0.1.11"));
        QCOMPARE(theano.port, 2222);
        QCOMPARE(theano.agentCommand, QStringLiteral("sudo -n mailng-agent stdio"));
        QCOMPARE(theano.knownHostsFile, QStringLiteral("/kh"));
        QCOMPARE(theano.identityFile, QStringLiteral("/id"));
    }

    void clusterFileProblemsAreReported() {
        const auto endpoints = loadClusterEndpoints(QStringLiteral("/nonexistent/cluster.toml"));
        QVERIFY(!endpoints);
        QVERIFY(!endpoints.error().isEmpty());
        QVERIFY(endpoints.error().first().contains(QStringLiteral("/nonexistent/cluster.toml")));
    }

    void defaultKnownHostsIsTheUsers() {
        QVERIFY(defaultKnownHostsFile().endsWith(QStringLiteral("/.ssh/known_hosts")));
        const auto endpoints =
            loadClusterEndpoints(sourceDir() + QStringLiteral("/resources/lab/cluster.toml"));
        QVERIFY(endpoints);
        QCOMPARE(endpoints->first().knownHostsFile, defaultKnownHostsFile());
        QVERIFY(endpoints->first().identityFile.isEmpty());
    }

    void endpointsFromLabJson() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("lab.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({
            "hosts": {
                "zeta": {"address": "127.0.1.20", "ports": {"ssh": 2222}, "agent_command": "agent z"},
                "alpha": {"address": "127.0.1.21", "ports": {"ssh": 2223, "smtp": 25}, "agent_command": "agent a"}
            },
            "ssh": {"user": "root", "key": "/lab/ssh/id", "known_hosts": "/lab/ssh/known_hosts"}
        })");
        file.close();
        const auto endpoints = mailng::gui::endpointsFromLabJson(path);
        QVERIFY2(endpoints, endpoints ? "" : qPrintable(endpoints.error()));
        QCOMPARE(endpoints->size(), 2);
        const HostEndpoint& alpha = endpoints->at(0); // no cluster file: by name
        QCOMPARE(alpha.name, QStringLiteral("alpha"));
        QCOMPARE(alpha.address, QStringLiteral("127.0.1.21"));
        QCOMPARE(alpha.port, 2223);
        QCOMPARE(alpha.agentCommand, QStringLiteral("agent a"));
        QCOMPARE(alpha.user, QStringLiteral("root"));
        QCOMPARE(alpha.identityFile, QStringLiteral("/lab/ssh/id"));
        QCOMPARE(alpha.knownHostsFile, QStringLiteral("/lab/ssh/known_hosts"));

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(R"({"hosts": {"zeta": {"address": "127.0.1.20"}}, "ssh": {}})");
        file.close();
        const auto broken = mailng::gui::endpointsFromLabJson(path);
        QVERIFY(!broken);
        QVERIFY2(broken.error().contains(QStringLiteral("zeta")), qPrintable(broken.error()));
    }
};

QTEST_GUILESS_MAIN(HostConnectionTest)
#include "test_host_connection.moc"
