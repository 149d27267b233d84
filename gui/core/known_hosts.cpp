#include "known_hosts.h"

#include <QFile>

#include <libssh/libssh.h>

#include "ssh_session.h"

namespace mailng::gui::known_hosts {
namespace {

bool skipped(const QByteArray& line) {
    // As libssh's own reader: markers are not supported, so neither are they matched.
    return line.isEmpty() || line.startsWith('#') || line.startsWith('@');
}

QString fingerprintOfLine(const QByteArray& host, const QByteArray& line) {
    ssh_knownhosts_entry* entry = nullptr;
    if (ssh_known_hosts_parse_line(host.constData(), line.constData(), &entry) != SSH_OK)
        return {};
    QString fingerprint = sha256Fingerprint(entry->publickey);
    ssh_knownhosts_entry_free(entry);
    return fingerprint;
}

} // namespace

QString hostName(const QString& address, int port) {
    const QString host = address.toLower();
    return port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port);
}

QString sha256Fingerprint(ssh_key_struct* key) {
    unsigned char* hash = nullptr;
    size_t length = 0;
    if (key == nullptr ||
        ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return {};
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    if (text == nullptr)
        return {};
    QString fingerprint = QString::fromLatin1(text);
    ssh_string_free_char(text);
    return fingerprint;
}

QStringList recordedFingerprints(const QString& file, const QString& address, int port) {
    initLibssh();
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly))
        return {};
    const QByteArray host = hostName(address, port).toUtf8();
    QStringList fingerprints;
    while (!input.atEnd()) {
        const QByteArray line = input.readLine().trimmed();
        if (skipped(line))
            continue;
        const QString fingerprint = fingerprintOfLine(host, line);
        if (!fingerprint.isEmpty() && !fingerprints.contains(fingerprint))
            fingerprints.append(fingerprint);
    }
    return fingerprints;
}

} // namespace mailng::gui::known_hosts
