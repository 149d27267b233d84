// releaseInSlices: the caller's containers are empty at once, the elements are freed
// kReleaseSlice per turn of the event loop (not in the call, not all in one turn), a
// list of sets is freed the same way, and what is left goes when the context does.
#include <QCoreApplication>
#include <QSet>
#include <QTest>

#include <deque>
#include <memory>

#include "models/release_in_slices.h"

using namespace mailng::gui;

namespace {

/// An element that counts how many of its kind are alive.
struct Counted {
    static inline int alive = 0;
    Counted() { ++alive; }
    Counted(const Counted&) { ++alive; }
    Counted(Counted&&) noexcept { ++alive; }
    Counted& operator=(const Counted&) = default;
    Counted& operator=(Counted&&) noexcept = default;
    ~Counted() { --alive; }
};

} // namespace

class TestReleaseInSlices : public QObject {
    Q_OBJECT
private slots:
    void freesASliceEachTurn() {
        QObject context;
        std::deque<Counted> rows(5000);
        QList<QSet<QString>> seen(2);
        for (int i = 0; i < 3000; ++i)
            seen[i % 2].insert(QString::number(i));
        releaseInSlices(&context, rows, seen);
        QVERIFY(rows.empty());
        QVERIFY(seen.isEmpty());
        QCOMPARE(Counted::alive, 5000); // nothing freed inside the call
        QCoreApplication::processEvents();
        QCOMPARE(Counted::alive, 5000 - int(kReleaseSlice));
        QTRY_COMPARE(Counted::alive, 0);
    }

    void whatIsLeftGoesWithTheContext() {
        {
            QObject context;
            std::deque<Counted> rows(10000);
            releaseInSlices(&context, rows);
            QCoreApplication::processEvents();
            QVERIFY(Counted::alive > 0);
        }
        QCOMPARE(Counted::alive, 0);
    }
};

QTEST_GUILESS_MAIN(TestReleaseInSlices)
#include "test_release_in_slices.moc"
