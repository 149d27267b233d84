#include "queue_shape_model.h"

#include <QJsonArray>
#include <QMap>

#include <algorithm>

#include "model_format.h"

namespace mailng::gui {
namespace {

const QString kTotalDomain = QStringLiteral("TOTAL");

QList<qint64> countsFromJson(const QJsonValue& value) {
    QList<qint64> counts;
    for (const auto& count : value.toArray())
        counts << count.toInteger();
    return counts;
}

void addCounts(QList<qint64>& sum, const QList<qint64>& counts) {
    if (sum.size() < counts.size())
        sum.resize(counts.size(), 0);
    for (qsizetype i = 0; i < counts.size(); ++i)
        sum[i] += counts[i];
}

} // namespace

QJsonObject QueueShapeModel::Options::toParams() const {
    QJsonObject params = filter.toParams();
    params.insert(QStringLiteral("by"),
                  bySender ? QStringLiteral("sender") : QStringLiteral("recipient"));
    params.insert(QStringLiteral("buckets"), buckets);
    params.insert(QStringLiteral("bucket_minutes"), bucketMinutes);
    params.insert(QStringLiteral("linear"), linear);
    return params;
}

QueueShapeModel::QueueShapeModel(AgentCaller* caller, QObject* parent)
    : AgentTableModel(caller, parent) {}

int QueueShapeModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int QueueShapeModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + static_cast<int>(headings_.size());
}

QString QueueShapeModel::columnTitle(int column) const {
    if (column == kDomainColumn)
        return options_.bySender ? tr("Sender domain") : tr("Recipient domain");
    if (column == kTotalColumn)
        return tr("Total");
    return headings_.value(column - 1);
}

QString QueueShapeModel::columnToolTip(int column) const {
    if (column <= kTotalColumn)
        return {};
    QString heading = headings_.value(column - 1);
    QString previous = column - 2 >= 1 ? headings_.value(column - 2) : QStringLiteral("0");
    if (heading.endsWith(QLatin1Char('+')))
        return tr("%1 minutes old or older").arg(heading.chopped(1));
    return tr("from %1 to %2 minutes old").arg(previous, heading);
}

QVariant QueueShapeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[index.row()];
    const int column = index.column();
    const bool isCount = column != kDomainColumn;
    const qint64 count = isCount ? row.counts.value(column - 1) : 0;
    switch (role) {
    case Qt::DisplayRole:
        return isCount ? QVariant(format::count(count)) : QVariant(row.domain);
    case Qt::ToolTipRole:
        return isCount ? QVariant(countToolTip(row, column - 1)) : QVariant();
    case Qt::TextAlignmentRole:
        return isCount ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case SortRole:
        return isCount ? QVariant(count) : QVariant(row.domain);
    case HostRole:
        return host_;
    case IsTotalRole:
        return index.row() == 0;
    case CountsRole:
        return QVariant::fromValue(row.counts);
    default:
        return {};
    }
}

QString QueueShapeModel::countToolTip(const Row& row, int bucket) const {
    QStringList lines;
    for (const auto& host : shownHosts()) {
        if (row.domain == kTotalDomain) {
            lines << tr("%1: %2").arg(host, format::count(table(host).total.counts.value(bucket)));
            continue;
        }
        for (const auto& hostRow : table(host).rows)
            if (hostRow.domain == row.domain && hostRow.counts.value(bucket) > 0)
                lines << tr("%1: %2").arg(host, format::count(hostRow.counts.value(bucket)));
    }
    return lines.join(QLatin1Char('\n'));
}

void QueueShapeModel::setOptions(const Options& options) {
    if (options == options_)
        return;
    beginResetModel();
    options_ = options;
    tables_.clear();
    headings_.clear();
    rows_.clear();
    endResetModel();
    refresh();
}

void QueueShapeModel::setHost(const QString& host) {
    if (host == host_)
        return;
    host_ = host;
    rebuild();
}

qint64 QueueShapeModel::messageCount() const {
    qint64 messages = 0;
    for (const auto& host : shownHosts())
        messages += table(host).messages;
    return messages;
}

void QueueShapeModel::refresh() {
    invalidateCalls();
    const QStringList asked = hosts();
    for (const auto& host : tables_.keys())
        if (!asked.contains(host))
            tables_.remove(host);
    for (const auto& host : asked)
        ask(host);
}

void QueueShapeModel::ask(const QString& host) {
    callAgent(host, QStringLiteral("queue.summary"), options_.toParams(),
              [this, host](const RpcReply& reply) { replied(host, reply); });
}

void QueueShapeModel::replied(const QString& host, const RpcReply& reply) {
    tables_.remove(host);
    clearHostError(host);
    if (reply.ok) {
        HostTable table = tableFromJson(reply.result.toObject());
        if (differsFromOthers(table.headings)) // answered another question: not summed
            setHostError(host, tr("its age buckets differ from the other hosts'"));
        else
            tables_.insert(host, std::move(table));
    } else if (!isNotSupported(reply)) {
        setHostError(host, reply);
    }
    rebuild();
}

bool QueueShapeModel::differsFromOthers(const QStringList& headings) const {
    return std::any_of(tables_.cbegin(), tables_.cend(),
                       [&](const HostTable& table) { return table.headings != headings; });
}

const QueueShapeModel::HostTable& QueueShapeModel::table(const QString& host) const {
    return *tables_.constFind(host);
}

QueueShapeModel::HostTable QueueShapeModel::tableFromJson(const QJsonObject& result) {
    HostTable table;
    for (const auto& heading : result.value(QStringLiteral("headings")).toArray())
        table.headings << heading.toString();
    table.total.domain = kTotalDomain;
    table.total.counts = countsFromJson(
        result.value(QStringLiteral("total")).toObject().value(QStringLiteral("counts")));
    for (const auto& value : result.value(QStringLiteral("rows")).toArray()) {
        QJsonObject row = value.toObject();
        table.rows.append({row.value(QStringLiteral("domain")).toString(),
                           countsFromJson(row.value(QStringLiteral("counts")))});
    }
    table.messages = result.value(QStringLiteral("messages")).toInteger();
    return table;
}

/// The hosts whose tables are shown, in cluster order: one, or all that answered.
QStringList QueueShapeModel::shownHosts() const {
    QStringList shown;
    for (const auto& host : hosts())
        if (tables_.contains(host) && (host_.isEmpty() || host_ == host))
            shown << host;
    return shown;
}

void QueueShapeModel::rebuild() {
    beginResetModel();
    const QStringList shown = shownHosts();
    headings_ = shown.isEmpty() ? QStringList() : table(shown.front()).headings;
    QMap<QString, QList<qint64>> sums;
    Row total{kTotalDomain, {}};
    for (const auto& host : shown) {
        addCounts(total.counts, table(host).total.counts);
        for (const auto& row : table(host).rows)
            addCounts(sums[row.domain], row.counts);
    }
    rows_.clear();
    for (auto it = sums.cbegin(); it != sums.cend(); ++it)
        rows_.append({it.key(), it.value()});
    // qshape's order; the map's alphabetical order breaks the remaining ties.
    std::stable_sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
        if (a.counts.value(0) != b.counts.value(0))
            return a.counts.value(0) > b.counts.value(0);
        return a.domain.size() < b.domain.size();
    });
    if (!headings_.isEmpty())
        rows_.prepend(total);
    endResetModel();
}

} // namespace mailng::gui
