// What the console's lab tests share: where the lab is (MAILNG_LAB_DIR, lab.json),
// running mailng-lab to stop and start a host's daemon, files, and the SHA256
// fingerprints OpenSSH shows for the lab's host keys. Header-only; tests only.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace mailng::gui::lab {

/// MAILNG_LAB_DIR, where `mailng-lab up` ran.
inline QString dir() {
    return qEnvironmentVariable("MAILNG_LAB_DIR", QStringLiteral("/tmp/mailng-lab"));
}

inline QString jsonFile() {
    return QDir(dir()).filePath(QStringLiteral("lab.json"));
}

/// lab.json, or an empty object when it cannot be read.
inline QJsonObject json() {
    QFile file(jsonFile());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// lab.json's hosts.NAME.
inline QJsonObject host(const QString& name) {
    return json().value(QStringLiteral("hosts")).toObject().value(name).toObject();
}

inline QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeAll(const QString& path, const QByteArray& content) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size();
}

/// Runs `program` with its output on the test's; true when it exited 0 within 2 min.
inline bool run(const QString& program, const QStringList& arguments) {
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.start(program, arguments);
    return process.waitForFinished(120000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

/// The built mailng-lab (MAILNG_BUILD_DIR, else beside the test's build tree).
inline QString program() {
    const QString buildDir = qEnvironmentVariable(
        "MAILNG_BUILD_DIR", QCoreApplication::applicationDirPath() + QStringLiteral("/../.."));
    return buildDir + QStringLiteral("/lab/mailng-lab");
}

/// `mailng-lab ACTION --host HOST --daemon DAEMON` (ACTION: stop, start).
inline bool daemon(const QString& action, const QString& host, const QString& daemonName) {
    return run(program(), {action, QStringLiteral("--dir"), dir(), QStringLiteral("--host"), host,
                           QStringLiteral("--daemon"), daemonName});
}

/// Starts the daemon again when it goes out of scope, whatever the test did.
struct DaemonRestart {
    QString host;
    QString daemonName;
    ~DaemonRestart() { daemon(QStringLiteral("start"), host, daemonName); }
};

/// The public host key of lab host `name`.
inline QString hostKeyFile(const QString& name) {
    return dir() + QStringLiteral("/hosts/%1/ssh_host_ed25519_key.pub").arg(name);
}

/// "SHA256:..." as `ssh-keygen -l -E sha256` shows the key in `publicKeyFile`.
inline QString fingerprintOf(const QString& publicKeyFile) {
    QProcess keygen;
    keygen.start(QStringLiteral("ssh-keygen"),
                 {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                  QStringLiteral("-f"), publicKeyFile});
    keygen.waitForFinished();
    // "256 SHA256:... comment (ED25519)"
    return QString::fromUtf8(keygen.readAllStandardOutput()).split(QLatin1Char(' ')).value(1);
}

/// A known_hosts line that records lab host `impostor`'s key for [address]:port, so that
/// the real host's key looks changed.
inline QByteArray knownHostsLineWithKeyOf(const QString& impostor, const QString& address,
                                          int port) {
    const QList<QByteArray> key = readAll(hostKeyFile(impostor)).trimmed().split(' ');
    return QStringLiteral("[%1]:%2 ").arg(address).arg(port).toUtf8() + key.value(0) + ' ' +
           key.value(1) + '\n';
}

} // namespace mailng::gui::lab
