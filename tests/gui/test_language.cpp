// The language choice: the setting's values, the system locale followed when asked, and
// the embedded catalogues (Greek strings come out in Greek, English plurals right).
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include "language.h"
#include "pages/queue_action.h"

using namespace mailng::gui;
using Choice = Language::Choice;

class TestLanguage : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

private slots:
    void settingValuesRoundTrip() {
        for (Choice choice : {Choice::System, Choice::English, Choice::Greek})
            QCOMPARE(Language::fromSettingValue(Language::settingValue(choice)), choice);
        QCOMPARE(Language::fromSettingValue(QStringLiteral("fr")), Choice::System);
        QCOMPARE(Language::fromSettingValue(QString()), Choice::System);
    }

    void storedInSettings() {
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        QCOMPARE(Language::stored(settings), Choice::System);
        Language::store(settings, Choice::Greek);
        QCOMPARE(settings.value(QStringLiteral("language")).toString(), QStringLiteral("el"));
        QCOMPARE(Language::stored(settings), Choice::Greek);
    }

    void effectiveLanguage_data() {
        QTest::addColumn<int>("choice");
        QTest::addColumn<QString>("system");
        QTest::addColumn<QString>("expected");
        QTest::newRow("system greek") << int(Choice::System) << "el_GR"
                                      << "el";
        QTest::newRow("system cypriot greek") << int(Choice::System) << "el_CY"
                                              << "el";
        QTest::newRow("system english") << int(Choice::System) << "en_GB"
                                        << "en";
        QTest::newRow("system french falls back") << int(Choice::System) << "fr_FR"
                                                  << "en";
        QTest::newRow("english over greek system") << int(Choice::English) << "el_GR"
                                                   << "en";
        QTest::newRow("greek over english system") << int(Choice::Greek) << "en_US"
                                                   << "el";
    }

    void effectiveLanguage() {
        QFETCH(int, choice);
        QFETCH(QString, system);
        QFETCH(QString, expected);
        QCOMPARE(Language::effective(Choice(choice), QLocale(system)), expected);
    }

    void greekCatalogue() {
        QVERIFY(Language::install(QStringLiteral("el")));
        QCOMPARE(QueueActionText::label(QueueAction::Hold), QStringLiteral("Αναμονή"));
        QCOMPARE(QueueActionText::done(QueueAction::Delete, 1),
                 QStringLiteral("Διαγράφηκε 1 μήνυμα"));
        QCOMPARE(QueueActionText::done(QueueAction::Delete, 5),
                 QStringLiteral("Διαγράφηκαν 5 μηνύματα"));
        QCOMPARE(QueueActionText::question(QueueAction::Requeue, {{QStringLiteral("gorgo"), 3}}),
                 QStringLiteral("Επανένταξη 3 μηνυμάτων στην ουρά σε 1 διακομιστή (gorgo: 3);"));
        QCOMPARE(QLocale().language(), QLocale::Greek);
        QCOMPARE(Language::displayName(Choice::System), QStringLiteral("Γλώσσα συστήματος"));
    }

    void englishCatalogueReplacesGreek() {
        QVERIFY(Language::install(QStringLiteral("en")));
        QCOMPARE(QueueActionText::label(QueueAction::Hold), QStringLiteral("Hold"));
        QCOMPARE(QueueActionText::done(QueueAction::Delete, 1),
                 QStringLiteral("1 message deleted"));
        QCOMPARE(QLocale().language(), QLocale::English);
        QCOMPARE(Language::displayName(Choice::Greek), QStringLiteral("Ελληνικά"));
    }

    void unknownLanguageHasNoCatalogue() {
        QVERIFY(!Language::install(QStringLiteral("xx")));
        QCOMPARE(QueueActionText::label(QueueAction::Hold), QStringLiteral("Hold"));
    }
};

QTEST_GUILESS_MAIN(TestLanguage)
#include "test_language.moc"
