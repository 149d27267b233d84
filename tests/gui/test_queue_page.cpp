// The queue page over a fake agent: an action on the selection asks first with the
// number of messages per host and then sends the ids each host holds; an action on the
// filter counts on every host before asking and sends the filter; errors come back in
// plain words; the message viewer shows queue.show.
#include <QAbstractButton>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

#include "fake_agent_caller.h"
#include "language.h"
#include "models/queue_model.h"
#include "pages/message_viewer_dialog.h"
#include "pages/queue_filter_bar.h"
#include "pages/queue_page.h"

using namespace mailng::gui;
using namespace mailng::gui::test;

namespace {

const QString kTheano = QStringLiteral("theano");
const QString kElysso = QStringLiteral("elysso");

QJsonObject message(const QString& id, const QString& queue) {
    return QJsonObject{
        {QStringLiteral("queue_id"), id},
        {QStringLiteral("queue_name"), queue},
        {QStringLiteral("arrival_time"), 1700000000},
        {QStringLiteral("message_size"), 2048},
        {QStringLiteral("forced_expire"), false},
        {QStringLiteral("sender"), QStringLiteral("alice@example.org")},
        {QStringLiteral("recipients"),
         QJsonArray{QJsonObject{{QStringLiteral("address"), QStringLiteral("bob@example.net")},
                                {QStringLiteral("delay_reason"), QStringLiteral("timed out")}}}}};
}

/// queue.list of a fixed queue; with "limit": 1 (the page's count) only the total.
FakeAgentCaller::Answer queueOf(const QList<QJsonObject>& messages, qint64 filteredTotal = -1) {
    return [=](const QJsonObject& params) {
        bool filtered =
            params.contains(QStringLiteral("sender")) || params.contains(QStringLiteral("queue"));
        qint64 total = filtered && filteredTotal >= 0 ? filteredTotal : messages.size();
        return pagedList(total, [=](qint64 i) { return messages.value(int(i)); })(params);
    };
}

QAbstractButton* yesButton(QMessageBox* box) {
    for (QAbstractButton* button : box->buttons())
        if (box->buttonRole(button) == QMessageBox::AcceptRole)
            return button;
    return nullptr;
}

} // namespace

class TestQueuePage : public QObject {
    Q_OBJECT

    std::unique_ptr<FakeAgentCaller> agent;
    std::unique_ptr<QueuePage> page;

    void loadPage() {
        page = std::make_unique<QueuePage>(*agent);
        page->refresh();
        QVERIFY(agent->settle());
        QCOMPARE(page->model()->rowCount(), 3);
    }

private slots:
    void initTestCase() { QVERIFY(Language::install(QStringLiteral("en"))); }

    void init() {
        agent = std::make_unique<FakeAgentCaller>(QStringList{kTheano, kElysso});
        agent->answer(kTheano, QStringLiteral("queue.list"),
                      queueOf({message(QStringLiteral("AAA111"), QStringLiteral("deferred")),
                               message(QStringLiteral("BBB222"), QStringLiteral("hold"))},
                              40));
        agent->answer(kElysso, QStringLiteral("queue.list"),
                      queueOf({message(QStringLiteral("CCC333"), QStringLiteral("deferred"))}, 2));
        agent->fail(kTheano, QStringLiteral("queue.summary"), -32601, QStringLiteral("n/a"));
        agent->fail(kElysso, QStringLiteral("queue.summary"), -32601, QStringLiteral("n/a"));
    }

    void cleanup() { page.reset(); }

    void holdOnSelectionAsksThenSendsIdsPerHost() {
        loadPage();
        page->table()->selectAll();
        page->actOnSelection(QueueAction::Hold);
        QMessageBox* box = page->pendingConfirmation();
        QVERIFY(box);
        QCOMPARE(box->text(),
                 QStringLiteral("Put 2 messages on hold on 2 hosts (elysso: 1, theano: 1)?\n\n"
                                "1 selected message left out: not in a queue that this action "
                                "applies to."));
        agent->answer(kTheano, QStringLiteral("queue.hold"), json(R"({"affected": 1})"));
        agent->answer(kElysso, QStringLiteral("queue.hold"), json(R"({"affected": 1})"));
        yesButton(box)->click();
        QVERIFY(agent->settle());
        auto held = agent->callsOf(QStringLiteral("queue.hold"), kTheano);
        QCOMPARE(held.size(), 1);
        QCOMPARE(held[0].params.value(QStringLiteral("queue_ids")).toArray(),
                 QJsonArray{QStringLiteral("AAA111")});
        QVERIFY(held[0].params.value(QStringLiteral("skip_missing")).toBool());
        QCOMPARE(page->lastResult(),
                 QStringLiteral("2 messages put on hold (elysso: 1, theano: 1)."));
        QTRY_COMPARE(agent->countOf(QStringLiteral("queue.list"), kTheano), 2); // reloaded
    }

