// The back-end maintenance wizard's step machine, driven by a scripted AgentCaller:
// the calls it makes in order, the way back, stop at any step, and failures in plain
// words.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <functional>

#include "agent_caller.h"
#include "pages/backend_drain.h"

using namespace mailng::gui;
using Step = BackendDrain::Step;

namespace {

/// Answers every call from a script, later, from the event loop; records the calls.
class ScriptedCaller : public AgentCaller {
public:
    using Script = std::function<RpcReply(const QString& host, const QString& method,
                                          const QJsonObject& params)>;
    Script script;
    QStringList log;   // "host method {params}"
    bool hold = false; // when set, calls are recorded but never answered

    void call(const QString& host, const QString& method, const QJsonObject& params,
              QObject* context, Done done) override {
        log << host + QLatin1Char(' ') + method + QLatin1Char(' ') +
                   QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact));
        if (hold)
            return;
        RpcReply reply = script(host, method, params);
        QTimer::singleShot(0, context, [done, reply] { done(reply); });
    }
    QStringList hosts() const override {
        return {QStringLiteral("theano"), QStringLiteral("elysso"), QStringLiteral("gorgo")};
    }
};

RpcReply ok(const QJsonObject& result) {
    RpcReply reply;
    reply.ok = true;
    reply.result = result;
    return reply;
}

RpcReply error(const QString& message) {
    RpcReply reply;
    reply.errorCode = -32000;
    reply.errorMessage = message;
    return reply;
}

/// A small cluster: two directors list 192.0.2.113 with weight 100; the back-end
/// "gorgo" has `sessions` sessions, and every kick takes them to `afterKick`.
struct Cluster {
    QMap<QString, int> weights{{QStringLiteral("theano"), 100}, {QStringLiteral("elysso"), 50}};
    int sessions = 3;
    int afterKick = 0;
    QString failMethod; // a method that fails everywhere
    QString failHost;   // ... or only on this host

    RpcReply answer(const QString& host, const QString& method, const QJsonObject& params) {
        if (method == failMethod && (failHost.isEmpty() || failHost == host))
            return error(QStringLiteral("doveadm failed: permission denied"));
        if (method == QLatin1String("director.status")) {
            QJsonObject backend{{QStringLiteral("address"), QStringLiteral("192.0.2.113")},
                                {QStringLiteral("weight"), weights.value(host)},
                                {QStringLiteral("users"), 7}};
            return ok({{QStringLiteral("backends"), QJsonArray{backend}}});
        }
        if (method == QLatin1String("director.set_weight")) {
            int previous = weights.value(host);
            weights[host] = params.value(QStringLiteral("weight")).toInt();
            return ok({{QStringLiteral("affected"), 1},
                       {QStringLiteral("previous_weight"), previous},
                       {QStringLiteral("weight"), weights[host]}});
        }
        if (method == QLatin1String("director.flush"))
            return ok({{QStringLiteral("affected"), 7}});
        if (method == QLatin1String("director.kick")) {
            sessions = afterKick;
            return ok({{QStringLiteral("affected"), 2}});
        }
        if (method == QLatin1String("host.status"))
            return ok({{QStringLiteral("sessions"), QJsonObject{{QStringLiteral("imap"), sessions},
                                                                {QStringLiteral("pop3"), 0}}}});
        return error(QStringLiteral("unknown method"));
    }
};

BackendDrain::Target target() {
    return {QStringLiteral("gorgo"),
            QStringLiteral("192.0.2.113"),
            {QStringLiteral("theano"), QStringLiteral("elysso")}};
}

QStringList methodsOf(const QStringList& log) {
    QStringList methods;
    for (const QString& line : log)
        methods << line.section(QLatin1Char(' '), 0, 1);
    return methods;
}

} // namespace

class TestBackendDrain : public QObject {
    Q_OBJECT

private:
    Cluster cluster;
    ScriptedCaller caller;

    void wire() {
        caller.script = [this](const QString& h, const QString& m, const QJsonObject& p) {
            return cluster.answer(h, m, p);
        };
    }

private slots:
    void init() {
        cluster = Cluster{};
        caller.log.clear();
        caller.hold = false;
        wire();
    }

