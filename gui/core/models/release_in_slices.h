// Frees big containers a slice per turn of the event loop instead of all at once.
// Freeing 100,000 rows of strings and their id sets takes ~70 ms; on the GUI thread in
// one go that is a visible stall each time a long table is refreshed, and handing it to
// another thread makes it contend with the GUI thread for the allocator's lock while
// the new rows are painted (measured: tests/bench/run-console-bench).
//
// Contract: the containers are moved from (the caller's are left empty) and nothing may
// refer to their elements afterwards. The slices run on `context`'s thread; when
// `context` is destroyed first, what is left is freed then.
#pragma once

#include <QObject>
#include <QList>
#include <QTimer>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <tuple>

namespace mailng::gui {

inline constexpr std::size_t kReleaseSlice = 2000;

/// Frees up to `budget` elements of a sequence from its front; true while some remain.
template <typename Sequence> bool releaseSlice(Sequence& sequence, std::size_t& budget) {
    const auto count = std::min<std::size_t>(budget, std::size_t(sequence.size()));
    sequence.erase(sequence.begin(), sequence.begin() + std::ptrdiff_t(count));
    budget -= count;
    return !sequence.empty();
}

/// The same for a list of hash sets: elements of the last set first.
template <typename Set> bool releaseSlice(QList<Set>& sets, std::size_t& budget) {
    while (!sets.isEmpty() && budget > 0) {
        Set& set = sets.last();
        for (auto it = set.begin(); it != set.end() && budget > 0; --budget)
            it = set.erase(it);
        if (set.isEmpty())
            sets.removeLast();
    }
    return !sets.isEmpty();
}

template <typename... Containers>
void releaseInSlices(QObject* context, Containers&... containers) {
    auto doomed = std::make_shared<std::tuple<std::decay_t<Containers>...>>();
    std::apply([&](auto&... owned) { (owned.swap(containers), ...); }, *doomed);
    auto step = std::make_shared<std::function<void()>>();
    *step = [context, doomed, weakStep = std::weak_ptr(step)] {
        std::size_t budget = kReleaseSlice;
        bool more = std::apply(
            [&budget](auto&... owned) { return (releaseSlice(owned, budget) | ...); }, *doomed);
        if (auto next = weakStep.lock(); more && next)
            QTimer::singleShot(0, context, [next] { (*next)(); });
    };
    QTimer::singleShot(0, context, [step] { (*step)(); });
}

} // namespace mailng::gui
