#include "host_status_model.h"

#include <QJsonArray>

#include "model_format.h"

namespace mailng::gui {
namespace {

const QString kQueues = QStringLiteral("queues");
const QString kSessions = QStringLiteral("sessions");
const QString kLoad = QStringLiteral("load");
const QString kUptime = QStringLiteral("uptime_s");

QStringList stoppedServices(const QJsonObject& status) {
    QStringList stopped;
    for (const auto& value : status.value(QStringLiteral("services")).toArray()) {
        QJsonObject service = value.toObject();
        if (service.value(QStringLiteral("state")).toString() == QStringLiteral("stopped"))
            stopped << service.value(QStringLiteral("name")).toString();
    }
    return stopped;
}

QJsonObject varFilesystem(const QJsonObject& status) {
    for (const auto& value : status.value(QStringLiteral("filesystems")).toArray())
        if (value.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("var"))
            return value.toObject();
    return {};
}

/// Count members of a host.status part and how to label them, in display order.
using Labels = QList<std::pair<QString, QString>>;

const Labels& queueLabels() {
    static const Labels labels = {{QStringLiteral("maildrop"), QStringLiteral("maildrop")},
                                  {QStringLiteral("incoming"), QStringLiteral("incoming")},
                                  {QStringLiteral("active"), QStringLiteral("active")},
                                  {QStringLiteral("deferred"), QStringLiteral("deferred")},
                                  {QStringLiteral("hold"), QStringLiteral("hold")},
                                  {QStringLiteral("corrupt"), QStringLiteral("corrupt")}};
    return labels;
}

/// "proxied" is not among them: it counts a part of the IMAP and POP3 sessions again.
const Labels& sessionLabels() {
    static const Labels labels = {{QStringLiteral("imap"), QStringLiteral("IMAP")},
                                  {QStringLiteral("pop3"), QStringLiteral("POP3")}};
    return labels;
}

qint64 sumOf(const QJsonObject& counts, const Labels& labels) {
    qint64 sum = 0;
    for (const auto& [key, label] : labels)
        sum += counts.value(key).toInteger();
    return sum;
}

/// "16 (active 1, deferred 12, hold 3)": the sum, then the non-zero counts.
QString countsText(const QJsonObject& counts, const Labels& labels) {
    QStringList parts;
    for (const auto& [key, label] : labels)
        if (qint64 n = counts.value(key).toInteger(); n > 0)
            parts << QStringLiteral("%1 %2").arg(label, format::count(n));
    QString sum = format::count(sumOf(counts, labels));
    return parts.isEmpty() ? sum
                           : QStringLiteral("%1 (%2)").arg(sum, parts.join(QStringLiteral(", ")));
}

/// The sum of a part's counts, or null when the agent could not read the part.
QVariant partSum(const QJsonObject& status, const QString& part, const Labels& labels) {
    QJsonValue counts = status.value(part);
    return counts.isObject() ? QVariant(sumOf(counts.toObject(), labels)) : QVariant();
}

QString loadText(const QJsonObject& status) {
    QStringList parts;
    for (const auto& value : status.value(kLoad).toArray())
        parts << format::decimal(value.toDouble(), 2);
    return parts.join(QLatin1Char(' '));
}

/// The first service that reports policy counters ("stats", or "stats_error" when
/// its stats file could not be read), or an empty object.
QJsonObject policyService(const QJsonObject& status) {
    for (const auto& value : status.value(QStringLiteral("services")).toArray()) {
        QJsonObject service = value.toObject();
        if (service.contains(QStringLiteral("stats")) ||
            service.contains(QStringLiteral("stats_error")))
            return service;
    }
    return {};
}

QJsonObject policyStats(const QJsonObject& status) {
    return policyService(status).value(QStringLiteral("stats")).toObject();
}

qint64 policyRejects(const QJsonObject& stats) {
    QJsonObject answers = stats.value(QStringLiteral("answers")).toObject();
    return answers.value(QStringLiteral("reject_unknown")).toInteger() +
           answers.value(QStringLiteral("reject_disabled")).toInteger() +
           answers.value(QStringLiteral("reject_over_quota")).toInteger();
}

/// The agent's reason for a part it could not read, or empty.
QString unavailable(const QJsonObject& status, const QString& part) {
    return status.value(QStringLiteral("unavailable")).toObject().value(part).toString();
}

} // namespace

HostStatusModel::HostStatusModel(AgentCaller* caller, QObject* parent)
    : AgentTableModel(caller, parent) {}

int HostStatusModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int HostStatusModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString HostStatusModel::columnTitle(int column) const {
    switch (column) {
    case HostColumn:
        return tr("Host");
    case StateColumn:
        return tr("State");
    case RoleColumn:
        return tr("Role");
    case ServicesColumn:
        return tr("Services");
    case LoadColumn:
        return tr("Load");
    case VarColumn:
        return tr("/var");
    case QueuesColumn:
        return tr("Queues");
    case SessionsColumn:
        return tr("Sessions");
    case PolicyColumn:
        return tr("Policy");
    case UptimeColumn:
        return tr("Uptime");
    default:
        return {};
    }
}

QVariant HostStatusModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
    case SortRole:
        return sortValue(row, index.column());
    case HostRole:
        return row.host;
    case StateRole:
        return static_cast<int>(row.state);
    case ReasonRole:
        return row.reason;
    case StatusRole:
        return row.status;
    case StoppedServicesRole:
        return stoppedServices(row.status);
    default:
        return {};
    }
}

