// The words around the queue actions: the confirmation that says how many messages on
// which hosts, which queues an action touches, and the summary of the replies.
#include <QJsonObject>
#include <QTest>

#include "language.h"
#include "pages/queue_action.h"
#include "reply_text.h"

using namespace mailng::gui;

namespace {

RpcReply affected(qint64 n) {
    RpcReply reply;
    reply.ok = true;
    reply.result = QJsonObject{{QStringLiteral("affected"), n}};
    return reply;
}

RpcReply failure(int code, const QString& message) {
    RpcReply reply;
    reply.errorCode = code;
    reply.errorMessage = message;
    return reply;
}

} // namespace

class TestQueueAction : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        // The English catalogue holds the plural forms ("1 message", "2 messages").
        QVERIFY(Language::install(QStringLiteral("en")));
    }

    void questionSaysHowManyOnWhichHosts() {
        HostCounts counts{{QStringLiteral("theano"), 100},
                          {QStringLiteral("elysso"), 20},
                          {QStringLiteral("gorgo"), 0}};
        QCOMPARE(QueueActionText::question(QueueAction::Hold, counts),
                 QStringLiteral("Put 120 messages on hold on 2 hosts (elysso: 20, theano: 100)?"));
        QCOMPARE(QueueActionText::question(QueueAction::Requeue, {{QStringLiteral("gorgo"), 1}}),
                 QStringLiteral("Requeue 1 message on 1 host (gorgo: 1)?"));
    }

    void deleteWarnsThatItIsFinal() {
        QString text =
            QueueActionText::question(QueueAction::Delete, {{QStringLiteral("theano"), 3}});
        QVERIFY(text.startsWith(QStringLiteral("Delete 3 messages on 1 host (theano: 3)?")));
        QVERIFY(text.contains(QStringLiteral("cannot be brought back")));
    }

    void nothingToDo() {
        QCOMPARE(QueueActionText::question(QueueAction::Release, {{QStringLiteral("a"), 0}}),
                 QStringLiteral("No message matches; there is nothing to do."));
        QCOMPARE(QueueActionText::question(QueueAction::Release, {}),
                 QStringLiteral("No message matches; there is nothing to do."));
    }

    void methods() {
        QCOMPARE(QueueActionText::method(QueueAction::Hold), QStringLiteral("queue.hold"));
        QCOMPARE(QueueActionText::method(QueueAction::Release), QStringLiteral("queue.release"));
        QCOMPARE(QueueActionText::method(QueueAction::Requeue), QStringLiteral("queue.requeue"));
        QCOMPARE(QueueActionText::method(QueueAction::Delete), QStringLiteral("queue.delete"));
    }

    void queuesAnActionTouches() {
        QCOMPARE(queueActionQueues(QueueAction::Release, {}), QStringList{QStringLiteral("hold")});
        QCOMPARE(queueActionQueues(QueueAction::Release, {QStringLiteral("deferred")}),
                 QStringList{});
        QVERIFY(!queueActionQueues(QueueAction::Hold, {}).contains(QStringLiteral("hold")));
        QCOMPARE(queueActionQueues(QueueAction::Hold,
                                   {QStringLiteral("deferred"), QStringLiteral("hold")}),
                 QStringList{QStringLiteral("deferred")});
        QCOMPARE(queueActionQueues(QueueAction::Delete, {}).size(), 6);
        QVERIFY(queueActionApplies(QueueAction::Requeue, QStringLiteral("hold")));
        QVERIFY(!queueActionApplies(QueueAction::Hold, QStringLiteral("hold")));
    }

    void summaryOfSeveralHosts() {
        HostReplies replies{{QStringLiteral("theano"), affected(10)},
                            {QStringLiteral("elysso"), affected(2)}};
        auto done = [](qint64 n) { return QueueActionText::done(QueueAction::Hold, n); };
        QCOMPARE(ReplyText::summary(replies, done),
                 QStringLiteral("12 messages put on hold (elysso: 2, theano: 10)."));
        replies.insert(QStringLiteral("mirto"),
                       failure(RpcReply::kNotConnected, QStringLiteral("connection refused")));
        replies.insert(QStringLiteral("gorgo"), failure(RpcReply::kTimedOut, QString()));
        QCOMPARE(ReplyText::summary(replies, done),
                 QStringLiteral("12 messages put on hold (elysso: 2, theano: 10). Failed on "
                                "gorgo: no answer in time; mirto: connection refused."));
    }

    void summaryOfOneHost() {
        auto done = [](qint64 n) { return QueueActionText::done(QueueAction::Delete, n); };
        QCOMPARE(ReplyText::summary({{QStringLiteral("theano"), affected(1)}}, done),
                 QStringLiteral("1 message deleted."));
        QCOMPARE(ReplyText::summary({{QStringLiteral("theano"),
                                      failure(-32001, QStringLiteral("queue id not found: ABC"))}},
                                    done),
                 QStringLiteral("Failed on theano: queue id not found: ABC."));
    }

    void errorWords() {
        QCOMPARE(ReplyText::error(failure(RpcReply::kNotConnected, QString())),
                 QStringLiteral("not connected"));
        QCOMPARE(ReplyText::error(failure(-32603, QString())),
                 QStringLiteral("failed (error -32603)"));
        QCOMPARE(ReplyText::error(affected(1)), QString());
    }
};

QTEST_GUILESS_MAIN(TestQueueAction)
#include "test_queue_action.moc"