    void drainsAndBringsBack() {
        BackendDrain drain(caller, target());
        drain.setPollInterval(1);
        QSignalSpy steps(&drain, &BackendDrain::stepChanged);
        drain.start();
        QTRY_COMPARE(drain.step(), Step::Drained);
        QCOMPARE(cluster.weights.value(QStringLiteral("theano")), 0);
        QCOMPARE(cluster.weights.value(QStringLiteral("elysso")), 0);
        QVERIFY(drain.canBringBack());
        QStringList expected = {QStringLiteral("theano director.status"),
                                QStringLiteral("elysso director.status"),
                                QStringLiteral("theano director.set_weight"),
                                QStringLiteral("elysso director.set_weight"),
                                QStringLiteral("theano director.flush"),
                                QStringLiteral("elysso director.flush"),
                                QStringLiteral("gorgo director.kick"),
                                QStringLiteral("gorgo host.status")};
        QCOMPARE(methodsOf(caller.log), expected);
        QVERIFY(caller.log.at(2).contains(QStringLiteral("\"weight\":0")));
        QVERIFY(caller.log.at(6).contains(QStringLiteral("0.0.0.0/0")));

        caller.log.clear();
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Done);
        QCOMPARE(cluster.weights.value(QStringLiteral("theano")), 100);
        QCOMPARE(cluster.weights.value(QStringLiteral("elysso")), 50);
        QVERIFY(!drain.canBringBack());
        QList<Step> seen;
        for (const auto& args : steps)
            seen << args.at(0).value<Step>();
        QCOMPARE(seen, (QList<Step>{Step::ReadWeights, Step::SetWeightZero, Step::Flush, Step::Kick,
                                    Step::WaitSessions, Step::Drained, Step::RestoreWeights,
                                    Step::Verify, Step::Done}));
    }

    void waitsForSessionsAndKicksAgain() {
        cluster.afterKick = 4; // the first kicks leave sessions behind
        BackendDrain drain(caller, target());
        drain.setPollInterval(1);
        drain.setKickEvery(3);
        QSignalSpy sessions(&drain, &BackendDrain::sessionsChanged);
        drain.start();
        QTRY_VERIFY(sessions.count() >= 3);
        QCOMPARE(drain.step(), Step::WaitSessions);
        QCOMPARE(drain.sessions(), 4);
        QTRY_VERIFY(caller.log.filter(QStringLiteral("director.kick")).size() >= 2);
        cluster.afterKick = 0;
        cluster.sessions = 0;
        QTRY_COMPARE(drain.step(), Step::Drained);
        QCOMPARE(drain.sessions(), 0);
    }

    void stopsAtAnyStepAndIgnoresLateReplies() {
        BackendDrain drain(caller, target());
        caller.hold = true; // the first calls stay unanswered
        drain.start();
        QCOMPARE(drain.step(), Step::ReadWeights);
        drain.stop();
        QCOMPARE(drain.step(), Step::Stopped);
        QVERIFY(!drain.canBringBack()); // nothing was changed yet
        drain.bringBack();
        QCOMPARE(drain.step(), Step::Stopped);
    }

    void stopWhileWaitingThenBringBack() {
        cluster.afterKick = 2;
        BackendDrain drain(caller, target());
        drain.setPollInterval(5);
        drain.start();
        QTRY_COMPARE(drain.step(), Step::WaitSessions);
        drain.stop();
        QCOMPARE(drain.step(), Step::Stopped);
        int calls = caller.log.size();
        QTest::qWait(30);
        QCOMPARE(caller.log.size(), calls); // no more polling after stop
        QVERIFY(drain.canBringBack());
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Done);
        QCOMPARE(cluster.weights.value(QStringLiteral("theano")), 100);
    }

    void failureNamesTheHostAndTheAgentsWords() {
        cluster.failMethod = QStringLiteral("director.flush");
        cluster.failHost = QStringLiteral("elysso");
        BackendDrain drain(caller, target());
        QSignalSpy failed(&drain, &BackendDrain::failed);
        drain.start();
        QTRY_COMPARE(drain.step(), Step::Failed);
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).toString(),
                 QStringLiteral("elysso: doveadm failed: permission denied"));
        QVERIFY(drain.canBringBack()); // weights were set to 0 before the flush
        cluster.failMethod.clear();
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Done);
        QCOMPARE(cluster.weights.value(QStringLiteral("elysso")), 50);
    }

    void partialWeightFailureRestoresOnlyWhatChanged() {
        cluster.failMethod = QStringLiteral("director.set_weight");
        cluster.failHost = QStringLiteral("elysso");
        BackendDrain drain(caller, target());
        drain.start();
        QTRY_COMPARE(drain.step(), Step::Failed);
        QCOMPARE(cluster.weights.value(QStringLiteral("theano")), 0);
        caller.log.clear();
        cluster.failMethod.clear();
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Done);
        QCOMPARE(caller.log.filter(QStringLiteral("set_weight")).size(), 1);
        QVERIFY(caller.log.filter(QStringLiteral("set_weight"))
                    .first()
                    .startsWith(QStringLiteral("theano")));
    }

    void backendMissingFromADirectorFails() {
        BackendDrain::Target other = target();
        other.backendAddress = QStringLiteral("192.0.2.114");
        BackendDrain drain(caller, other);
        QSignalSpy failed(&drain, &BackendDrain::failed);
        drain.start();
        QTRY_COMPARE(drain.step(), Step::Failed);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("192.0.2.114")));
        QVERIFY(caller.log.filter(QStringLiteral("set_weight")).isEmpty());
    }

    void noDirectorsFailsAtOnce() {
        BackendDrain drain(caller, {QStringLiteral("gorgo"), QStringLiteral("192.0.2.113"), {}});
        drain.start();
        QCOMPARE(drain.step(), Step::Failed);
        QVERIFY(caller.log.isEmpty());
    }

    void restartAfterStopKeepsTheOriginalWeights() {
        BackendDrain drain(caller, target());
        drain.setPollInterval(1);
        cluster.afterKick = 1;
        drain.start();
        QTRY_COMPARE(drain.step(), Step::WaitSessions);
        drain.stop();
        cluster.afterKick = 0;
        cluster.sessions = 0;
        drain.start(); // the weights read now are 0: the remembered ones must stay
        QTRY_COMPARE(drain.step(), Step::Drained);
        QCOMPARE(drain.rememberedWeights().value(QStringLiteral("theano")), 100);
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Done);
        QCOMPARE(cluster.weights.value(QStringLiteral("elysso")), 50);
    }

    void verifyCatchesAWeightThatDidNotStick() {
        BackendDrain drain(caller, target());
        drain.setPollInterval(1);
        drain.start();
        QTRY_COMPARE(drain.step(), Step::Drained);
        caller.script = [this](const QString& h, const QString& m, const QJsonObject& p) {
            RpcReply reply = cluster.answer(h, m, p);
            if (m == QLatin1String("director.set_weight"))
                cluster.weights[h] = 0; // the director ignored it
            return reply;
        };
        drain.bringBack();
        QTRY_COMPARE(drain.step(), Step::Failed);
    }
};

QTEST_GUILESS_MAIN(TestBackendDrain)
#include "test_backend_drain.moc"
