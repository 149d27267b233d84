// Chart series from the agents' metrics history (metrics.history: {"columns": ["time",
// NAME...], "rows": [[TIME, VALUE|null...]...]}). Pure functions.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QPointF>
#include <QStringList>

namespace mailng::gui {

/// One point per row: x the row's time in milliseconds since the epoch, y the sum of
/// the `metrics` columns that have a value. Rows where none has a value are left out;
/// metrics the result lacks count as no value. Oldest first, as the agent sends them.
QList<QPointF> summedSeries(const QJsonObject& history, const QStringList& metrics);

/// The per-minute rate of a counter metric that only grows (policy_requests): one
/// point per row after the first, at the later row's time, y = increase per 60 s
/// since the row before. A decrease means the counting daemon restarted: that
/// interval has no point. Rows without a value are skipped.
QList<QPointF> ratePerMinuteSeries(const QJsonObject& history, const QString& metric);

/// The metrics whose sum is "queued messages": every queue but corrupt.
QStringList queuedMetrics();

} // namespace mailng::gui
