// `postqueue -j` output (Postfix 3.1+; one JSON object per line, see postqueue(1)), the
// queue.list filter, and qshape's domain-by-age table. Pure functions over one line or
// one message at a time, so that the agent can stream a queue of any size with flat
// memory: read a line, parse_postqueue_line(), matches(), add to a QueueShapeBuilder,
// forget it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailng/jsonrpc.h"
#include "mailng/queue_id.h"
#include "mailng/result.h"

namespace mailng {

struct QueueRecipient {
    std::string address;
    std::string delay_reason;  // empty when postqueue gave none (not yet tried, hold...)
};

/// One message as `postqueue -j` describes it. `sender` is empty for a bounce (the
/// null sender <>, which postqueue -j prints as "MAILER-DAEMON"). Only recipients still to be delivered are listed.
struct QueueMessage {
    QueueName queue_name = QueueName::incoming;
    std::string queue_id;
    std::int64_t arrival_time = 0;   // seconds since the epoch
    std::uint64_t message_size = 0;  // bytes
    bool forced_expire = false;      // postsuper -e / -f (Postfix 3.5+)
    std::string sender;
    std::vector<QueueRecipient> recipients;
};

/// The longest line accepted; postqueue writes a message with thousands of recipients
/// on one line, so this is generous.
inline constexpr std::size_t kMaxPostqueueLine = 16u << 20;

/// Parses one line of `postqueue -j` (without its LF; a trailing CR is tolerated).
/// Required: queue_name (one of the six queues), queue_id (a valid short or long id),
/// arrival_time, message_size (non-negative integers), sender (string), recipients
/// (array of objects with a string address). Optional: forced_expire (default false),
/// delay_reason (default empty). Unknown members are ignored. The error says which
/// member was missing or wrong.
Result<QueueMessage, std::string> parse_postqueue_line(std::string_view line);

/// The queue.list item of DESIGN.md: {"queue_id","queue_name","arrival_time",
/// "message_size","sender","recipients":[{"address","delay_reason"}]}, plus
/// "forced_expire".
nlohmann::json to_json(const QueueMessage& message);

/// What queue.list keeps. Empty or absent fields do not filter. Text comparisons ignore
/// ASCII case. The recipient conditions (recipient_contains, recipient_domain,
/// reason_contains) must all hold for ONE recipient, so "domain example.org deferred
/// for timeouts" means exactly that and not "some recipient at example.org, and some
/// other recipient timed out".
struct QueueFilter {
    std::vector<QueueName> queues;             // any of these
    std::string sender_contains;               // "<>" matches the null sender only
    std::string sender_domain;                 // the sender's domain, or a subdomain of it
    std::string recipient_contains;
    std::string recipient_domain;              // the recipient's domain, or a subdomain of it
    std::string reason_contains;               // in the recipient's delay_reason
    std::optional<std::int64_t> min_age_seconds;  // now - arrival_time >= this
};

/// True when `filter` has no condition at all (every message matches).
bool is_empty(const QueueFilter& filter);

/// True when `message` passes every condition of `filter`; `now` is the reference time
/// in seconds since the epoch (given, not read, so that the result is reproducible).
bool matches(const QueueFilter& filter, const QueueMessage& message, std::int64_t now);

/// Reads a filter from queue.list / queue.summary / mutating-by-filter params:
/// "queue" (a queue name or an array of them), "sender", "sender_domain", "recipient",
/// "domain", "reason" (strings), "min_age" (seconds, 0..10 years). Other members are
/// left to the caller (paging, confirmation). Errors are invalid_params with the
/// parameter's name.
Result<QueueFilter, jsonrpc::Error> queue_filter_from_params(const nlohmann::json& params);

/// The domain of an address as qshape counts it: lower case, everything up to the last
/// '@' removed, ".." collapsed, one leading and one trailing '.' removed; the null
/// address is "MAILER-DAEMON".
std::string qshape_domain(std::string_view address);

/// qshape's options (-s, -b, -t, -l).
struct QueueShapeOptions {
    bool by_sender = false;          // count sender domains, once per message (-s)
    int bucket_count = 10;           // -b; at least 1
    std::int64_t bucket_minutes = 5; // -t; at least 1
    bool linear = false;             // -l
};

/// qshape's table. counts[0] is the row's total ("T"), counts[1..bucket_count] the age
/// buckets. Bucket semantics, as in qshape's bucket(): with m = age / bucket_minutes
/// (age = now - arrival_time in minutes, real-valued), bucket 1 holds m < 1, which
/// includes arrival times in the future; otherwise bucket 2 + floor(log2(m)) (or
/// floor(m) + 1 when linear), and every older message falls into the last bucket. With
/// the defaults the headings are T 5 10 20 40 80 160 320 640 1280 1280+, each number
/// the bucket's upper age limit in minutes (exclusive) and "1280+" everything from 1280
/// minutes. Exact integer arithmetic is used (qshape uses floating point; the two agree
/// except for rounding at exact powers of two).
/// By recipient, each recipient counts once (a message to three domains adds one to
/// each, and three to TOTAL); by sender, each message counts once.
struct QueueShape {
    struct Row {
        std::string domain;
        std::vector<std::uint64_t> counts;
    };
    std::vector<std::string> headings;  // "T", "5", ..., "1280+"
    Row total;                          // domain "TOTAL"
    std::vector<Row> rows;              // by total descending, then shorter domain first,
                                        // then alphabetically (qshape leaves ties unordered)
};

/// Accumulates a QueueShape one message at a time; memory grows with the number of
/// domains, not of messages.
class QueueShapeBuilder {
public:
    QueueShapeBuilder(std::int64_t now, QueueShapeOptions options = {});

    void add(const QueueMessage& message);

    /// The table so far.
    QueueShape shape() const;

    /// 1..bucket_count for a message that arrived at `arrival_time`.
    int bucket_of(std::int64_t arrival_time) const;

private:
    void count(const std::string& domain, int bucket);

    std::int64_t now_;
    QueueShapeOptions options_;
    std::vector<std::uint64_t> total_;
    std::map<std::string, std::vector<std::uint64_t>, std::less<>> domains_;
};

/// The shape as JSON for queue.summary: {"headings":[...],"total":{"domain","counts"},
/// "rows":[{"domain","counts"}...]}.
nlohmann::json to_json(const QueueShape& shape);

} // namespace mailng