QString HostStatusModel::stateText(const Row& row) const {
    switch (row.state) {
    case HostState::Waiting:
        return tr("waiting");
    case HostState::Up:
        return tr("up");
    case HostState::Down:
        return tr("down: %1").arg(row.reason);
    }
    return {};
}

QVariant HostStatusModel::display(const Row& row, int column) const {
    const QJsonObject& status = row.status;
    if (column == HostColumn)
        return row.host;
    if (column == StateColumn)
        return stateText(row);
    if (row.state != HostState::Up)
        return QString();
    switch (column) {
    case RoleColumn:
        return status.value(QStringLiteral("role")).toString();
    case ServicesColumn: {
        qsizetype watched = status.value(QStringLiteral("services")).toArray().size();
        QStringList stopped = stoppedServices(status);
        if (stopped.isEmpty())
            return watched == 0 ? QString() : tr("all %1 running").arg(watched);
        return tr("%1 of %2 stopped: %3")
            .arg(stopped.size())
            .arg(watched)
            .arg(stopped.join(QStringLiteral(", ")));
    }
    case LoadColumn:
        return loadText(status);
    case VarColumn: {
        QJsonObject var = varFilesystem(status);
        if (var.contains(QStringLiteral("error")))
            return tr("unreadable");
        return var.isEmpty()
                   ? QString()
                   : format::percent(var.value(QStringLiteral("used_percent")).toDouble());
    }
    case QueuesColumn:
        return status.value(kQueues).isObject()
                   ? countsText(status.value(kQueues).toObject(), queueLabels())
                   : QString();
    case SessionsColumn:
        return sessionsText(status);
    case PolicyColumn:
        return policyText(status);
    case UptimeColumn:
        return status.value(kUptime).isDouble()
                   ? format::duration(status.value(kUptime).toInteger())
                   : QString();
    default:
        return {};
    }
}

/// "5 (IMAP 4, POP3 1), 3 proxied": the host's sessions, and how many of them its
/// login processes proxy to a back-end (a director relay's users).
QString HostStatusModel::sessionsText(const QJsonObject& status) const {
    if (!status.value(kSessions).isObject())
        return {};
    QJsonObject sessions = status.value(kSessions).toObject();
    QString text = countsText(sessions, sessionLabels());
    qint64 proxied = sessions.value(QStringLiteral("proxied")).toInteger();
    return proxied > 0 ? tr("%1, %2 proxied").arg(text, format::count(proxied)) : text;
}

