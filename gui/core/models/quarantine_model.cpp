#include "quarantine_model.h"

#include <QDateTime>
#include <QJsonArray>

#include <vector>

#include "model_format.h"
#include "release_in_slices.h"

namespace mailng::gui {

QJsonObject QuarantineModel::Filter::toParams() const {
    QJsonObject params;
    if (!types.isEmpty())
        params.insert(QStringLiteral("type"), QJsonArray::fromStringList(types));
    const std::pair<QString, const QString*> texts[] = {{QStringLiteral("sender"), &sender},
                                                        {QStringLiteral("recipient"), &recipient},
                                                        {QStringLiteral("subject"), &subject}};
    for (const auto& [name, value] : texts)
        if (!value->trimmed().isEmpty())
            params.insert(name, value->trimmed());
    if (minScore)
        params.insert(QStringLiteral("min_score"), *minScore);
    if (since)
        params.insert(QStringLiteral("since"), *since);
    if (until)
        params.insert(QStringLiteral("until"), *until);
    return params;
}

QuarantineModel::QuarantineModel(AgentCaller* caller, QObject* parent, int pageSize)
    : PagedListModel(caller, pageSize, parent) {}

int QuarantineModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int QuarantineModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString QuarantineModel::columnTitle(int column) const {
    switch (column) {
    case HostColumn:
        return tr("Host");
    case TypeColumn:
        return tr("Type");
    case TimeColumn:
        return tr("Time");
    case SenderColumn:
        return tr("Sender");
    case RecipientsColumn:
        return tr("Recipients");
    case SubjectColumn:
        return tr("Subject");
    case ScoreColumn:
        return tr("Score");
    case SizeColumn:
        return tr("Size");
    default:
        return {};
    }
}

QString QuarantineModel::typeName(const QString& type) const {
    if (type == QStringLiteral("spam"))
        return tr("Spam");
    if (type == QStringLiteral("virus"))
        return tr("Virus");
    if (type == QStringLiteral("banned"))
        return tr("Banned");
    if (type == QStringLiteral("bad_header"))
        return tr("Bad header");
    if (type == QStringLiteral("unchecked"))
        return tr("Unchecked");
    if (type == QStringLiteral("clean"))
        return tr("Clean");
    if (type == QStringLiteral("archive"))
        return tr("Archive");
    return type;
}

QVariant QuarantineModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case Qt::ToolTipRole:
        return toolTip(row, column);
    case Qt::TextAlignmentRole:
        return column == ScoreColumn || column == SizeColumn
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    case SortRole:
        return sortValue(row, column);
    case HostRole:
        return hostNames().value(row.host);
    case MailIdRole:
        return row.mailId;
    case FileRole:
        return row.file;
    case TypeRole:
        return row.type;
    case RecipientsRole:
        return row.recipients;
    case FromRole:
        return row.from;
    case AlertRole:
        return row.alert;
    default:
        return {};
    }
}

QVariant QuarantineModel::display(const Row& row, int column) const {
    switch (column) {
    case HostColumn:
        return hostNames().value(row.host);
    case TypeColumn:
        return typeName(row.type);
    case TimeColumn:
        return format::localTime(row.time);
    case SenderColumn:
        return format::address(row.sender);
    case RecipientsColumn:
        return format::addressList(row.recipients);
    case SubjectColumn:
        return row.subject;
    case ScoreColumn:
        return row.score ? format::decimal(*row.score, 1) : QString();
    case SizeColumn:
        return format::size(row.size);
    default:
        return {};
    }
}

QVariant QuarantineModel::sortValue(const Row& row, int column) const {
    switch (column) {
    case TimeColumn:
        return row.time;
    case SenderColumn:
        return row.sender;
    case RecipientsColumn:
        return row.recipients.value(0);
    case ScoreColumn:
        return row.score ? QVariant(*row.score) : QVariant();
    case SizeColumn:
        return row.size;
    case TypeColumn:
        return row.type;
    default:
        return display(row, column);
    }
}

QVariant QuarantineModel::toolTip(const Row& row, int column) const {
    switch (column) {
    case TypeColumn:
        return row.alert.isEmpty() ? QVariant() : QVariant(row.alert);
    case TimeColumn:
        return format::age(row.time, QDateTime::currentSecsSinceEpoch());
    case SenderColumn:
        return row.from.isEmpty() ? QVariant() : QVariant(tr("From: %1").arg(row.from));
    case RecipientsColumn:
        return row.recipients.join(QLatin1Char('\n'));
    case SubjectColumn:
        return row.subject;
    case SizeColumn:
        return tr("%1 bytes").arg(format::count(row.size));
    default:
        return {};
    }
}

void QuarantineModel::setFilter(const Filter& filter) {
    if (filter == filter_)
        return;
    filter_ = filter;
    refresh();
}

QMap<QString, QStringList> QuarantineModel::filesByHost(const QList<int>& rows) const {
    return keysByHost(rows);
}

QMap<QString, QStringList> QuarantineModel::filesByHost(const QModelIndexList& indexes) const {
    return keysByHost(indexes);
}

int QuarantineModel::rowHost(int row) const {
    return rows_[std::size_t(row)].host;
}

QString QuarantineModel::rowKey(int row) const {
    return rows_[std::size_t(row)].file;
}

QString QuarantineModel::listMethod() const {
    return QStringLiteral("quarantine.list");
}

QJsonObject QuarantineModel::listParams() const {
    return filter_.toParams();
}

void QuarantineModel::clearRows() {
    releaseInSlices(this, rows_, seen_);
    seen_ = QList<QSet<QString>>(hostNames().size());
}

void QuarantineModel::permuteRows(const std::vector<int>& order) {
    permute(rows_, order);
}

int QuarantineModel::appendItems(int host, const QJsonArray& items, qint64) {
    if (host < 0)
        return 0;
    std::vector<Row> fresh;
    for (const auto& item : items) {
        Row row = rowFromJson(host, item.toObject());
        if (row.file.isEmpty() || seen_[host].contains(row.file))
            continue;
        seen_[host].insert(row.file);
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

QuarantineModel::Row QuarantineModel::rowFromJson(int host, const QJsonObject& item) {
    Row row;
    row.host = host;
    row.mailId = item.value(QStringLiteral("mail_id")).toString();
    row.file = item.value(QStringLiteral("file")).toString();
    row.type = item.value(QStringLiteral("type")).toString();
    row.time = item.value(QStringLiteral("time")).toInteger();
    row.sender = item.value(QStringLiteral("sender")).toString();
    for (const auto& recipient : item.value(QStringLiteral("recipients")).toArray())
        row.recipients << recipient.toString();
    row.subject = format::decodeMimeWords(item.value(QStringLiteral("subject")).toString());
    row.from = format::decodeMimeWords(item.value(QStringLiteral("from")).toString());
    QJsonValue score = item.value(QStringLiteral("score"));
    if (score.isDouble())
        row.score = score.toDouble();
    row.size = item.value(QStringLiteral("size")).toInteger();
    row.alert = item.value(QStringLiteral("alert")).toString();
    return row;
}

} // namespace mailng::gui
