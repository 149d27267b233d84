// mailng, the console (DESIGN.md "Console"):
//   mailng [--cluster FILE]
//   mailng --cluster FILE --screenshot OUT.png [--page NAME]
//   mailng --lab DIR [--screenshot OUT.png [--page NAME]]   (DIR/lab.json of mailng-lab)
// Without --cluster or --lab, the cluster file used last is opened, or on the first run
// a dialog offers to open one, open the example, or describe the hosts.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QSettings>

#include <cstdio>

#include "cluster_session.h"
#include "connection_prompts.h"
#include "console.h"
#include "first_run_dialog.h"
#include "language.h"
#include "main_window.h"
#include "screenshot.h"

using namespace mailng::gui;

namespace {

const QString kClusterFileKey = QStringLiteral("cluster/file");

struct Options {
    QString clusterFile;
    QString labDir;
    QString screenshot;
    QString page;
};

void printError(const QString& text) {
    std::fprintf(stderr, "mailng: %s\n", qPrintable(text));
}

/// The options, or an exit code when they are wrong (the error is printed).
std::optional<Options> parseOptions(const QApplication& app, int& exitCode) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "The mailng console: one window over the mail cluster."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption cluster(QStringLiteral("cluster"),
                               QApplication::translate("main", "The cluster file to open."),
                               QStringLiteral("FILE"));
    QCommandLineOption lab(QStringLiteral("lab"),
                           QApplication::translate("main", "Open the lab in DIR (DIR/lab.json)."),
                           QStringLiteral("DIR"));
    QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QApplication::translate("main", "Save the window after the first refresh and exit."),
        QStringLiteral("OUT.png"));
    QCommandLineOption page(
        QStringLiteral("page"),
        QApplication::translate("main",
                                "The page to show: dashboard, queue, quarantine, director, audit."),
        QStringLiteral("NAME"));
    parser.addOptions({cluster, lab, screenshot, page});
    parser.process(app);
    Options options{parser.value(cluster), parser.value(lab), parser.value(screenshot),
                    parser.value(page)};
    if (!options.clusterFile.isEmpty() && !options.labDir.isEmpty()) {
        printError(QApplication::translate("main", "give --cluster or --lab, not both"));
        exitCode = 2;
        return std::nullopt;
    }
    if (!options.screenshot.isEmpty() && options.clusterFile.isEmpty() &&
        options.labDir.isEmpty()) {
        printError(QApplication::translate("main", "--screenshot needs --cluster or --lab"));
        exitCode = 2;
        return std::nullopt;
    }
    return options;
}

/// Loads the endpoints of --lab or --cluster; the problems are printed.
std::optional<QList<HostEndpoint>> loadEndpoints(const Options& options) {
    if (!options.labDir.isEmpty()) {
        auto endpoints =
            endpointsFromLabJson(QDir(options.labDir).filePath(QStringLiteral("lab.json")));
        if (!endpoints) {
            printError(endpoints.error());
            return std::nullopt;
        }
        return *endpoints;
    }
    auto endpoints = loadClusterEndpoints(options.clusterFile);
    if (!endpoints) {
        for (const QString& problem : endpoints.error())
            printError(problem);
        return std::nullopt;
    }
    return *endpoints;
}

void rememberClusterFile(const QString& path) {
    QSettings().setValue(kClusterFileKey, QFileInfo(path).absoluteFilePath());
}

/// Opens the console over `endpoints` with --page and --screenshot; false (printed)
/// for an unknown page.
bool openConsole(Console& console, const QList<HostEndpoint>& endpoints, const Options& options) {
    console.open(endpoints);
    MainWindow& window = *console.window();
    if (!options.page.isEmpty() && !window.showPage(options.page)) {
        printError(QApplication::translate("main", "no page called %1").arg(options.page));
        return false;
    }
    if (options.screenshot.isEmpty())
        return true;
    window.prompts()->setEnabled(false);
    auto* taker = new ScreenshotTaker(window, *console.session(), options.screenshot, &window);
    QObject::connect(taker, &ScreenshotTaker::finished, qApp,
                     [](bool ok, const QString& message) {
                         std::fprintf(ok ? stdout : stderr, "%s\n", qPrintable(message));
                         QApplication::exit(ok ? 0 : 1);
                     });
    taker->start();
    return true;
}

} // namespace

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("mailng"));
    QApplication::setApplicationName(QStringLiteral("mailng"));
    QApplication::setApplicationVersion(QStringLiteral(MAILNG_VERSION));
    QApplication::setQuitOnLastWindowClosed(true);
    Language::install(Language::effective(Language::stored(QSettings())));

    int exitCode = 0;
    auto options = parseOptions(app, exitCode);
    if (!options)
        return exitCode;
    if (options->clusterFile.isEmpty() && options->labDir.isEmpty()) {
        QString remembered = QSettings().value(kClusterFileKey).toString();
        if (!remembered.isEmpty() && QFileInfo::exists(remembered))
            options->clusterFile = remembered;
    }

    Console console;
    QObject::connect(&console, &Console::clusterFileChosen, qApp, &rememberClusterFile);
    if (!options->clusterFile.isEmpty() || !options->labDir.isEmpty()) {
        auto endpoints = loadEndpoints(*options);
        if (!endpoints)
            return 2;
        if (!options->clusterFile.isEmpty())
            rememberClusterFile(options->clusterFile);
        if (!openConsole(console, *endpoints, *options))
            return 2;
        return QApplication::exec();
    }

    FirstRunDialog firstRun;
    QObject::connect(
        &firstRun, &FirstRunDialog::clusterChosen, &firstRun,
        [&console, &options](const QString& path, const QList<HostEndpoint>& endpoints) {
            rememberClusterFile(path);
            openConsole(console, endpoints, *options);
        });
    firstRun.show();
    return QApplication::exec();
}
