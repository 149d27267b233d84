#include "queue_model.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>
#include <vector>

#include "model_format.h"
#include "release_in_slices.h"

namespace mailng::gui {
namespace {

constexpr qint64 kMaxReserve = 1 << 20;

/// The distinct non-empty reasons, in recipient order.
QStringList distinctReasons(const QStringList& reasons) {
    QStringList distinct;
    for (const auto& reason : reasons)
        if (!reason.isEmpty() && !distinct.contains(reason))
            distinct << reason;
    return distinct;
}

QString reasonSummary(const QStringList& reasons) {
    QStringList distinct = distinctReasons(reasons);
    if (distinct.isEmpty())
        return {};
    if (distinct.size() == 1)
        return distinct.front();
    return QStringLiteral("%1 +%2").arg(distinct.front()).arg(distinct.size() - 1);
}

QString recipientLines(const QStringList& recipients, const QStringList& reasons) {
    QStringList lines;
    for (qsizetype i = 0; i < recipients.size(); ++i) {
        QString reason = reasons.value(i);
        lines << (reason.isEmpty()
                      ? format::address(recipients[i])
                      : format::address(recipients[i]) + QStringLiteral(": ") + reason);
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

QueueModel::QueueModel(AgentCaller* caller, QObject* parent, int pageSize)
    : PagedListModel(caller, pageSize, parent) {}

int QueueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int QueueModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString QueueModel::columnTitle(int column) const {
    switch (column) {
    case HostColumn:
        return tr("Host");
    case QueueIdColumn:
        return tr("Queue ID");
    case QueueColumn:
        return tr("Queue");
    case ArrivalColumn:
        return tr("Arrival time");
    case SizeColumn:
        return tr("Size");
    case SenderColumn:
        return tr("Sender");
    case RecipientsColumn:
        return tr("Recipients");
    case ReasonColumn:
        return tr("Delay reason");
    default:
        return {};
    }
}

QVariant QueueModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row, index.column());
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                            : QVariant();
    case SortRole:
        return sortValue(row, index.column());
    case HostRole:
        return hostNames().value(row.host);
    case QueueIdRole:
        return row.queueId;
    case QueueNameRole:
        return row.queueName;
    case RecipientsRole:
        return row.recipients;
    case DelayReasonsRole:
        return row.reasons;
    default:
        return {};
    }
}

QVariant QueueModel::display(const Row& row, int column) const {
    switch (column) {
    case HostColumn:
        return hostNames().value(row.host);
    case QueueIdColumn:
        return row.queueId;
    case QueueColumn:
        return row.queueName;
    case ArrivalColumn:
        return format::localTime(row.arrivalTime);
    case SizeColumn:
        return format::size(row.size);
    case SenderColumn:
        return format::address(row.sender);
    case RecipientsColumn:
        return format::addressList(row.recipients);
    case ReasonColumn:
        return reasonSummary(row.reasons);
    default:
        return {};
    }
}

QVariant QueueModel::sortValue(const Row& row, int column) const {
    switch (column) {
    case ArrivalColumn:
        return row.arrivalTime;
    case SizeColumn:
        return row.size;
    case SenderColumn:
        return row.sender;
    case RecipientsColumn:
        return row.recipients.value(0);
    case ReasonColumn:
        return distinctReasons(row.reasons).value(0);
    default:
        return display(row, column);
    }
}

QVariant QueueModel::toolTip(const Row& row, int column) const {
    switch (column) {
    case ArrivalColumn:
        return format::age(row.arrivalTime, QDateTime::currentSecsSinceEpoch());
    case SizeColumn:
        return tr("%1 bytes").arg(format::count(row.size));
    case RecipientsColumn:
    case ReasonColumn:
        return recipientLines(row.recipients, row.reasons);
    default:
        return {};
    }
}

void QueueModel::setFilter(const QueueViewFilter& filter) {
    if (filter == filter_)
        return;
    filter_ = filter;
    refresh();
}

QString QueueModel::hostAt(int row) const {
    return row >= 0 && row < rowCount() ? hostNames().value(rows_[std::size_t(row)].host)
                                        : QString();
}

QString QueueModel::queueIdAt(int row) const {
    return row >= 0 && row < rowCount() ? rows_[std::size_t(row)].queueId : QString();
}

QMap<QString, QStringList> QueueModel::queueIdsByHost(const QList<int>& rows) const {
    return keysByHost(rows);
}

QMap<QString, QStringList> QueueModel::queueIdsByHost(const QModelIndexList& indexes) const {
    return keysByHost(indexes);
}

int QueueModel::rowHost(int row) const {
    return rows_[std::size_t(row)].host;
}

QString QueueModel::rowKey(int row) const {
    return rows_[std::size_t(row)].queueId;
}

QString QueueModel::listMethod() const {
    return QStringLiteral("queue.list");
}

QJsonObject QueueModel::listParams() const {
    return filter_.toParams();
}

void QueueModel::clearRows() {
    releaseInSlices(this, rows_, seen_);
    seen_ = QList<QSet<QString>>(hostNames().size());
}

void QueueModel::permuteRows(const std::vector<int>& order) {
    permute(rows_, order);
}

int QueueModel::appendItems(int host, const QJsonArray& items, qint64 total) {
    if (host < 0)
        return 0;
    // On the first page, size the id set once, so that it never rehashes mid-scroll.
    if (hostTotal(hostNames()[host]) < 0)
        seen_[host].reserve(static_cast<qsizetype>(std::min(total, kMaxReserve)));
    std::vector<Row> fresh;
    fresh.reserve(std::size_t(items.size()));
    for (const auto& item : items) {
        Row row = rowFromJson(host, item.toObject());
        if (row.queueId.isEmpty() || seen_[host].contains(row.queueId))
            continue;
        seen_[host].insert(row.queueId);
        fresh.push_back(std::move(row));
    }
    if (fresh.empty())
        return 0;
    int first = rowCount();
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    rows_.insert(rows_.end(), std::make_move_iterator(fresh.begin()),
                 std::make_move_iterator(fresh.end()));
    endInsertRows();
    return static_cast<int>(fresh.size());
}

QueueModel::Row QueueModel::rowFromJson(int host, const QJsonObject& item) {
    Row row;
    row.host = host;
    row.queueId = item.value(QStringLiteral("queue_id")).toString();
    QString queue = item.value(QStringLiteral("queue_name")).toString();
    row.queueName = *queueNames_.insert(queue); // share one copy among 100,000 rows
    row.arrivalTime = item.value(QStringLiteral("arrival_time")).toInteger();
    row.size = item.value(QStringLiteral("message_size")).toInteger();
    row.sender = item.value(QStringLiteral("sender")).toString();
    for (const auto& recipient : item.value(QStringLiteral("recipients")).toArray()) {
        QJsonObject object = recipient.toObject();
        row.recipients << object.value(QStringLiteral("address")).toString();
        row.reasons << object.value(QStringLiteral("delay_reason")).toString();
    }
    return row;
}

} // namespace mailng::gui
