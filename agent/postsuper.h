// The mutating queue methods: queue.hold / release / requeue / delete run postsuper,
// queue.flush runs postqueue. A selection is exactly one of: "queue_ids", a filter
// (queue.list's filter params), or "all": true - and deleting everything also needs
// "confirm" set to this host's name. Explicit ids are validated and looked up first:
// one that is not queued is a not_found error and nothing runs, unless
// "skip_missing": true. The count affected is what postsuper itself reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "method_table.h"

namespace mailng::agent {

enum class PostsuperAction { hold, release, requeue, remove };

/// "queue.hold", "queue.release", "queue.requeue", "queue.delete".
std::string_view method_name(PostsuperAction action);

/// postsuper's option for the action: -h, -H, -r, -d.
std::string_view postsuper_flag(PostsuperAction action);

/// The number postsuper reports for `action` on its stderr ("postsuper: Deleted: 3
/// messages", "Placed on hold: 1 message", "Released from hold: ...", "Requeued: ..."),
/// summed over lines; 0 when it reports nothing (it is silent when nothing matched).
std::int64_t postsuper_count(PostsuperAction action, std::string_view stderr_text);

MethodResult change_queue(const CallContext& context, const nlohmann::json& params,
                          PostsuperAction action);

/// queue.flush: {} flushes the deferred queue (postqueue -f); {"queue_ids": [...]}
/// schedules those messages (postqueue -i). Returns {"affected": N}: the ids scheduled,
/// or the messages in the deferred queue when the flush was asked for.
MethodResult flush_queue(const CallContext& context, const nlohmann::json& params);

} // namespace mailng::agent
