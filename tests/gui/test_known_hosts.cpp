// known_hosts lookups (known_hosts.h) and the plain words for connect errors
// (ssh_session.h). The fingerprints below are what `ssh-keygen -l -E sha256` printed for
// these keys.
#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

#include "known_hosts.h"
#include "ssh_session.h"

using namespace mailng::gui;

namespace {

const QByteArray kKey1 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILaTrSsEtPLxagu4QjNvNHGJJWVNYqrCwHDKe3PD9g/x";
const QByteArray kKey2 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO8U7jhWw0ZFLXAyO7S0RiSYAh1twGEORwcdez1POaoz";
const QByteArray kKey3 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFMoqvruCgSIemVylU9gOU+bhaKEhIdCswEwPDvrW554";
const QString kPrint1 = QStringLiteral("SHA256:V0sfsL0gtc2+2uM81bY8KUZx2Q0IdDHDITNkoYFq/Eg");
const QString kPrint2 = QStringLiteral("SHA256:gx4CQcFiMx583MOnrkrX/YOyP4SiE41GZfN/cbuPwIg");
const QString kPrint3 = QStringLiteral("SHA256:NW9fL+y4lsXUgcOw7ov9C0cLgf35P1NPIjSXmjOBquw");

// OpenSSH's HashKnownHosts form: |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
QByteArray hashedName(const QByteArray& name) {
    const QByteArray salt = QByteArray::fromHex("00112233445566778899aabbccddeeff00112233");
    const QByteArray mac = QMessageAuthenticationCode::hash(name, salt, QCryptographicHash::Sha1);
    return "|1|" + salt.toBase64() + "|" + mac.toBase64();
}

QString writeFile(const QTemporaryDir& dir, const QByteArray& content) {
    const QString path = dir.filePath(QStringLiteral("known_hosts"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

} // namespace

class KnownHostsTest : public QObject {
    Q_OBJECT
private slots:
    void hostNameHasBracketsOffPort22() {
        QCOMPARE(known_hosts::hostName(QStringLiteral("127.0.1.11"), 22),
                 QStringLiteral("127.0.1.11"));
        QCOMPARE(known_hosts::hostName(QStringLiteral("127.0.1.11"), 2222),
                 QStringLiteral("[127.0.1.11]:2222"));
        QCOMPARE(known_hosts::hostName(QStringLiteral("Theano.Example.EDU"), 22),
                 QStringLiteral("theano.example.edu"));
    }

    void recordedKeysOfTheHostInFileOrder() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray content = "# a comment\n"
                                   "\n"
                                   "[127.0.1.12]:2222 " +
                                   kKey1 +
                                   "\n" // other host
                                   "127.0.1.11 " +
                                   kKey1 +
                                   "\n" // other port
                                   "@revoked [127.0.1.11]:2222 " +
                                   kKey1 +
                                   "\n" // marker: skipped
                                   "gorgo,[127.0.1.11]:2222 " +
                                   kKey2 +
                                   " a comment\n"
                                   "[127.0.1.11]:2222 not-a-key-type AAAA\n" // unparsable
                                   + hashedName("[127.0.1.11]:2222") + " " + kKey3 +
                                   "\n"
                                   "  [127.0.1.11]:2222 " +
                                   kKey2 + "\n"; // repeat
        const QString path = writeFile(dir, content);
        QCOMPARE(known_hosts::recordedFingerprints(path, QStringLiteral("127.0.1.11"), 2222),
                 (QStringList{kPrint2, kPrint3}));
        QCOMPARE(known_hosts::recordedFingerprints(path, QStringLiteral("127.0.1.11"), 22),
                 QStringList{kPrint1});
        QCOMPARE(known_hosts::recordedFingerprints(path, QStringLiteral("127.0.1.13"), 2222),
                 QStringList{});
    }

    void wildcardPatternsMatch() {
        QTemporaryDir dir;
        const QString path = writeFile(dir, "[127.0.1.*]:2222 " + kKey3 + "\n");
        QCOMPARE(known_hosts::recordedFingerprints(path, QStringLiteral("127.0.1.14"), 2222),
                 QStringList{kPrint3});
    }

    void missingFileRecordsNothing() {
        QTemporaryDir dir;
        QVERIFY(known_hosts::recordedFingerprints(dir.filePath(QStringLiteral("absent")),
                                                  QStringLiteral("127.0.1.11"), 2222)
                    .isEmpty());
    }

    void connectErrorsInPlainWords_data() {
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("start");
        QTest::newRow("refused") << ECONNREFUSED << QStringLiteral("connection refused");
        QTest::newRow("host unreachable") << EHOSTUNREACH << QStringLiteral("no route to host");
        QTest::newRow("net unreachable") << ENETUNREACH << QStringLiteral("no route to host");
        QTest::newRow("timed out") << ETIMEDOUT << QStringLiteral("no answer from");
        QTest::newRow("other") << EACCES << QStringLiteral("cannot connect to");
    }

    void connectErrorsInPlainWords() {
        QFETCH(int, error);
        QFETCH(QString, start);
        const QString text = describeConnectError(error, QStringLiteral("127.0.1.11"), 2222);
        QVERIFY2(text.startsWith(start), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("127.0.1.11")), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(KnownHostsTest)
#include "test_known_hosts.moc"
