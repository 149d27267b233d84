// The console's JSON-RPC line framing (host_connection_rpc.h): requests, responses,
// line splitting and the table of pending calls. Pure code, no network.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <vector>

#include "host_connection_rpc.h"

using namespace mailng::gui;
using namespace mailng::gui::rpc;

namespace {

Response parsedOk(const QByteArray& line) {
    auto parsed = parseResponse(line);
    if (const auto* error = std::get_if<QString>(&parsed))
        qFatal("unexpected parse error: %s", qPrintable(*error));
    return std::get<Response>(parsed);
}

QString parsedError(const QByteArray& line) {
    auto parsed = parseResponse(line);
    const auto* error = std::get_if<QString>(&parsed);
    return error ? *error : QString();
}

} // namespace

class HostConnectionRpcTest : public QObject {
    Q_OBJECT
private slots:
    void requestIsOneCompactLine() {
        const QJsonObject params{{QLatin1String("sender"), QLatin1String("a\nb\r\"c\"")}};
        const QByteArray line = encodeRequest(7, QStringLiteral("queue.list"), params);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        QCOMPARE(line.count('\r'), 0);
        const QJsonObject request = QJsonDocument::fromJson(line).object();
        QCOMPARE(request.value(QLatin1String("jsonrpc")).toString(), QStringLiteral("2.0"));
        QCOMPARE(request.value(QLatin1String("id")).toInteger(), 7);
        QCOMPARE(request.value(QLatin1String("method")).toString(), QStringLiteral("queue.list"));
        QCOMPARE(request.value(QLatin1String("params")).toObject(), params);
    }

    void requestWithoutParamsSendsAnEmptyObject() {
        const QJsonObject request =
            QJsonDocument::fromJson(
                encodeRequest(QStringLiteral("hello"), QStringLiteral("agent.hello"), {}))
                .object();
        QVERIFY(request.value(QLatin1String("params")).isObject());
        QCOMPARE(request.value(QLatin1String("id")).toString(), QStringLiteral("hello"));
    }

    void resultResponse() {
        const Response response =
            parsedOk(R"({"jsonrpc":"2.0","id":3,"result":{"total":2,"items":[]}})");
        QCOMPARE(response.id.toInteger(), 3);
        QVERIFY(response.reply.ok);
        QCOMPARE(response.reply.result.toObject().value(QLatin1String("total")).toInt(), 2);
    }

    void nullResultIsStillAResult() {
        const Response response = parsedOk(R"({"jsonrpc":"2.0","id":1,"result":null})");
        QVERIFY(response.reply.ok);
        QVERIFY(response.reply.result.isNull());
    }

    void errorResponseKeepsCodeMessageAndData() {
        const Response response = parsedOk(
            R"({"jsonrpc":"2.0","id":"x","error":{"code":-32001,"message":"queue.delete needs the operator role","data":{"required_role":"operator"}}})");
        QCOMPARE(response.id.toString(), QStringLiteral("x"));
        QVERIFY(!response.reply.ok);
        QCOMPARE(response.reply.errorCode, -32001);
        QCOMPARE(response.reply.errorMessage,
                 QStringLiteral("queue.delete needs the operator role"));
        QCOMPARE(
            response.reply.errorData.toObject().value(QLatin1String("required_role")).toString(),
            QStringLiteral("operator"));
    }

