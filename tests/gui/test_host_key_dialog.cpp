// The SSH prompts: an unknown key asks with host, address and fingerprint; a changed key
// is refused in red with both fingerprints and nothing to accept; prompts come one at a
// time; the passphrase dialog hides what is typed.
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QTest>

#include "cluster_session.h"
#include "connection_prompts.h"
#include "host_key_dialog.h"

using namespace mailng::gui;

namespace {

const QString kOffered = QStringLiteral("SHA256:4c8n3Ck1nQ3aUoW1pfZ4cGbb2p1o5dk7h0F2pWm0Y9E");
const QString kRecorded = QStringLiteral("SHA256:ZZZbadKEYrecordedBEFOREzzzzzzzzzzzzzzzzzzzzz");

HostEndpoint endpoint(const QString& name, const QString& address, int port) {
    HostEndpoint e;
    e.name = name;
    e.address = address;
    e.port = port;
    e.knownHostsFile = QStringLiteral("/home/admin/.ssh/known_hosts");
    return e;
}

} // namespace

class TestHostKeyDialog : public QObject {
    Q_OBJECT
private slots:
    void unknownKeyAsks() {
        QWidget parent;
        auto* dialog = HostKeyDialog::unknownKey(
            QStringLiteral("theano"), QStringLiteral("198.51.100.130"), kOffered, &parent);
        QVERIFY(dialog->canAccept());
        QVERIFY(dialog->text().contains(QStringLiteral("theano")));
        QVERIFY(dialog->text().contains(QStringLiteral("198.51.100.130")));
        QVERIFY(dialog->text().contains(kOffered));
        QCOMPARE(dialog->kind(), HostKeyDialog::Kind::Unknown);
    }

    void changedKeyIsRefusedInRed() {
        QWidget parent;
        auto* dialog = HostKeyDialog::changedKey(QStringLiteral("gorgo"),
                                                 QStringLiteral("192.0.2.113"), kRecorded, kOffered,
                                                 QStringLiteral("/root/.ssh/known_hosts"), &parent);
        QVERIFY(!dialog->canAccept());
        QVERIFY(dialog->text().contains(kRecorded));
        QVERIFY(dialog->text().contains(kOffered));
        QVERIFY(dialog->text().contains(QStringLiteral("/root/.ssh/known_hosts")));
        bool red = false;
        for (QLabel* label : dialog->findChildren<QLabel*>())
            red = red || label->styleSheet().contains(QStringLiteral("#c00000"));
        QVERIFY(red);
    }

    void promptsComeOneAtATime() {
        ClusterSession session(
            {endpoint(QStringLiteral("theano"), QStringLiteral("198.51.100.130"), 22),
             endpoint(QStringLiteral("gorgo"), QStringLiteral("192.0.2.113"), 2222)});
        QWidget window;
        ConnectionPrompts prompts(session, &window);
        emit session.hostKeyUnknown(QStringLiteral("theano"), kOffered);
        emit session.hostKeyChanged(QStringLiteral("gorgo"), kRecorded, kOffered);
        emit session.hostKeyUnknown(QStringLiteral("theano"), kOffered); // asked again: once
        auto* first = qobject_cast<HostKeyDialog*>(prompts.currentDialog());
        QVERIFY(first);
        QCOMPARE(first->host(), QStringLiteral("theano"));
        QCOMPARE(prompts.waiting(), 1);
        first->reject(); // -> rejectHostKey(theano)
        auto* second = qobject_cast<HostKeyDialog*>(prompts.currentDialog());
        QVERIFY(second);
        QCOMPARE(second->kind(), HostKeyDialog::Kind::Changed);
        QVERIFY(second->text().contains(QStringLiteral("192.0.2.113:2222")));
        second->reject();
        QVERIFY(!prompts.currentDialog());
    }

    void passphraseIsTypedHidden() {
        ClusterSession session(
            {endpoint(QStringLiteral("theano"), QStringLiteral("198.51.100.130"), 22),
             endpoint(QStringLiteral("gorgo"), QStringLiteral("192.0.2.113"), 22)});
        QWidget window;
        ConnectionPrompts prompts(session, &window);
        const QString key = QStringLiteral("/home/admin/.ssh/id_ed25519");
        emit session.passphraseNeeded(QStringLiteral("theano"), key);
        emit session.passphraseNeeded(QStringLiteral("gorgo"), key);
        auto* input = qobject_cast<QInputDialog*>(prompts.currentDialog());
        QVERIFY(input);
        QCOMPARE(input->textEchoMode(), QLineEdit::Password);
        QVERIFY(input->labelText().contains(key));
        input->setTextValue(QStringLiteral("secret"));
        input->accept(); // one answer serves every host waiting for the same key
        QVERIFY(!prompts.currentDialog());
        QCOMPARE(prompts.waiting(), 0);
    }

    void disabledPromptsAskNothing() {
        ClusterSession session(
            {endpoint(QStringLiteral("theano"), QStringLiteral("198.51.100.130"), 22)});
        QWidget window;
        ConnectionPrompts prompts(session, &window);
        prompts.setEnabled(false);
        emit session.hostKeyUnknown(QStringLiteral("theano"), kOffered);
        QVERIFY(!prompts.currentDialog());
    }
};

QTEST_MAIN(TestHostKeyDialog)
#include "test_host_key_dialog.moc"
