#include "audit_model.h"

#include <QDateTime>
#include <QJsonArray>

#include <limits>
#include <vector>

#include "model_format.h"

namespace mailng::gui {
namespace {

constexpr int kWaitForHost = -2;

} // namespace

QJsonObject AuditModel::Filter::toParams() const {
    QJsonObject params;
    if (!user.trimmed().isEmpty())
        params.insert(QStringLiteral("user"), user.trimmed());
    if (!method.trimmed().isEmpty())
        params.insert(QStringLiteral("method"), method.trimmed());
    if (since)
        params.insert(QStringLiteral("since"), *since);
    if (until)
        params.insert(QStringLiteral("until"), *until);
    return params;
}

AuditModel::AuditModel(AgentCaller* caller, QObject* parent, int pageSize)
    : AgentTableModel(caller, parent), pager_(pageSize) {}

int AuditModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int AuditModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditModel::columnTitle(int column) const {
    switch (column) {
    case TimeColumn:
        return tr("Time");
    case HostColumn:
        return tr("Host");
    case UserColumn:
        return tr("User");
    case ActionColumn:
        return tr("Action");
    case ParamsColumn:
        return tr("Parameters");
    case OutcomeColumn:
        return tr("Outcome");
    case AffectedColumn:
        return tr("Affected");
    case ErrorColumn:
        return tr("Error");
    default:
        return {};
    }
}

QString AuditModel::outcomeText(const QString& outcome) const {
    if (outcome == QStringLiteral("ok"))
        return tr("done");
    if (outcome == QStringLiteral("error"))
        return tr("failed");
    if (outcome == QStringLiteral("denied"))
        return tr("refused");
    if (outcome == QStringLiteral("started"))
        return tr("started, no outcome recorded");
    return outcome;
}

QVariant AuditModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(entry, index.column());
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return format::age(entry.time, QDateTime::currentSecsSinceEpoch());
        if (index.column() == ParamsColumn)
            return format::compactJson(entry.params, 4000);
        return index.column() == ErrorColumn ? QVariant(entry.error) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == AffectedColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                : QVariant();
    case SortRole:
        return sortValue(entry, index.column());
    case HostRole:
        return hostNames_.value(entry.host);
    case ParamsRole:
        return QVariant::fromValue(entry.params);
    case OutcomeRole:
        return entry.outcome;
    case EntryIdRole:
        return entry.id;
    default:
        return {};
    }
}

QVariant AuditModel::display(const Entry& entry, int column) const {
    switch (column) {
    case TimeColumn:
        return format::localTime(entry.time);
    case HostColumn:
        return hostNames_.value(entry.host);
    case UserColumn:
        return entry.user;
    case ActionColumn:
        return entry.method;
    case ParamsColumn:
        return format::compactJson(entry.params);
    case OutcomeColumn:
        return outcomeText(entry.outcome);
    case AffectedColumn:
        return entry.affected ? format::count(*entry.affected) : QString();
    case ErrorColumn:
        return entry.error;
    default:
        return {};
    }
}

QVariant AuditModel::sortValue(const Entry& entry, int column) const {
    switch (column) {
    case TimeColumn:
        return entry.time;
    case OutcomeColumn:
        return entry.outcome;
    case AffectedColumn:
        return entry.affected ? QVariant(*entry.affected) : QVariant();
    default:
        return display(entry, column);
    }
}

bool AuditModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && pager_.hasMore();
}

void AuditModel::fetchMore(const QModelIndex& parent) {
    if (!parent.isValid())
        requestPages();
}

void AuditModel::setFilter(const Filter& filter) {
    if (filter == filter_)
        return;
    filter_ = filter;
    refresh();
}

qint64 AuditModel::hostTotal(const QString& host) const {
    return pager_.total(host);
}

void AuditModel::refresh() {
    beginResetModel();
    invalidateCalls();
    clearHostErrors();
    hostNames_ = hosts();
    hostNames_.removeDuplicates();
    pager_.reset(hostNames_);
    buffers_ = QList<std::deque<Entry>>(hostNames_.size());
    lowestIds_ = QList<qint64>(hostNames_.size(), std::numeric_limits<qint64>::max());
    rows_.clear();
    endResetModel();
    requestPages();
}

/// Only the hosts the merge waits for: asking the others would fill buffers that
/// cannot be shown yet.
void AuditModel::requestPages() {
    const QJsonObject params = filter_.toParams();
    auto waitedFor = [this](const QString& host) {
        return buffers_[hostNames_.indexOf(host)].empty();
    };
    for (const auto& request : pager_.takeRequests(waitedFor)) {
        QJsonObject page = params;
        page.insert(QStringLiteral("offset"), request.offset);
        page.insert(QStringLiteral("limit"), request.limit);
        callAgent(request.host, QStringLiteral("audit.list"), page,
                  [this, host = request.host](const RpcReply& reply) { pageReplied(host, reply); });
    }
}

void AuditModel::pageReplied(const QString& host, const RpcReply& reply) {
    const int index = static_cast<int>(hostNames_.indexOf(host));
    if (!reply.ok) {
        pager_.pageFailed(host);
    } else {
        const QJsonObject result = reply.result.toObject();
        const QJsonArray items = result.value(QStringLiteral("items")).toArray();
        for (const auto& item : items) {
            Entry entry = entryFromJson(index, item.toObject());
            // Newer entries written while paging push older ones to later offsets: an
            // id not below the lowest one taken was taken already.
            if (entry.id >= lowestIds_[index])
                continue;
            lowestIds_[index] = entry.id;
            buffers_[index].push_back(std::move(entry));
        }
        clearHostError(host);
        pager_.pageArrived(host, result.value(QStringLiteral("total")).toInteger(), items.size());
    }
    if (merge() == 0 && pager_.hasMore())
        requestPages();
    if (!reply.ok)
        setHostError(host, reply);
}

int AuditModel::nextBuffer() const {
    int best = -1;
    for (int i = 0; i < buffers_.size(); ++i) {
        if (buffers_[i].empty()) {
            if (!pager_.isDone(hostNames_[i]))
                return kWaitForHost; // its next entry may be newer than any buffered
            continue;
        }
        if (best < 0 || buffers_[i].front().time > buffers_[best].front().time)
            best = i;
    }
    return best;
}

int AuditModel::merge() {
    std::vector<Entry> merged;
    for (int next = nextBuffer(); next >= 0; next = nextBuffer()) {
        merged.push_back(std::move(buffers_[next].front()));
        buffers_[next].pop_front();
    }
    if (merged.empty())
        return 0;
    int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(merged.size()) - 1);
    rows_.insert(rows_.end(), std::make_move_iterator(merged.begin()),
                 std::make_move_iterator(merged.end()));
    endInsertRows();
    return static_cast<int>(merged.size());
}

AuditModel::Entry AuditModel::entryFromJson(int host, const QJsonObject& item) {
    Entry entry;
    entry.host = host;
    entry.id = item.value(QStringLiteral("id")).toInteger();
    entry.time = item.value(QStringLiteral("time")).toInteger();
    entry.user = item.value(QStringLiteral("user")).toString();
    entry.method = item.value(QStringLiteral("method")).toString();
    entry.params = item.value(QStringLiteral("params"));
    entry.outcome = item.value(QStringLiteral("outcome")).toString();
    QJsonValue affected = item.value(QStringLiteral("affected"));
    if (affected.isDouble())
        entry.affected = affected.toInteger();
    entry.error = item.value(QStringLiteral("error")).toString();
    return entry;
}

} // namespace mailng::gui
