// Destroys containers on a thread of the global QThreadPool instead of the caller's.
// Freeing 100,000 rows of strings and their id sets takes tens of milliseconds; on the
// GUI thread that is a visible stall each time a long table is refreshed.
//
// Contract: the containers are moved from (the caller's are left empty) and nothing may
// refer to their elements afterwards. Implicitly shared Qt values (QString, QJsonObject)
// may still be shared with the caller's thread: their reference counts are atomic.
#pragma once

#include <QThreadPool>

#include <memory>
#include <tuple>
#include <type_traits>

namespace mailng::gui {

template <typename... Containers> void releaseInBackground(Containers&... containers) {
    auto doomed = std::make_shared<std::tuple<std::decay_t<Containers>...>>();
    std::apply([&](auto&... owned) { (owned.swap(containers), ...); }, *doomed);
    QThreadPool::globalInstance()->start([doomed]() mutable { doomed.reset(); });
}

} // namespace mailng::gui
