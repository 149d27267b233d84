#include "queue_view_filter.h"

#include <QJsonArray>

namespace mailng::gui {

bool QueueViewFilter::isEmpty() const {
    return toParams().isEmpty();
}

QJsonObject QueueViewFilter::toParams() const {
    QJsonObject params;
    if (queues.size() == 1)
        params.insert(QStringLiteral("queue"), queues.front());
    else if (!queues.isEmpty())
        params.insert(QStringLiteral("queue"), QJsonArray::fromStringList(queues));
    const std::pair<QString, const QString*> texts[] = {
        {QStringLiteral("sender"), &sender},
        {QStringLiteral("sender_domain"), &senderDomain},
        {QStringLiteral("recipient"), &recipient},
        {QStringLiteral("domain"), &domain},
        {QStringLiteral("reason"), &reason}};
    for (const auto& [name, value] : texts)
        if (!value->trimmed().isEmpty())
            params.insert(name, value->trimmed());
    if (minAgeSeconds && *minAgeSeconds > 0)
        params.insert(QStringLiteral("min_age"), *minAgeSeconds);
    return params;
}

} // namespace mailng::gui