    void errorWithoutDataHasNullData() {
        const Response response =
            parsedOk(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})");
        QVERIFY(response.id.isNull());
        QVERIFY(response.reply.errorData.isNull());
    }

    void trailingCarriageReturnIsTolerated() {
        QVERIFY(parsedOk("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}\r").reply.ok);
    }

    void malformedLinesSayWhy_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("sudo: a password is required")
                                  << QStringLiteral("not JSON");
        QTest::newRow("array") << QByteArray("[1]") << QStringLiteral("not a JSON object");
        QTest::newRow("version") << QByteArray(R"({"jsonrpc":"1.0","id":1,"result":1})")
                                 << QStringLiteral("\"jsonrpc\" is not \"2.0\"");
        QTest::newRow("both") << QByteArray(R"({"jsonrpc":"2.0","id":1,"result":1,"error":{}})")
                              << QStringLiteral("exactly one");
        QTest::newRow("neither") << QByteArray(R"({"jsonrpc":"2.0","id":1})")
                                 << QStringLiteral("exactly one");
        QTest::newRow("id object") << QByteArray(R"({"jsonrpc":"2.0","id":{},"result":1})")
                                   << QStringLiteral("id is an object");
        QTest::newRow("error string") << QByteArray(R"({"jsonrpc":"2.0","id":1,"error":"no"})")
                                      << QStringLiteral("not an object");
        QTest::newRow("fractional code")
            << QByteArray(R"({"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"m"}})")
            << QStringLiteral("not an integer");
        QTest::newRow("no message") << QByteArray(R"({"jsonrpc":"2.0","id":1,"error":{"code":1}})")
                                    << QStringLiteral("error message is missing");
    }

    void malformedLinesSayWhy() {
        QFETCH(QByteArray, line);
        QFETCH(QString, expected);
        const QString error = parsedError(line);
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void linesSplitAcrossPieces() {
        LineReader reader;
        reader.append("{\"a\":");
        QVERIFY(!reader.nextLine());
        reader.append("1}\n{\"b\"");
        QCOMPARE(*reader.nextLine(), QByteArray("{\"a\":1}"));
        QVERIFY(!reader.nextLine());
        reader.append(":2}\n\n{\"c\":3}\n");
        QCOMPARE(*reader.nextLine(), QByteArray("{\"b\":2}"));
        QCOMPARE(*reader.nextLine(), QByteArray());
        QCOMPARE(*reader.nextLine(), QByteArray("{\"c\":3}"));
        QVERIFY(!reader.nextLine());
        QCOMPARE(reader.pending(), 0);
    }

    void lineAtTheLimitPassesOneOverOverflows() {
        LineReader reader(10);
        reader.append("0123456789\n");
        QCOMPARE(*reader.nextLine(), QByteArray("0123456789"));
        reader.append("0123456789");
        QVERIFY(!reader.nextLine());
        QVERIFY(!reader.overflowed());
        reader.append("X");
        QVERIFY(!reader.nextLine());
        QVERIFY(reader.overflowed());
        reader.append("\n{}\n");
        QVERIFY(!reader.nextLine()); // stays broken: the stream is no longer trusted
        reader.clear();
        reader.append("{}\n");
        QCOMPARE(*reader.nextLine(), QByteArray("{}"));
    }

    void overlongCompleteLineOverflows() {
        LineReader reader(4);
        reader.append("12345\n");
        QVERIFY(!reader.nextLine());
        QVERIFY(reader.overflowed());
    }

    void longLineInSmallPiecesIsLinear() {
        // 32 MiB in 4 KiB pieces: searching the whole buffer for LF after every piece
        // would scan ~128 GB; searching only the new bytes scans 32 MiB.
        LineReader reader;
        const QByteArray piece(4096, 'x');
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 8192; ++i) {
            reader.append(piece);
            QVERIFY(!reader.nextLine());
        }
        reader.append("\n");
        const auto line = reader.nextLine();
        QVERIFY(line);
        QCOMPARE(line->size(), qsizetype{8192} * 4096);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    void pendingCallsAnswerOnceByIdAndNeverReuseIds() {
        PendingCalls calls;
        std::vector<RpcReply> answers;
        const auto far = Clock::now() + std::chrono::hours(1);
        const qint64 first = calls.add([&](const RpcReply& r) { answers.push_back(r); }, far);
        const qint64 second = calls.add([&](const RpcReply& r) { answers.push_back(r); }, far);
        QVERIFY(second > first);
        RpcReply ok;
        ok.ok = true;
        QVERIFY(calls.complete(second, ok));
        QVERIFY(!calls.complete(second, ok));
        QVERIFY(!calls.complete(999, ok));
        QCOMPARE(answers.size(), std::size_t{1});
        QCOMPARE(calls.size(), std::size_t{1});
        QVERIFY(calls.add([](const RpcReply&) {}, far) > second);
    }

    void overdueCallsTimeOut() {
        PendingCalls calls;
        std::vector<int> codes;
        const auto now = Clock::now();
        calls.add([&](const RpcReply& r) { codes.push_back(r.errorCode); }, now);
        calls.add([&](const RpcReply& r) { codes.push_back(r.errorCode); },
                  now + std::chrono::seconds(10));
        QCOMPARE(*calls.nextDeadline(), now);
        QCOMPARE(calls.expire(now, QStringLiteral("slow")), 1);
        QCOMPARE(codes, std::vector<int>{RpcReply::kTimedOut});
        QCOMPARE(*calls.nextDeadline(), now + std::chrono::seconds(10));
        QCOMPARE(calls.expire(now + std::chrono::seconds(9), QStringLiteral("slow")), 0);
    }

    void failAllAnswersEveryCallNotConnected() {
        PendingCalls calls;
        std::vector<RpcReply> answers;
        const auto far = Clock::now() + std::chrono::hours(1);
        for (int i = 0; i < 3; ++i)
            calls.add([&](const RpcReply& r) { answers.push_back(r); }, far);
        QCOMPARE(calls.failAll(QStringLiteral("the connection to theano broke")), 3);
        QCOMPARE(answers.size(), std::size_t{3});
        for (const auto& answer : answers) {
            QVERIFY(!answer.ok);
            QCOMPARE(answer.errorCode, RpcReply::kNotConnected);
            QCOMPARE(answer.errorMessage, QStringLiteral("the connection to theano broke"));
        }
        QVERIFY(!calls.nextDeadline());
    }

    void finishMayCallBackIntoTheTable() {
        PendingCalls calls;
        const auto far = Clock::now() + std::chrono::hours(1);
        int retries = 0;
        calls.add(
            [&](const RpcReply&) {
                ++retries;
                calls.add([&](const RpcReply&) { ++retries; }, far);
            },
            far);
        QCOMPARE(calls.failAll(QStringLiteral("gone")), 1);
        QCOMPARE(retries, 1);
        QCOMPARE(calls.size(), std::size_t{1}); // the new call waits for its own answer
    }
};

QTEST_GUILESS_MAIN(HostConnectionRpcTest)
#include "test_host_connection_rpc.moc"