/// "1,204 checked, 37 rejected" since the policy daemon started.
QString HostStatusModel::policyText(const QJsonObject& status) const {
    QJsonObject service = policyService(status);
    if (service.isEmpty())
        return {};
    if (!service.value(QStringLiteral("stats")).isObject())
        return tr("counters unreadable");
    QJsonObject stats = service.value(QStringLiteral("stats")).toObject();
    return tr("%1 checked, %2 rejected")
        .arg(format::count(stats.value(QStringLiteral("requests")).toInteger()),
             format::count(policyRejects(stats)));
}

QString HostStatusModel::policyToolTip(const QJsonObject& status) const {
    QJsonObject service = policyService(status);
    if (service.isEmpty())
        return {};
    QString name = service.value(QStringLiteral("name")).toString();
    if (!service.value(QStringLiteral("stats")).isObject())
        return tr("%1: %2").arg(name, service.value(QStringLiteral("stats_error")).toString());
    QJsonObject stats = service.value(QStringLiteral("stats")).toObject();
    QJsonObject answers = stats.value(QStringLiteral("answers")).toObject();
    QJsonObject cache = stats.value(QStringLiteral("cache")).toObject();
    auto count = [](const QJsonObject& object, const char* key) {
        return format::count(object.value(QLatin1String(key)).toInteger());
    };
    QStringList lines{
        tr("%1, counters since it started (%2 s old):")
            .arg(name, count(stats, "age_s")),
        tr("rejected: unknown %1, disabled %2, over quota %3")
            .arg(count(answers, "reject_unknown"), count(answers, "reject_disabled"),
                 count(answers, "reject_over_quota")),
        tr("back-ends unanswered: %1 (failure action), %2 answered from stale cache")
            .arg(count(answers, "failure_action"), count(answers, "stale")),
        tr("cache: %1 hits, %2 misses, %3 entries")
            .arg(count(cache, "hits"), count(cache, "misses"), count(cache, "entries"))};
    for (const auto& value : stats.value(QStringLiteral("bridges")).toArray()) {
        QJsonObject bridge = value.toObject();
        lines << tr("bridge %1: %2 answers, %3 failures%4")
                     .arg(bridge.value(QStringLiteral("bridge")).toString(),
                          count(bridge, "answers"), count(bridge, "failures"),
                          bridge.value(QStringLiteral("open")).toBool() ? tr(", skipped now")
                                                                         : QString());
    }
    return lines.join(QLatin1Char('\n'));
}

QVariant HostStatusModel::sortValue(const Row& row, int column) const {
    const QJsonObject& status = row.status;
    switch (column) {
    case StateColumn:
        return static_cast<int>(row.state);
    case ServicesColumn:
        return row.state == HostState::Up ? QVariant(qint64(stoppedServices(status).size()))
                                          : QVariant();
    case LoadColumn:
        return status.value(kLoad).isArray()
                   ? QVariant(status.value(kLoad).toArray().at(0).toDouble())
                   : QVariant();
    case VarColumn: {
        QJsonValue percent = varFilesystem(status).value(QStringLiteral("used_percent"));
        return percent.isDouble() ? QVariant(percent.toDouble()) : QVariant();
    }
    case QueuesColumn:
        return partSum(status, kQueues, queueLabels());
    case SessionsColumn:
        return partSum(status, kSessions, sessionLabels());
    case PolicyColumn: {
        QJsonObject stats = policyStats(status);
        return stats.isEmpty() ? QVariant()
                               : QVariant(stats.value(QStringLiteral("requests")).toInteger());
    }
    case UptimeColumn:
        return status.value(kUptime).isDouble() ? QVariant(status.value(kUptime).toInteger())
                                                : QVariant();
    default:
        return display(row, column);
    }
}

