// Which page to ask each host for next, for a table that shows several hosts' long lists
// in one (queue.list, quarantine.list). Each host's list is read from offset 0 in pages
// of pageSize(); every page carries the host's total. A host is done when it has
// delivered its total, or a short page (its list shrank meanwhile: the total is
// corrected to what came), or failed. At most one page per host is in flight, so a
// view that asks for more while waiting gets nothing twice.
//
// Offsets count what the agent delivered, not what the table kept; a list that changes
// between pages can therefore shift by a few entries (the models drop duplicates).
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace mailng::gui {

class HostPager {
public:
    struct Request {
        QString host;
        qint64 offset = 0;
        qint64 limit = 0;
    };

    explicit HostPager(qint64 pageSize);

    /// Forgets everything; the hosts start at offset 0 with unknown totals.
    void reset(const QStringList& hosts);

    /// The next page of every host that has more and none in flight (and that `wanted`
    /// accepts, when given), in host order; those hosts are in flight from now on.
    QList<Request> takeRequests(const std::function<bool(const QString& host)>& wanted = {});

    /// Some host has more to deliver (its page may be in flight).
    bool hasMore() const;
    /// A page is in flight for some host.
    bool isFetching() const;

    /// The page asked of `host` came with `items` entries and the host's `total`.
    void pageArrived(const QString& host, qint64 total, qint64 items);
    /// The page asked of `host` failed: the host is done.
    void pageFailed(const QString& host);

    /// The host's total, -1 until its first page came.
    qint64 total(const QString& host) const;
    /// The sum of the totals known so far.
    qint64 knownTotal() const;
    /// Entries delivered by `host` so far.
    qint64 received(const QString& host) const;
    bool isDone(const QString& host) const;

    qint64 pageSize() const { return pageSize_; }

private:
    struct State {
        qint64 total = -1;
        qint64 received = 0;
        bool inFlight = false;
        bool done = false;
    };

    qint64 pageSize_;
    QStringList order_;
    QHash<QString, State> states_;
};

} // namespace mailng::gui
