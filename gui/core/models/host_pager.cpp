#include "host_pager.h"

#include <algorithm>

namespace mailng::gui {

HostPager::HostPager(qint64 pageSize) : pageSize_(std::max<qint64>(pageSize, 1)) {}

void HostPager::reset(const QStringList& hosts) {
    order_ = hosts;
    order_.removeDuplicates();
    states_.clear();
    for (const auto& host : std::as_const(order_))
        states_.insert(host, {});
}

QList<HostPager::Request>
HostPager::takeRequests(const std::function<bool(const QString& host)>& wanted) {
    QList<Request> requests;
    for (const auto& host : std::as_const(order_)) {
        State& state = states_[host];
        if (state.done || state.inFlight || (wanted && !wanted(host)))
            continue;
        state.inFlight = true;
        requests.append({host, state.received, pageSize_});
    }
    return requests;
}

bool HostPager::hasMore() const {
    return std::any_of(states_.begin(), states_.end(), [](const State& s) { return !s.done; });
}

bool HostPager::isFetching() const {
    return std::any_of(states_.begin(), states_.end(), [](const State& s) { return s.inFlight; });
}

void HostPager::pageArrived(const QString& host, qint64 total, qint64 items) {
    auto found = states_.find(host);
    if (found == states_.end() || !found->inFlight)
        return;
    State& state = *found;
    state.inFlight = false;
    state.received += std::max<qint64>(items, 0);
    state.total = std::max<qint64>(total, 0);
    state.done = items < pageSize_ || state.received >= state.total;
    if (state.done)
        state.total = state.received;
}

void HostPager::pageFailed(const QString& host) {
    auto found = states_.find(host);
    if (found == states_.end())
        return;
    found->inFlight = false;
    found->done = true;
}

qint64 HostPager::total(const QString& host) const {
    return states_.value(host).total;
}

qint64 HostPager::knownTotal() const {
    qint64 sum = 0;
    for (const auto& state : states_)
        sum += std::max<qint64>(state.total, 0);
    return sum;
}

qint64 HostPager::received(const QString& host) const {
    return states_.value(host).received;
}

bool HostPager::isDone(const QString& host) const {
    return states_.value(host).done;
}

} // namespace mailng::gui