QVariant HostStatusModel::toolTip(const Row& row, int column) const {
    const QJsonObject& status = row.status;
    switch (column) {
    case StateColumn:
        return row.state == HostState::Down ? QVariant(row.reason) : QVariant();
    case ServicesColumn: {
        QStringList lines;
        for (const auto& value : status.value(QStringLiteral("services")).toArray()) {
            QJsonObject service = value.toObject();
            QString name = service.value(QStringLiteral("name")).toString();
            lines << (service.value(QStringLiteral("state")).toString() == QStringLiteral("running")
                          ? tr("%1: running (pid %2)")
                                .arg(name)
                                .arg(service.value(QStringLiteral("pid")).toInteger())
                          : tr("%1: stopped (%2)")
                                .arg(name, service.value(QStringLiteral("detail")).toString()));
        }
        return lines.join(QLatin1Char('\n'));
    }
    case VarColumn: {
        QJsonObject var = varFilesystem(status);
        if (var.isEmpty())
            return {};
        if (var.contains(QStringLiteral("error")))
            return var.value(QStringLiteral("error")).toString();
        return tr("%1 of %2 used, %3 free (%4)")
            .arg(format::size(var.value(QStringLiteral("used_bytes")).toInteger()),
                 format::size(var.value(QStringLiteral("total_bytes")).toInteger()),
                 format::size(var.value(QStringLiteral("available_bytes")).toInteger()),
                 var.value(QStringLiteral("path")).toString());
    }
    case LoadColumn:
        return unavailable(status, kLoad);
    case QueuesColumn:
        return unavailable(status, kQueues);
    case SessionsColumn: {
        QString why = unavailable(status, kSessions);
        return why.isEmpty() ? unavailable(status, QStringLiteral("sessions_proxied")) : why;
    }
    case PolicyColumn:
        return policyToolTip(status);
    case UptimeColumn:
        return unavailable(status, kUptime);
    default:
        return {};
    }
}

HostStatusModel::HostState HostStatusModel::state(const QString& host) const {
    int row = rowOf(host);
    return row < 0 ? HostState::Waiting : rows_[row].state;
}

QString HostStatusModel::reason(const QString& host) const {
    int row = rowOf(host);
    return row < 0 ? QString() : rows_[row].reason;
}

QJsonObject HostStatusModel::status(const QString& host) const {
    int row = rowOf(host);
    return row < 0 ? QJsonObject() : rows_[row].status;
}

int HostStatusModel::rowOf(const QString& host) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].host == host)
            return i;
    return -1;
}

void HostStatusModel::refresh() {
    const QStringList asked = hosts();
    syncRows(asked);
    for (const auto& host : asked)
        callLatest(host, QStringLiteral("host.status"), {},
                   [this, host](const RpcReply& reply) { replied(host, reply); });
}

/// One row per host of `hosts`, in that order; hosts kept keep what is known of them.
void HostStatusModel::syncRows(const QStringList& hosts) {
    QStringList current;
    for (const auto& row : std::as_const(rows_))
        current << row.host;
    if (current == hosts)
        return;
    beginResetModel();
    QList<Row> rows;
    for (const auto& host : hosts) {
        int old = rowOf(host);
        rows.append(old < 0 ? Row{host, HostState::Waiting, {}, {}} : rows_[old]);
    }
    rows_ = std::move(rows);
    endResetModel();
}

void HostStatusModel::replied(const QString& host, const RpcReply& reply) {
    int index = rowOf(host);
    if (index < 0)
        return; // no longer in the cluster
    Row& row = rows_[index];
    row.state = reply.ok ? HostState::Up : HostState::Down;
    row.reason = reply.ok ? QString() : errorText(reply);
    row.status = reply.ok ? reply.result.toObject() : QJsonObject();
    if (reply.ok)
        clearHostError(host);
    // Signals last, the error last of all: a slot may refresh, and neither `row` nor
    // `index` may be used after that.
    emit dataChanged(this->index(index, 0), this->index(index, ColumnCount - 1));
    emit hostUpdated(host);
    if (!reply.ok)
        setHostError(host, reply);
}

} // namespace mailng::gui