    void cancelSendsNothing() {
        loadPage();
        page->table()->selectAll();
        page->actOnSelection(QueueAction::Delete);
        QVERIFY(page->pendingConfirmation());
        QVERIFY(
            page->pendingConfirmation()->text().contains(QStringLiteral("cannot be brought back")));
        page->pendingConfirmation()->reject();
        QVERIFY(agent->settle());
        QCOMPARE(agent->countOf(QStringLiteral("queue.delete")), 0);
    }

    void releaseNeedsMessagesInHold() {
        loadPage();
        auto* proxy = page->table()->model();
        for (int row = 0; row < proxy->rowCount(); ++row)
            if (proxy->index(row, QueueModel::QueueColumn).data().toString() !=
                QLatin1String("hold"))
                page->table()->selectionModel()->select(
                    proxy->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        page->actOnSelection(QueueAction::Release);
        QVERIFY(!page->pendingConfirmation());
        QVERIFY(page->lastResult().startsWith(QStringLiteral("None of the selected messages")));
    }

    void deleteOnFilterCountsEveryHostFirst() {
        loadPage();
        page->filterBar()
            ->findChild<QLineEdit*>(QStringLiteral("senderFilter"))
            ->setText(QStringLiteral("alice"));
        emit page->filterBar()->applied(page->filterBar()->filter());
        QVERIFY(agent->settle());
        page->actOnFilter(QueueAction::Delete);
        QVERIFY(agent->settle());
        auto counts = agent->callsOf(QStringLiteral("queue.list"), kElysso);
        QCOMPARE(counts.last().params.value(QStringLiteral("limit")).toInt(), 1);
        QCOMPARE(counts.last().params.value(QStringLiteral("sender")).toString(),
                 QStringLiteral("alice"));
        QMessageBox* box = page->pendingConfirmation();
        QVERIFY(box);
        QVERIFY(box->text().startsWith(
            QStringLiteral("Delete 42 messages on 2 hosts (elysso: 2, theano: 40)?")));
        agent->answer(kTheano, QStringLiteral("queue.delete"), json(R"({"affected": 40})"));
        agent->fail(kElysso, QStringLiteral("queue.delete"), -32000,
                    QStringLiteral("postsuper failed: permission denied"));
        yesButton(box)->click();
        QVERIFY(agent->settle());
        auto deleted = agent->callsOf(QStringLiteral("queue.delete"), kTheano);
        QCOMPARE(deleted.size(), 1);
        QCOMPARE(deleted[0].params.value(QStringLiteral("sender")).toString(),
                 QStringLiteral("alice"));
        QVERIFY(!deleted[0].params.contains(QStringLiteral("queue_ids")));
        QCOMPARE(page->lastResult(),
                 QStringLiteral("40 messages deleted. Failed on elysso: postsuper failed: "
                                "permission denied."));
    }

    void aHostThatCannotCountIsNamedAndLeftAlone() {
        loadPage();
        agent->fail(kElysso, QStringLiteral("queue.list"), RpcReply::kNotConnected,
                    QStringLiteral("elysso is not connected: connection refused"));
        page->actOnFilter(QueueAction::Requeue);
        QVERIFY(agent->settle());
        QMessageBox* box = page->pendingConfirmation();
        QVERIFY(box);
        QVERIFY(
            box->text().startsWith(QStringLiteral("Requeue 40 messages on 1 host (theano: 40)?")));
        QVERIFY(box->text().contains(
            QStringLiteral("Not counted and left alone: elysso: elysso is not connected")));
        box->reject();
    }

    void viewerShowsTheMessage() {
        agent->answer(kTheano, QStringLiteral("queue.show"), [](const QJsonObject& params) {
            return okReply(QJsonObject{
                {QStringLiteral("queue_id"), params.value(QStringLiteral("queue_id"))},
                {QStringLiteral("text"), QStringLiteral("*** ENVELOPE RECORDS ***\nSubject: hi")},
                {QStringLiteral("truncated"), false}});
        });
        MessageViewerDialog viewer(*agent, kTheano, QStringLiteral("AAA111"));
        viewer.setAttribute(Qt::WA_DeleteOnClose, false);
        QVERIFY(agent->settle());
        QVERIFY(viewer.text().contains(QStringLiteral("Subject: hi")));
        auto shown = agent->callsOf(QStringLiteral("queue.show"));
        QCOMPARE(shown[0].params.value(QStringLiteral("part")).toString(), QStringLiteral("all"));
    }

    void viewerShowsTheAgentsError() {
        agent->fail(kTheano, QStringLiteral("queue.show"), -32004,
                    QStringLiteral("queue id not found: AAA111"));
        MessageViewerDialog viewer(*agent, kTheano, QStringLiteral("AAA111"));
        viewer.setAttribute(Qt::WA_DeleteOnClose, false);
        QVERIFY(agent->settle());
        QCOMPARE(viewer.text(), QStringLiteral("theano: queue id not found: AAA111"));
    }
};

QTEST_MAIN(TestQueuePage)
#include "test_queue_page.moc"
