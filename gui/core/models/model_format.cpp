#include "model_format.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QStringDecoder>

#include <algorithm>
#include <array>

namespace mailng::gui::format {
namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QString translate(const char* text) {
    return QCoreApplication::translate("mailng::gui::format", text);
}

/// The bytes of a "Q"-encoded word: '_' is a space, "=XX" a byte in hex.
QByteArray decodeQ(const QByteArray& text) {
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '_') {
            bytes += ' ';
        } else if (c == '=') {
            bool ok = false;
            int byte = i + 2 < text.size() ? text.mid(i + 1, 2).toInt(&ok, 16) : 0;
            if (!ok)
                return {}; // a truncated or bad escape: malformed
            bytes += static_cast<char>(byte);
            i += 2;
        } else {
            bytes += c;
        }
    }
    return bytes;
}

/// One encoded-word's text, or a null string when it cannot be decoded.
QString decodeWord(const QString& charset, QChar encoding, const QString& text) {
    // RFC 2231 allows "charset*language"; the language does not matter here.
    QByteArray name = charset.section(QLatin1Char('*'), 0, 0).toLatin1();
    QStringDecoder decoder(name.constData());
    if (!decoder.isValid())
        return {};
    QByteArray raw = text.toLatin1();
    QByteArray bytes;
    if (encoding.toUpper() == QLatin1Char('B')) {
        auto decoded = QByteArray::fromBase64Encoding(raw, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return {};
        bytes = *decoded;
    } else {
        bytes = decodeQ(raw);
        if (bytes.isNull() && !raw.isEmpty())
            return {};
    }
    QString decoded = decoder.decode(bytes);
    return decoder.hasError() ? QString() : decoded;
}

QString scalarText(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Double: {
        double number = value.toDouble();
        if (number == static_cast<double>(static_cast<qint64>(number)))
            return QString::number(static_cast<qint64>(number));
        return QString::number(number);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QString arrayText(const QJsonArray& array) {
    QStringList parts;
    for (const auto& item : array)
        parts << scalarText(item);
    return parts.join(QStringLiteral(", "));
}

QString memberText(const QJsonValue& value) {
    return value.isArray() ? arrayText(value.toArray()) : scalarText(value);
}

} // namespace

QString size(qint64 bytes) {
    static constexpr std::array kUnits = {QT_TRANSLATE_NOOP("mailng::gui::format", "%1 KB"),
                                          QT_TRANSLATE_NOOP("mailng::gui::format", "%1 MB"),
                                          QT_TRANSLATE_NOOP("mailng::gui::format", "%1 GB"),
                                          QT_TRANSLATE_NOOP("mailng::gui::format", "%1 TB")};
    if (bytes < 1024)
        return QCoreApplication::translate("mailng::gui::format", "%1 B")
            .arg(std::max<qint64>(bytes, 0));
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < kUnits.size()) {
        value /= 1024;
        ++unit;
    }
    // One decimal only where it says something: 1.5 KB, but 512 KB.
    int decimals = value < 10 ? 1 : 0;
    return translate(kUnits[unit]).arg(QLocale().toString(value, 'f', decimals));
}

QString localTime(qint64 secondsSinceEpoch) {
    if (secondsSinceEpoch <= 0)
        return {};
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString duration(qint64 seconds) {
    seconds = std::max<qint64>(seconds, 0);
    if (seconds < kMinute)
        return QCoreApplication::translate("mailng::gui::format", "%1 s").arg(seconds);
    if (seconds < kHour)
        return QCoreApplication::translate("mailng::gui::format", "%1 min").arg(seconds / kMinute);
    if (seconds < kDay)
        return QCoreApplication::translate("mailng::gui::format", "%1 h %2 min")
            .arg(seconds / kHour)
            .arg(seconds % kHour / kMinute);
    return QCoreApplication::translate("mailng::gui::format", "%1 d %2 h")
        .arg(seconds / kDay)
        .arg(seconds % kDay / kHour);
}

QString age(qint64 thenSecondsSinceEpoch, qint64 nowSecondsSinceEpoch) {
    return QCoreApplication::translate("mailng::gui::format", "%1 ago")
        .arg(duration(nowSecondsSinceEpoch - thenSecondsSinceEpoch));
}

QString count(qint64 value) {
    return QLocale().toString(value);
}

QString decimal(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString percent(double value) {
    return QCoreApplication::translate("mailng::gui::format", "%1 %").arg(decimal(value, 1));
}

QString address(const QString& address) {
    return address.isEmpty() ? QStringLiteral("<>") : address;
}

QString addressList(const QStringList& addresses, int shown) {
    QStringList parts;
    for (qsizetype i = 0; i < addresses.size() && i < shown; ++i)
        parts << address(addresses[i]);
    QString text = parts.join(QStringLiteral(", "));
    if (addresses.size() > shown)
        text += QStringLiteral(" +%1").arg(addresses.size() - shown);
    return text;
}

QString decodeMimeWords(const QString& value) {
    static const QRegularExpression kWord(
        QStringLiteral(R"(=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=)"));
    if (!value.contains(QStringLiteral("=?")))
        return value;
    QString result;
    qsizetype last = 0;
    bool previousWasEncoded = false;
    for (auto it = kWord.globalMatch(value); it.hasNext();) {
        auto match = it.next();
        QString gap = value.mid(last, match.capturedStart() - last);
        QString decoded = decodeWord(match.captured(1), match.captured(2).at(0), match.captured(3));
        bool encoded = !decoded.isNull();
        // Only the white space between two decoded words goes (RFC 2047, 6.2).
        if (!(encoded && previousWasEncoded && gap.trimmed().isEmpty()))
            result += gap;
        result += encoded ? decoded : match.captured(0);
        previousWasEncoded = encoded;
        last = match.capturedEnd();
    }
    result += value.mid(last);
    return result;
}

QString compactJson(const QJsonValue& value, int maxLength) {
    QString text;
    if (value.isObject()) {
        QStringList members;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            members << it.key() + QStringLiteral(": ") + memberText(it.value());
        text = members.join(QStringLiteral("; "));
    } else {
        text = memberText(value);
    }
    if (text.size() > maxLength)
        text = text.left(std::max(maxLength - 1, 0)) + QChar(0x2026);
    return text;
}

} // namespace mailng::gui::format
