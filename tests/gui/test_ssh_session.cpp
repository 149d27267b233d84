// SshSession and SshIdentity without an SSH server: a refused TCP connect, and identity
// files plain, encrypted, wrong and missing (made with ssh-keygen).
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh_session.h"

using namespace mailng::gui;

namespace {

// A loopback port that nothing listens on: bound, then closed.
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

bool makeKey(const QString& path, const QString& passphrase) {
    return QProcess::execute(QStringLiteral("ssh-keygen"),
                             {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                              QStringLiteral("-N"), passphrase, QStringLiteral("-f"), path}) == 0;
}

} // namespace

class SshSessionTest : public QObject {
    Q_OBJECT
private slots:
    void refusedConnectSaysSo() {
        HostEndpoint endpoint;
        endpoint.name = QStringLiteral("nowhere");
        endpoint.address = QStringLiteral("127.0.0.1");
        endpoint.port = closedPort();
        SshSession session(endpoint);
        auto step = session.startConnect();
        for (int i = 0; step == SshSession::Step::Again && i < 50; ++i) {
            pollfd fd{session.socket(), POLLOUT, 0};
            ::poll(&fd, 1, 100);
            step = session.finishConnect();
        }
        QCOMPARE(step, SshSession::Step::Failed);
        QVERIFY2(session.error().startsWith(QStringLiteral("connection refused")),
                 qPrintable(session.error()));
    }

    void unresolvableNameSaysSo() {
        HostEndpoint endpoint;
        endpoint.address = QStringLiteral("no-such-host.invalid");
        endpoint.port = 22;
        SshSession session(endpoint);
        QCOMPARE(session.startConnect(), SshSession::Step::Failed);
        QVERIFY2(session.error().startsWith(QStringLiteral("cannot resolve no-such-host.invalid")),
                 qPrintable(session.error()));
    }

    void identityFiles() {
        if (QStandardPaths::findExecutable(QStringLiteral("ssh-keygen")).isEmpty())
            QSKIP("ssh-keygen is not installed");
        QTemporaryDir dir;
        const QString plain = dir.filePath(QStringLiteral("plain"));
        const QString locked = dir.filePath(QStringLiteral("locked"));
        QVERIFY(makeKey(plain, QString()));
        QVERIFY(makeKey(locked, QStringLiteral("open sesame")));

        SshIdentity identity;
        QByteArray none;
        QCOMPARE(identity.load(plain, none), SshIdentity::Status::Loaded);
        QVERIFY(identity.isLoaded());

        QCOMPARE(identity.load(locked, none), SshIdentity::Status::NeedsPassphrase);
        QVERIFY(!identity.isLoaded());

        QByteArray wrong = QByteArrayLiteral("open sesamE");
        QCOMPARE(identity.load(locked, wrong), SshIdentity::Status::WrongPassphrase);
        QVERIFY(wrong.isEmpty()); // wiped
        QVERIFY2(identity.error().contains(QStringLiteral("wrong passphrase")),
                 qPrintable(identity.error()));

        QByteArray right = QByteArrayLiteral("open sesame");
        QCOMPARE(identity.load(locked, right), SshIdentity::Status::Loaded);
        QVERIFY(right.isEmpty());
        QVERIFY(identity.isLoaded());

        QCOMPARE(identity.load(dir.filePath(QStringLiteral("absent")), none),
                 SshIdentity::Status::Unreadable);
        QFile junk(dir.filePath(QStringLiteral("junk")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a key\n");
        junk.close();
        QCOMPARE(identity.load(junk.fileName(), none), SshIdentity::Status::Unreadable);
        QVERIFY(!identity.isLoaded());
    }
};

QTEST_GUILESS_MAIN(SshSessionTest)
#include "test_ssh_session.moc"
