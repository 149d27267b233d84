// The first-run dialog's cluster file: what it writes is accepted by the real cluster
// loader, strings are escaped, and a bad draft is reported with the loader's words.
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "cluster_draft.h"
#include "cluster_session.h"
#include "first_run_dialog.h"

using namespace mailng::gui;

namespace {

ClusterDraft goodDraft() {
    ClusterDraft draft;
    draft.name = QStringLiteral("lab");
    draft.domain = QStringLiteral("example.edu");
    draft.networks = {QStringLiteral("198.51.100.0/24"), QStringLiteral("!192.0.2.128/28"),
                      QStringLiteral("192.0.2.0/24")};
    draft.ldapUri = QStringLiteral("ldap://192.0.2.10/");
    draft.hosts = {
        {QStringLiteral("theano"), QStringLiteral("relay"), QStringLiteral("198.51.100.130"), {}},
        {QStringLiteral("gorgo"), QStringLiteral("backend"), QStringLiteral("192.0.2.113"),
         QStringLiteral("admin@gorgo.example.edu:2222")}};
    return draft;
}

} // namespace

class TestClusterDraft : public QObject {
    Q_OBJECT
    QTemporaryDir dir;

    QString write(const ClusterDraft& draft) {
        QString path = dir.filePath(QStringLiteral("cluster.toml"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(clusterFileText(draft).toUtf8());
        return path;
    }

private slots:
    void theLoaderAcceptsIt() {
        auto endpoints = loadClusterEndpoints(write(goodDraft()));
        QVERIFY2(endpoints,
                 qPrintable(endpoints ? QString() : endpoints.error().join(QLatin1Char('\n'))));
        QCOMPARE(endpoints->size(), 2);
        QCOMPARE(endpoints->at(0).name, QStringLiteral("theano"));
        QCOMPARE(endpoints->at(0).user, QStringLiteral("root"));
        QCOMPARE(endpoints->at(1).user, QStringLiteral("admin"));
        QCOMPARE(endpoints->at(1).port, 2222);
    }

    void stringsAreEscaped() {
        QCOMPARE(tomlString(QStringLiteral("a\"b\\c\nd")), QStringLiteral("\"a\\\"b\\\\c\\nd\""));
        QCOMPARE(tomlString(QString(QChar(0x01))), QStringLiteral("\"\\u0001\""));
    }

    void noLdapLineWithoutAUri() {
        ClusterDraft draft = goodDraft();
        draft.ldapUri.clear();
        QVERIFY(!clusterFileText(draft).contains(QStringLiteral("[ldap]")));
    }

    void theDialogShowsTheLoadersProblems() {
        ClusterDraft draft = goodDraft();
        draft.hosts.removeLast(); // no back-end
        FirstRunDialog dialog;
        QSignalSpy chosen(&dialog, &FirstRunDialog::clusterChosen);
        QVERIFY(!dialog.tryCluster(write(draft)));
        QVERIFY(dialog.problems().contains(QStringLiteral("backend")));
        QCOMPARE(chosen.count(), 0);
        QVERIFY(dialog.tryCluster(write(goodDraft())));
        QCOMPARE(chosen.count(), 1);
    }

    void theExampleOpens() {
        QStandardPaths::setTestModeEnabled(true);
        FirstRunDialog dialog;
        QSignalSpy chosen(&dialog, &FirstRunDialog::clusterChosen);
        QVERIFY2(dialog.openExample(), qPrintable(dialog.problems()));
        QCOMPARE(chosen.count(), 1);
        auto endpoints = chosen.at(0).at(1).value<QList<HostEndpoint>>();
        QCOMPARE(endpoints.size(), 6);
        QCOMPARE(endpoints.front().name, QStringLiteral("theano"));
    }
};

QTEST_MAIN(TestClusterDraft)
#include "test_cluster_draft.moc"
