// How the console's tables write numbers, sizes, times and mail headers for people.
// Pure functions; the locale is QLocale() (the default locale, which the console sets
// from the system or the admin's choice), so tests pin it with QLocale::setDefault.
#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace mailng::gui::format {

/// Bytes with a binary unit as admins read df and mailq: "512 B", "1.5 KB", "12 MB",
/// "3.2 GB" (1 KB = 1024 bytes; one decimal under 10 units, none above). Negative
/// sizes are shown as 0 B.
QString size(qint64 bytes);

/// Seconds since the epoch as local time, "yyyy-MM-dd HH:mm:ss" (sortable, unambiguous
/// in every language); empty for 0 or less (no time known).
QString localTime(qint64 secondsSinceEpoch);

/// A duration the way an admin says it: "45 s", "12 min", "3 h 5 min", "2 d 4 h".
/// Negative durations (a clock ahead of ours) count as 0 s.
QString duration(qint64 seconds);

/// `duration(now - then)` followed by "ago": "3 h 5 min ago".
QString age(qint64 thenSecondsSinceEpoch, qint64 nowSecondsSinceEpoch);

/// A whole number with the locale's digit grouping: "100,000".
QString count(qint64 value);

/// A decimal number with `decimals` places in the locale's notation.
QString decimal(double value, int decimals);

/// "42.0 %".
QString percent(double value);

/// Addresses joined for a cell: the first `shown` of them, then "+N" for the rest:
/// "a@x, b@y, c@z +5". The null address "" is written "<>".
QString addressList(const QStringList& addresses, int shown = 3);

/// An envelope address for a cell: "<>" for the null sender.
QString address(const QString& address);

/// A header value with its RFC 2047 encoded-words ("=?UTF-8?B?...?=", "=?iso-8859-7?Q?...?=")
/// decoded; white space between two adjacent encoded-words is dropped, as the RFC says.
/// A word in a charset Qt does not know, or malformed, is left as it was.
QString decodeMimeWords(const QString& value);

/// A JSON value (an audit entry's params) as one short line for a cell: an object as
/// "name: value; name: value", an array as "a, b, c", a string without quotes, anything
/// nested deeper as compact JSON; cut at `maxLength` characters with "…".
QString compactJson(const QJsonValue& value, int maxLength = 200);

} // namespace mailng::gui::format
