// OpenSSH known_hosts, as the console reads it to explain a refused host key. The check
// itself is libssh's (SshSession::checkHostKey); this tells the admin which keys the
// file records for the host, so that "host key changed" can name the old fingerprint
// next to the new one (libssh returns no entry for a changed key).
//
// Thread: any; the functions keep no state. They use libssh's line parser, so that a
// line matches here exactly when it matches in the check.
#pragma once

#include <QString>
#include <QStringList>

struct ssh_key_struct;

namespace mailng::gui::known_hosts {

/// The name known_hosts uses for a host: "address" on port 22, "[address]:port"
/// otherwise (OpenSSH's rule, and libssh's when it records a key). Lowercase.
QString hostName(const QString& address, int port);

/// "SHA256:" and the unpadded base64 of the SHA-256 of the key blob, as
/// `ssh-keygen -l -E sha256` prints it; empty if libssh cannot hash the key.
QString sha256Fingerprint(ssh_key_struct* key);

/// The SHA256 fingerprints of the keys that `file` records for `address`:`port`, in
/// file order without repeats. Plain, wildcard, negated, comma-listed and hashed
/// (|1|salt|hash) names match as in OpenSSH; comments, blank lines, @cert-authority and
/// @revoked lines, and lines libssh cannot parse are skipped. A missing or unreadable
/// file records nothing.
QStringList recordedFingerprints(const QString& file, const QString& address, int port);

} // namespace mailng::gui::known_hosts
