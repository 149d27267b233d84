// Postfix queue ids and queue names, validated before any of them reaches a command
// line (DESIGN.md, Conventions). Pure functions.
//
// The two id forms, from Postfix's mail_queue.h (MQID_*) and safe_ultostr.c:
//
// - short (the default): the arrival time's microseconds as exactly 5 upper-case hex
//   digits, then the queue file's inode number in upper-case hex ("%lX", at least one
//   digit): [0-9A-F]{6,}. Example: 4C1F1B30B2.
// - long (enable_long_queue_ids = yes): the arrival time's seconds in base 52 (at least
//   6 characters), its microseconds in base 52 (exactly 4), the separator 'z', then the
//   inode number in base 51 (at least one character). Base 52 is the "safe" alphabet
//   0-9 plus the upper- and lower-case consonants (no AEIOU/aeiou); base 51 is the same
//   without its last character 'z', so the LAST 'z' of a long id is the separator and
//   at least 10 characters precede it. Example: 4Xk3Lm1Pq8Rzb7Q.
//
// Anything else - a leading '-', '/', '.', a shell or glob character, an empty string, a
// lower-case short id - is refused. Neither form is longer than kMaxQueueIdLength.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/result.h"

namespace mailng {

enum class QueueIdForm { short_form, long_form };

/// 5 + 16 hex digits for a 64-bit inode is the longest short id; a long id has
/// 12 + 4 + 1 + 12 characters at most for 64-bit seconds and inodes.
inline constexpr std::size_t kMaxQueueIdLength = 32;

/// The form of `id`, or nullopt when it is neither a valid short nor a valid long id.
std::optional<QueueIdForm> queue_id_form(std::string_view id);

/// True when `id` is a valid short or long queue id.
bool is_valid_queue_id(std::string_view id);

/// `id` itself, or a message for the admin saying why it is not a queue id
/// ("not a Postfix queue id: ..."; the offending text is quoted, cut to 64 bytes and
/// with control bytes replaced by '?').
Result<std::string, std::string> validate_queue_id(std::string_view id);

/// Validates every id; the first invalid one is the error. An empty list is valid.
Result<std::vector<std::string>, std::string> validate_queue_ids(const std::vector<std::string>& ids);

/// The queues that postqueue, postsuper and qshape name. `corrupt` holds damaged files
/// (postsuper moves them there); `maildrop` holds mail posted with sendmail that the
/// pickup daemon has not yet read.
enum class QueueName { maildrop, incoming, active, deferred, hold, corrupt };

inline constexpr QueueName kAllQueueNames[] = {QueueName::maildrop, QueueName::incoming,
                                               QueueName::active,   QueueName::deferred,
                                               QueueName::hold,     QueueName::corrupt};

/// The queue called `name` (exact, lower case), or nullopt.
std::optional<QueueName> parse_queue_name(std::string_view name);

/// The directory name of a queue: "maildrop", "incoming", ...
std::string_view to_string(QueueName queue);

} // namespace mailng
