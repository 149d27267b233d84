#include "director_model.h"

#include <QJsonArray>

#include "model_format.h"

namespace mailng::gui {

DirectorModel::DirectorModel(AgentCaller* caller, QObject* parent)
    : AgentTableModel(caller, parent) {}

int DirectorModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DirectorModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString DirectorModel::columnTitle(int column) const {
    switch (column) {
    case DirectorColumn:
        return tr("Director");
    case BackendColumn:
        return tr("Back-end");
    case WeightColumn:
        return tr("Weight");
    case StateColumn:
        return tr("State");
    case UsersColumn:
        return tr("Users");
    case ChangedColumn:
        return tr("State changed");
    case TagColumn:
        return tr("Tag");
    default:
        return {};
    }
}

QVariant DirectorModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = rows_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return display(row, index.column());
    case Qt::ToolTipRole:
        return index.column() == WeightColumn && row.weight == 0
                   ? QVariant(tr("No new users are sent to this back-end."))
                   : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == WeightColumn || index.column() == UsersColumn
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    case SortRole:
        return sortValue(row, index.column());
    case HostRole:
        return row.director;
    case BackendRole:
        return row.address;
    case IsUpRole:
        return row.state == QStringLiteral("up");
    default:
        return {};
    }
}

QVariant DirectorModel::display(const Row& row, int column) const {
    switch (column) {
    case DirectorColumn:
        return row.director;
    case BackendColumn:
        return row.address;
    case WeightColumn:
        return row.weight == 0 ? tr("0 (drained)") : format::count(row.weight);
    case StateColumn:
        return row.state == QStringLiteral("up")     ? tr("up")
               : row.state == QStringLiteral("down") ? tr("down")
                                                     : row.state;
    case UsersColumn:
        return format::count(row.users);
    case ChangedColumn:
        return row.stateChanged == QStringLiteral("-") ? QString() : row.stateChanged;
    case TagColumn:
        return row.tag;
    default:
        return {};
    }
}

QVariant DirectorModel::sortValue(const Row& row, int column) const {
    switch (column) {
    case WeightColumn:
        return row.weight;
    case UsersColumn:
        return row.users;
    case StateColumn:
        return row.state;
    default:
        return display(row, column);
    }
}

QStringList DirectorModel::directors() const {
    QStringList found;
    for (const auto& row : rows_)
        if (!found.contains(row.director))
            found << row.director;
    return found;
}

QStringList DirectorModel::backends() const {
    QStringList found;
    for (const auto& row : rows_)
        if (!found.contains(row.address))
            found << row.address;
    return found;
}

int DirectorModel::rowOf(const QString& director, const QString& backend) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].director == director && rows_[i].address == backend)
            return i;
    return -1;
}

qint64 DirectorModel::weight(const QString& director, const QString& backend) const {
    int row = rowOf(director, backend);
    return row < 0 ? -1 : rows_[row].weight;
}

qint64 DirectorModel::users(const QString& director, const QString& backend) const {
    int row = rowOf(director, backend);
    return row < 0 ? -1 : rows_[row].users;
}

void DirectorModel::refresh() {
    const QStringList asked = hosts();
    if (asked != askedHosts_) { // another cluster: start from nothing
        beginResetModel();
        invalidateCalls();
        clearHostErrors();
        rows_.clear();
        askedHosts_ = asked;
        endResetModel();
    }
    for (const auto& host : asked)
        callLatest(host, QStringLiteral("director.status"), {},
                   [this, host](const RpcReply& reply) { replied(host, reply); });
}

void DirectorModel::replied(const QString& host, const RpcReply& reply) {
    clearHostError(host);
    if (reply.ok)
        replaceRows(host, rowsFromJson(host, reply.result.toObject()));
    else
        replaceRows(host, {});
    if (!reply.ok && !isNotSupported(reply))
        setHostError(host, reply);
    emit directorUpdated(host);
}

QList<DirectorModel::Row> DirectorModel::rowsFromJson(const QString& host,
                                                      const QJsonObject& result) const {
    QList<Row> rows;
    for (const auto& value : result.value(QStringLiteral("backends")).toArray()) {
        QJsonObject backend = value.toObject();
        rows.append({host, backend.value(QStringLiteral("address")).toString(),
                     backend.value(QStringLiteral("tag")).toString(),
                     backend.value(QStringLiteral("weight")).toInteger(),
                     backend.value(QStringLiteral("state")).toString(),
                     backend.value(QStringLiteral("state_changed")).toString(),
                     backend.value(QStringLiteral("users")).toInteger()});
    }
    return rows;
}

std::pair<int, int> DirectorModel::blockOf(const QString& host) const {
    const qsizetype order = askedHosts_.indexOf(host);
    int first = 0;
    while (first < rows_.size() && askedHosts_.indexOf(rows_[first].director) < order)
        ++first;
    int end = first;
    while (end < rows_.size() && rows_[end].director == host)
        ++end;
    return {first, end - first};
}

void DirectorModel::replaceRows(const QString& host, const QList<Row>& fresh) {
    auto [first, count] = blockOf(host);
    bool sameBackends = count == fresh.size();
    for (int i = 0; sameBackends && i < count; ++i)
        sameBackends = rows_[first + i].address == fresh[i].address;
    if (sameBackends) {
        for (int i = 0; i < count; ++i)
            rows_[first + i] = fresh[i];
        if (count > 0)
            emit dataChanged(index(first, 0), index(first + count - 1, ColumnCount - 1));
        return;
    }
    if (count > 0) {
        beginRemoveRows({}, first, first + count - 1);
        rows_.remove(first, count);
        endRemoveRows();
    }
    if (!fresh.isEmpty()) {
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        for (int i = 0; i < fresh.size(); ++i)
            rows_.insert(first + i, fresh[i]);
        endInsertRows();
    }
}

} // namespace mailng::gui
