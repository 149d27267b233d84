#include "metrics_series.h"

#include <QJsonArray>

namespace mailng::gui {

QList<QPointF> summedSeries(const QJsonObject& history, const QStringList& metrics) {
    const QJsonArray columns = history.value(QStringLiteral("columns")).toArray();
    QList<int> wanted;
    for (int i = 1; i < columns.size(); ++i)
        if (metrics.contains(columns.at(i).toString()))
            wanted << i;
    QList<QPointF> points;
    for (const QJsonValue& value : history.value(QStringLiteral("rows")).toArray()) {
        const QJsonArray row = value.toArray();
        double sum = 0;
        bool any = false;
        for (int column : wanted) {
            if (column < row.size() && row.at(column).isDouble()) {
                sum += row.at(column).toDouble();
                any = true;
            }
        }
        if (any)
            points << QPointF(row.at(0).toDouble() * 1000.0, sum);
    }
    return points;
}

QList<QPointF> ratePerMinuteSeries(const QJsonObject& history, const QString& metric) {
    QList<QPointF> rates;
    const QList<QPointF> counter = summedSeries(history, {metric});
    for (qsizetype i = 1; i < counter.size(); ++i) {
        const double minutes = (counter[i].x() - counter[i - 1].x()) / 60000.0;
        const double increase = counter[i].y() - counter[i - 1].y();
        if (minutes > 0 && increase >= 0)
            rates << QPointF(counter[i].x(), increase / minutes);
    }
    return rates;
}

QStringList queuedMetrics() {
    return {QStringLiteral("queue_maildrop"), QStringLiteral("queue_incoming"),
            QStringLiteral("queue_active"), QStringLiteral("queue_deferred"),
            QStringLiteral("queue_hold")};
}

} // namespace mailng::gui
