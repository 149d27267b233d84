#include "history_chart.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace mailng::gui {

HistoryChart::HistoryChart(const QString& title, QWidget* parent)
    : QWidget(parent), chart_(new QChart), view_(new QChartView(chart_, this)),
      note_(new QLabel(this)) {
    chart_->setTitle(title);
    chart_->legend()->setAlignment(Qt::AlignBottom);
    view_->setRenderHint(QPainter::Antialiasing);
    view_->setMinimumHeight(220);
    note_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view_);
    layout->addWidget(note_);
}

void HistoryChart::setSeries(const QMap<QString, QList<QPointF>>& byHost, const QString& note,
                             const QString& details) {
    chart_->removeAllSeries();
    for (QAbstractAxis* axis : chart_->axes())
        chart_->removeAxis(axis);
    auto* time = new QDateTimeAxis;
    time->setFormat(QStringLiteral("HH:mm"));
    auto* count = new QValueAxis;
    count->setLabelFormat(QStringLiteral("%d"));
    chart_->addAxis(time, Qt::AlignBottom);
    chart_->addAxis(count, Qt::AlignLeft);
    double top = 4; // an empty chart still gets a readable axis
    for (auto it = byHost.cbegin(); it != byHost.cend(); ++it) {
        if (it->isEmpty())
            continue;
        auto* series = new QLineSeries;
        series->setName(it.key());
        series->append(*it);
        chart_->addSeries(series);
        series->attachAxis(time);
        series->attachAxis(count);
        for (const QPointF& point : *it)
            top = std::max(top, point.y());
    }
    count->setRange(0, top * 1.1);
    count->applyNiceNumbers();
    QList<QAbstractSeries*> drawn = chart_->series();
    if (!drawn.isEmpty()) {
        qreal first = 0, last = 0;
        bool set = false;
        for (const auto& points : byHost) {
            if (points.isEmpty())
                continue;
            first = set ? std::min(first, points.front().x()) : points.front().x();
            last = set ? std::max(last, points.back().x()) : points.back().x();
            set = true;
        }
        time->setRange(QDateTime::fromMSecsSinceEpoch(qint64(first)),
                       QDateTime::fromMSecsSinceEpoch(qint64(std::max(last, first + 60000))));
    }
    note_->setText(drawn.isEmpty() && note.isEmpty() ? tr("No history yet.") : note);
    note_->setToolTip(details);
}

QString HistoryChart::note() const {
    return note_->text();
}

int HistoryChart::seriesCount() const {
    return static_cast<int>(chart_->series().size());
}

} // namespace mailng::gui
