// A first cluster file from a few answers (the first-run dialog's "Describe the
// hosts"): the cluster's name and domain, the trusted networks, an LDAP URI when no
// host is the directory, and the hosts with role, address and an optional SSH target.
// The text follows docs/cluster-file.md; mailng::load_cluster() remains the judge of
// whether it is valid, and the dialog shows its diagnostics.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace mailng::gui {

struct ClusterDraft {
    struct Host {
        QString name;
        QString role; // relay, backend, client, directory
        QString address;
        QString ssh; // [user@]host[:port]; empty: the default root@ADDRESS
    };

    QString name;
    QString domain;
    QStringList networks; // mynetworks
    QString ldapUri;      // written only when not empty
    QList<Host> hosts;
};

/// The cluster file for `draft`: [cluster], [network], [ldap] (if a URI is given) and
/// one [[hosts]] table per host. Strings are TOML basic strings, escaped.
QString clusterFileText(const ClusterDraft& draft);

/// `text` as a TOML basic string, quotes included.
QString tomlString(const QString& text);

} // namespace mailng::gui
