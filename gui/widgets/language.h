// The console's language: English or Greek, following the system locale unless the
// admin chose one (Settings > Language). The choice is kept in QSettings under
// "language" and applies at the next start.
#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>
#include <QString>

namespace mailng::gui {

class Language {
    Q_DECLARE_TR_FUNCTIONS(mailng::gui::Language)
public:
    enum class Choice { System, English, Greek };

    /// The value kept in the settings: "system", "en", "el".
    static QString settingValue(Choice choice);
    /// The choice a settings value names; anything unknown is System.
    static Choice fromSettingValue(const QString& value);

    static Choice stored(const QSettings& settings);
    static void store(QSettings& settings, Choice choice);

    /// The language shown for `choice`: "en" or "el". System takes the first of the
    /// locale's UI languages that the console has, else English.
    static QString effective(Choice choice, const QLocale& system = QLocale::system());

    /// The name in the menu: "System language" (translated), "English", "Ελληνικά".
    static QString displayName(Choice choice);

    /// Installs the console's catalogue for `language` (":/i18n/mailng_LANG.qm") and
    /// Qt's own (qtbase_LANG from Qt's translations folder, when present) into the
    /// application, and makes QLocale's default that language's locale. Replaces what
    /// an earlier call installed. False when the console's catalogue is missing.
    static bool install(const QString& language);
};

} // namespace mailng::gui
