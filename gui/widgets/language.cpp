#include "language.h"

#include <QLibraryInfo>
#include <QStringList>
#include <QTranslator>

#include <memory>

namespace mailng::gui {
namespace {

const QString kSettingKey = QStringLiteral("language");

/// The translators installed by install(), owned here so that a second call can
/// remove them.
std::unique_ptr<QTranslator>& ownTranslator() {
    static std::unique_ptr<QTranslator> translator;
    return translator;
}

std::unique_ptr<QTranslator>& qtTranslator() {
    static std::unique_ptr<QTranslator> translator;
    return translator;
}

void replaceTranslator(std::unique_ptr<QTranslator>& slot, std::unique_ptr<QTranslator> next) {
    if (slot)
        QCoreApplication::removeTranslator(slot.get());
    slot = std::move(next);
    if (slot)
        QCoreApplication::installTranslator(slot.get());
}

} // namespace

QString Language::settingValue(Choice choice) {
    switch (choice) {
    case Choice::System:
        return QStringLiteral("system");
    case Choice::English:
        return QStringLiteral("en");
    case Choice::Greek:
        return QStringLiteral("el");
    }
    return QStringLiteral("system");
}

Language::Choice Language::fromSettingValue(const QString& value) {
    if (value == QLatin1String("en"))
        return Choice::English;
    if (value == QLatin1String("el"))
        return Choice::Greek;
    return Choice::System;
}

Language::Choice Language::stored(const QSettings& settings) {
    return fromSettingValue(settings.value(kSettingKey).toString());
}

void Language::store(QSettings& settings, Choice choice) {
    settings.setValue(kSettingKey, settingValue(choice));
}

QString Language::effective(Choice choice, const QLocale& system) {
    if (choice == Choice::English)
        return QStringLiteral("en");
    if (choice == Choice::Greek)
        return QStringLiteral("el");
    for (const QString& language : system.uiLanguages()) {
        QString code = language.section(QLatin1Char('-'), 0, 0).toLower();
        if (code == QLatin1String("el") || code == QLatin1String("en"))
            return code;
    }
    return QStringLiteral("en");
}

QString Language::displayName(Choice choice) {
    switch (choice) {
    case Choice::System:
        return tr("System language");
    case Choice::English:
        return QStringLiteral("English");
    case Choice::Greek:
        return QStringLiteral("Ελληνικά");
    }
    return {};
}

bool Language::install(const QString& language) {
    auto own = std::make_unique<QTranslator>();
    bool loaded = own->load(QStringLiteral("mailng_") + language, QStringLiteral(":/i18n"));
    replaceTranslator(ownTranslator(), loaded ? std::move(own) : nullptr);
    auto qt = std::make_unique<QTranslator>();
    bool qtLoaded = qt->load(QStringLiteral("qtbase_") + language,
                             QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    replaceTranslator(qtTranslator(), qtLoaded ? std::move(qt) : nullptr);
    QLocale::Language wanted = language == QLatin1String("el") ? QLocale::Greek : QLocale::English;
    QLocale system = QLocale::system();
    QLocale::setDefault(system.language() == wanted ? system : QLocale(wanted));
    return loaded;
}

} // namespace mailng::gui
