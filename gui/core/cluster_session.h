// The console's link to the whole cluster: one HostConnection per host, each on its own
// worker thread, so that a host that is down, refusing or slow affects no other. Models
// and pages talk to it as an AgentCaller (by host name) and watch its per-host signals.
//
// Thread: create, use and destroy on the GUI thread. It owns its HostConnections.
#pragma once

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "agent_caller.h"
#include "host_connection.h"
#include "mailng/cluster.h"
#include "mailng/result.h"

namespace mailng::gui {

/// ~/.ssh/known_hosts of the user running the console.
QString defaultKnownHostsFile();

/// One endpoint per host of `cluster`, in file order: user, address and port from the
/// host's ssh target, its agent command, and the given known_hosts and identity files
/// (empty identity: ssh-agent only).
QList<HostEndpoint> endpointsFromCluster(const mailng::Cluster& cluster,
                                         const QString& knownHostsFile = defaultKnownHostsFile(),
                                         const QString& identityFile = {});

/// Reads `clusterFile` with mailng::load_cluster() and builds its endpoints; the error is
/// the file's problems, one "file:line:column: message" each. Reads the disk: call it
/// before the window shows, or off the GUI thread.
mailng::Result<QList<HostEndpoint>, QStringList>
loadClusterEndpoints(const QString& clusterFile,
                     const QString& knownHostsFile = defaultKnownHostsFile(),
                     const QString& identityFile = {});

/// The endpoints of a lab (`mailng-lab up` writes DIR/lab.json): hosts[].address,
/// ports.ssh and agent_command, with ssh.user, ssh.key (identity) and ssh.known_hosts.
/// Hosts come in the order of the lab's cluster file when it can be read, else by name.
/// The error says what is missing or malformed.
mailng::Result<QList<HostEndpoint>, QString> endpointsFromLabJson(const QString& labJsonFile);

class ClusterSession : public QObject, public AgentCaller {
    Q_OBJECT
public:
    /// One HostConnection per endpoint; nothing connects before start(). Host names
    /// must be unique (a later duplicate is ignored).
    explicit ClusterSession(const QList<HostEndpoint>& endpoints, QObject* parent = nullptr);
    ClusterSession(const QList<HostEndpoint>& endpoints, const HostTimings& timings,
                   QObject* parent = nullptr);
    ~ClusterSession() override;

    void start();
    void stop();

    // AgentCaller. A host that is not in the cluster is answered kNotConnected.
    void call(const QString& host, const QString& method, const QJsonObject& params,
              QObject* context, Done done) override;
    QStringList hosts() const override;

    /// As call(), with a timeout of its own.
    void call(const QString& host, const QString& method, const QJsonObject& params,
              QObject* context, Done done, int timeoutMs);

    /// The host's connection, or nullptr for an unknown name. Owned by this session.
    HostConnection* connection(const QString& host) const;
    HostConnection::State state(const QString& host) const;
    QString reason(const QString& host) const;

    void acceptHostKey(const QString& host);
    void rejectHostKey(const QString& host);
    /// Gives the passphrase to `host` and to every other host waiting for the passphrase
    /// of the same identity file, so that one dialog serves them all.
    void providePassphrase(const QString& host, const QString& passphrase);

signals:
    void hostStateChanged(const QString& host, mailng::gui::HostConnection::State state,
                          const QString& reason);
    void hostKeyUnknown(const QString& host, const QString& sha256Fingerprint);
    void hostKeyChanged(const QString& host, const QString& recordedFingerprint,
                        const QString& offeredFingerprint);
    void passphraseNeeded(const QString& host, const QString& identityFile);

private:
    void add(const HostEndpoint& endpoint, const HostTimings& timings);

    std::vector<std::unique_ptr<HostConnection>> connections_;
    QStringList names_;
    QSet<QString> awaitingPassphrase_;
};

} // namespace mailng::gui
