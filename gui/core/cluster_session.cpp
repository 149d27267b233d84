#include "cluster_session.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include "host_connection_rpc.h"

namespace mailng::gui {
namespace {

HostEndpoint endpointOf(const mailng::Host& host, const QString& knownHostsFile,
                        const QString& identityFile) {
    HostEndpoint endpoint;
    endpoint.name = QString::fromStdString(host.name);
    endpoint.address = QString::fromStdString(host.address);
    // load_cluster() has validated the target; the address is the fallback all the same.
    if (const auto target = mailng::parse_ssh_target(host.ssh_target)) {
        endpoint.user = QString::fromStdString(target->user);
        endpoint.address = QString::fromStdString(target->host);
        endpoint.port = target->port;
    }
    endpoint.agentCommand = QString::fromStdString(host.agent_command);
    endpoint.knownHostsFile = knownHostsFile;
    endpoint.identityFile = identityFile;
    return endpoint;
}

mailng::Result<QJsonObject, QString> readJsonObject(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return mailng::unexpected(
            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return mailng::unexpected(
            QStringLiteral("%1 is not a JSON object: %2").arg(path, error.errorString()));
    return document.object();
}

mailng::Result<HostEndpoint, QString> labEndpoint(const QString& name, const QJsonObject& host,
                                                  const QJsonObject& ssh) {
    HostEndpoint endpoint;
    endpoint.name = name;
    endpoint.address = host.value(QLatin1String("address")).toString();
    endpoint.port =
        host.value(QLatin1String("ports")).toObject().value(QLatin1String("ssh")).toInt();
    endpoint.agentCommand = host.value(QLatin1String("agent_command")).toString();
    endpoint.user = ssh.value(QLatin1String("user")).toString();
    endpoint.identityFile = ssh.value(QLatin1String("key")).toString();
    endpoint.knownHostsFile = ssh.value(QLatin1String("known_hosts")).toString();
    if (endpoint.address.isEmpty() || endpoint.port <= 0 || endpoint.agentCommand.isEmpty())
        return mailng::unexpected(
            QStringLiteral("host %1 lacks address, ports.ssh or agent_command").arg(name));
    return endpoint;
}

// The lab's cluster file gives the hosts' order; JSON objects keep none.
QStringList labHostOrder(const QJsonObject& lab, QStringList names) {
    std::sort(names.begin(), names.end());
    const QString clusterFile = lab.value(QLatin1String("cluster_file")).toString();
    if (clusterFile.isEmpty())
        return names;
    const auto cluster = mailng::load_cluster(QFile::encodeName(clusterFile).toStdString());
    if (!cluster)
        return names;
    QStringList ordered;
    for (const auto& host : cluster->hosts)
        if (names.contains(QString::fromStdString(host.name)))
            ordered.append(QString::fromStdString(host.name));
    for (const QString& name : names)
        if (!ordered.contains(name))
            ordered.append(name);
    return ordered;
}

} // namespace

QString defaultKnownHostsFile() {
    return QDir::homePath() + QStringLiteral("/.ssh/known_hosts");
}

QList<HostEndpoint> endpointsFromCluster(const mailng::Cluster& cluster,
                                         const QString& knownHostsFile,
                                         const QString& identityFile) {
    QList<HostEndpoint> endpoints;
    for (const auto& host : cluster.hosts)
        endpoints.append(endpointOf(host, knownHostsFile, identityFile));
    return endpoints;
}

mailng::Result<QList<HostEndpoint>, QStringList> loadClusterEndpoints(const QString& clusterFile,
                                                                      const QString& knownHostsFile,
                                                                      const QString& identityFile) {
    const auto cluster = mailng::load_cluster(QFile::encodeName(clusterFile).toStdString());
    if (!cluster) {
        QStringList problems;
        for (const auto& problem : cluster.error())
            problems.append(QString::fromStdString(problem.to_string()));
        return mailng::unexpected(problems);
    }
    return endpointsFromCluster(*cluster, knownHostsFile, identityFile);
}

mailng::Result<QList<HostEndpoint>, QString> endpointsFromLabJson(const QString& labJsonFile) {
    const auto lab = readJsonObject(labJsonFile);
    if (!lab)
        return mailng::unexpected(lab.error());
    const QJsonObject hosts = lab->value(QLatin1String("hosts")).toObject();
    const QJsonObject ssh = lab->value(QLatin1String("ssh")).toObject();
    if (hosts.isEmpty())
        return mailng::unexpected(QStringLiteral("%1 names no hosts").arg(labJsonFile));
    QList<HostEndpoint> endpoints;
    for (const QString& name : labHostOrder(*lab, hosts.keys())) {
        auto endpoint = labEndpoint(name, hosts.value(name).toObject(), ssh);
        if (!endpoint)
            return mailng::unexpected(QStringLiteral("%1: %2").arg(labJsonFile, endpoint.error()));
        endpoints.append(*endpoint);
    }
    return endpoints;
}

ClusterSession::ClusterSession(const QList<HostEndpoint>& endpoints, QObject* parent)
    : ClusterSession(endpoints, HostTimings{}, parent) {}

ClusterSession::ClusterSession(const QList<HostEndpoint>& endpoints, const HostTimings& timings,
                               QObject* parent)
    : QObject(parent) {
    for (const auto& endpoint : endpoints)
        if (!names_.contains(endpoint.name))
            add(endpoint, timings);
}

ClusterSession::~ClusterSession() = default;

void ClusterSession::add(const HostEndpoint& endpoint, const HostTimings& timings) {
    auto connection = std::make_unique<HostConnection>(endpoint, timings);
    const QString name = endpoint.name;
    HostConnection* raw = connection.get();
    connect(raw, &HostConnection::stateChanged, this,
            [this, name](HostConnection::State state, const QString& reason) {
                emit hostStateChanged(name, state, reason);
            });
    connect(raw, &HostConnection::hostKeyUnknown, this,
            [this, name](const QString& offered) { emit hostKeyUnknown(name, offered); });
    connect(raw, &HostConnection::hostKeyChanged, this,
            [this, name](const QString& recorded, const QString& offered) {
                emit hostKeyChanged(name, recorded, offered);
            });
    connect(raw, &HostConnection::passphraseNeeded, this,
            [this, name](const QString& identityFile) {
                awaitingPassphrase_.insert(name);
                emit passphraseNeeded(name, identityFile);
            });
    connections_.push_back(std::move(connection));
    names_.append(name);
}

void ClusterSession::start() {
    for (const auto& connection : connections_)
        connection->start();
}

void ClusterSession::stop() {
    for (const auto& connection : connections_)
        connection->stop();
}

void ClusterSession::call(const QString& host, const QString& method, const QJsonObject& params,
                          QObject* context, Done done) {
    call(host, method, params, context, std::move(done), 60000);
}

void ClusterSession::call(const QString& host, const QString& method, const QJsonObject& params,
                          QObject* context, Done done, int timeoutMs) {
    if (HostConnection* connection = this->connection(host)) {
        connection->call(method, params, context, std::move(done), timeoutMs);
        return;
    }
    // Same promise as HostConnection::call: on the context's thread, never inside call().
    const RpcReply reply = rpc::transportError(
        RpcReply::kNotConnected, QStringLiteral("%1 is not a host of this cluster").arg(host));
    QObject* target = context ? context : this;
    QMetaObject::invokeMethod(
        target, [done = std::move(done), reply] { done(reply); }, Qt::QueuedConnection);
}

QStringList ClusterSession::hosts() const {
    return names_;
}

HostConnection* ClusterSession::connection(const QString& host) const {
    const qsizetype index = names_.indexOf(host);
    return index < 0 ? nullptr : connections_[static_cast<std::size_t>(index)].get();
}

HostConnection::State ClusterSession::state(const QString& host) const {
    const HostConnection* connection = this->connection(host);
    return connection ? connection->state() : HostConnection::State::Disconnected;
}

QString ClusterSession::reason(const QString& host) const {
    const HostConnection* connection = this->connection(host);
    return connection ? connection->reason()
                      : QStringLiteral("%1 is not a host of this cluster").arg(host);
}

void ClusterSession::acceptHostKey(const QString& host) {
    if (HostConnection* connection = this->connection(host))
        connection->acceptHostKey();
}

void ClusterSession::rejectHostKey(const QString& host) {
    if (HostConnection* connection = this->connection(host))
        connection->rejectHostKey();
}

void ClusterSession::providePassphrase(const QString& host, const QString& passphrase) {
    HostConnection* asking = connection(host);
    if (!asking)
        return;
    const QString identityFile = asking->endpoint().identityFile;
    awaitingPassphrase_.remove(host);
    asking->providePassphrase(passphrase);
    for (const QString& name : QStringList(awaitingPassphrase_.values())) {
        HostConnection* waiting = connection(name);
        if (waiting->endpoint().identityFile == identityFile) {
            awaitingPassphrase_.remove(name);
            waiting->providePassphrase(passphrase);
        }
    }
}

} // namespace mailng::gui
