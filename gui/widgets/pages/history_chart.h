// A Qt Charts line chart of one quantity over time, one line per host (the dashboard's
// queue charts). Empty until setSeries(); says so when no host has history.
#pragma once

#include <QList>
#include <QMap>
#include <QPointF>
#include <QString>
#include <QWidget>

class QChart;
class QChartView;
class QLabel;

namespace mailng::gui {

class HistoryChart : public QWidget {
    Q_OBJECT
public:
    HistoryChart(const QString& title, QWidget* parent = nullptr);

    /// Replaces the lines: one per host with at least one point. `note` is shown
    /// under the chart (the hosts without history), `details` in its tooltip (why).
    void setSeries(const QMap<QString, QList<QPointF>>& byHost, const QString& note,
                   const QString& details = {});
    /// The note under the chart.
    QString note() const;
    /// How many lines are drawn.
    int seriesCount() const;

private:
    QChart* chart_;
    QChartView* view_;
    QLabel* note_;
};

} // namespace mailng::gui
