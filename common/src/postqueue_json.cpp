#include "mailng/postqueue_json.h"

#include <algorithm>
#include <bit>

namespace mailng {
namespace {

using nlohmann::json;

// Ten years: a longer minimum age is a typo, not a filter.
constexpr std::int64_t kMaxAgeSeconds = 10ll * 366 * 24 * 3600;

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
    auto equal = [](char a, char b) { return ascii_lower(a) == ascii_lower(b); };
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), equal) !=
           haystack.end();
}

std::string_view domain_of(std::string_view address) {
    auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

// `domain` is `wanted` or a subdomain of it, ignoring case and a trailing dot.
bool in_domain(std::string_view domain, std::string_view wanted) {
    if (!domain.empty() && domain.back() == '.')
        domain.remove_suffix(1);
    if (!wanted.empty() && wanted.back() == '.')
        wanted.remove_suffix(1);
    std::string d = lower(domain), w = lower(wanted);
    if (d == w)
        return true;
    return d.size() > w.size() && d.ends_with(w) && d[d.size() - w.size() - 1] == '.';
}

// --- parsing -------------------------------------------------------------------------

const json* find_member(const json& object, const char* name) {
    auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> string_member(const json& object, const char* name) {
    const json* value = find_member(object, name);
    if (!value || !value->is_string())
        return std::nullopt;
    return value->get<std::string>();
}

std::optional<std::uint64_t> unsigned_member(const json& object, const char* name) {
    const json* value = find_member(object, name);
    // nlohmann stores a non-negative integer literal as unsigned; a negative one is not.
    if (!value || !value->is_number_unsigned())
        return std::nullopt;
    return value->get<std::uint64_t>();
}

std::string bad(const char* member, const char* expected) {
    return std::string("postqueue -j: ") + member + " " + expected;
}

Result<QueueRecipient, std::string> parse_recipient(const json& value) {
    if (!value.is_object())
        return unexpected(bad("recipients", "must be an array of objects"));
    auto address = string_member(value, "address");
    if (!address)
        return unexpected(bad("recipients[].address", "missing or not a string"));
    QueueRecipient recipient{std::move(*address), {}};
    if (const json* reason = find_member(value, "delay_reason"); reason && !reason->is_null()) {
        if (!reason->is_string())
            return unexpected(bad("recipients[].delay_reason", "is not a string"));
        recipient.delay_reason = reason->get<std::string>();
    }
    return recipient;
}

Result<bool, std::string> parse_recipients(const json& object, QueueMessage& message) {
    const json* list = find_member(object, "recipients");
    if (!list || !list->is_array())
        return unexpected(bad("recipients", "missing or not an array"));
    message.recipients.reserve(list->size());
    for (const json& value : *list) {
        auto recipient = parse_recipient(value);
        if (!recipient)
            return unexpected(recipient.error());
        message.recipients.push_back(std::move(*recipient));
    }
    return true;
}

Result<bool, std::string> parse_identity(const json& object, QueueMessage& message) {
    auto queue = string_member(object, "queue_name");
    auto queue_name = queue ? parse_queue_name(*queue) : std::nullopt;
    if (!queue_name)
        return unexpected(bad("queue_name", "missing or not a queue name"));
    message.queue_name = *queue_name;
    auto id = string_member(object, "queue_id");
    if (!id || !is_valid_queue_id(*id))
        return unexpected(bad("queue_id", "missing or not a queue id"));
    message.queue_id = std::move(*id);
    return true;
}

Result<bool, std::string> parse_envelope(const json& object, QueueMessage& message) {
    auto arrival = unsigned_member(object, "arrival_time");
    if (!arrival || *arrival > static_cast<std::uint64_t>(INT64_MAX))
        return unexpected(bad("arrival_time", "missing or not a non-negative integer"));
    message.arrival_time = static_cast<std::int64_t>(*arrival);
    auto size = unsigned_member(object, "message_size");
    if (!size)
        return unexpected(bad("message_size", "missing or not a non-negative integer"));
    message.message_size = *size;
    auto sender = string_member(object, "sender");
    if (!sender)
        return unexpected(bad("sender", "missing or not a string"));
    // showq prints the null sender as MAILER-DAEMON (a local user of that name would
    // carry @myorigin); QueueMessage says "" like the queue file does.
    message.sender = *sender == "MAILER-DAEMON" ? std::string() : std::move(*sender);
    const json* expire = find_member(object, "forced_expire");
    if (expire && !expire->is_boolean())
        return unexpected(bad("forced_expire", "is not true or false"));
    message.forced_expire = expire && expire->get<bool>();
    return true;
}

// --- filtering -----------------------------------------------------------------------

bool sender_matches(const QueueFilter& filter, const std::string& sender) {
    if (filter.sender_contains == "<>")
        return sender.empty();
    if (!filter.sender_contains.empty() && !contains_ignoring_case(sender, filter.sender_contains))
        return false;
    return filter.sender_domain.empty() || in_domain(domain_of(sender), filter.sender_domain);
}

bool recipient_matches(const QueueFilter& filter, const QueueRecipient& recipient) {
    if (!filter.recipient_contains.empty() &&
        !contains_ignoring_case(recipient.address, filter.recipient_contains))
        return false;
    if (!filter.recipient_domain.empty() && !in_domain(domain_of(recipient.address), filter.recipient_domain))
        return false;
    return filter.reason_contains.empty() ||
           contains_ignoring_case(recipient.delay_reason, filter.reason_contains);
}

bool has_recipient_conditions(const QueueFilter& filter) {
    return !filter.recipient_contains.empty() || !filter.recipient_domain.empty() ||
           !filter.reason_contains.empty();
}

// --- params --------------------------------------------------------------------------

Result<std::vector<QueueName>, jsonrpc::Error> queues_from_params(const json& params) {
    const char* expected = "queue must be a queue name or an array of them "
                           "(maildrop, incoming, active, deferred, hold, corrupt)";
    std::vector<std::string> names;
    if (auto single = jsonrpc::optional_string(params, "queue"); single && *single)
        names.push_back(**single);
    else if (auto many = jsonrpc::optional_string_array(params, "queue"); many && *many)
        names = **many;
    else if (params.is_object() && params.contains("queue"))
        return unexpected(jsonrpc::invalid_params_error(expected));
    std::vector<QueueName> queues;
    for (const auto& name : names) {
        auto queue = parse_queue_name(name);
        if (!queue)
            return unexpected(jsonrpc::invalid_params_error(expected));
        queues.push_back(*queue);
    }
    return queues;
}

std::optional<jsonrpc::Error> read_text(const json& params, const char* name, std::string& field) {
    auto value = jsonrpc::optional_string(params, name);
    if (!value)
        return value.error();
    if (*value)
        field = std::move(**value);
    return std::nullopt;
}

// --- qshape --------------------------------------------------------------------------

// qshape's "s/\.\././g": each non-overlapping ".." becomes ".", in one pass.
std::string collapse_double_dots(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '.' && i + 1 < text.size() && text[i + 1] == '.')
            ++i;
    }
    return out;
}

std::vector<std::string> shape_headings(const QueueShapeOptions& options) {
    std::vector<std::string> headings{"T"};
    std::int64_t limit = 0;
    for (int bucket = 1; bucket <= options.bucket_count; ++bucket) {
        if (bucket < options.bucket_count) {
            limit += (limit != 0 && !options.linear) ? limit : options.bucket_minutes;
            headings.push_back(std::to_string(limit));
        } else {
            headings.push_back(std::to_string(limit) + "+");
        }
    }
    return headings;
}

json row_json(const QueueShape::Row& row) {
    return {{"domain", row.domain}, {"counts", row.counts}};
}

} // namespace

Result<QueueMessage, std::string> parse_postqueue_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.size() > kMaxPostqueueLine)
        return unexpected(std::string("postqueue -j: line too long"));
    json object = json::parse(line.begin(), line.end(), nullptr, false);
    if (object.is_discarded() || !object.is_object())
        return unexpected(std::string("postqueue -j: not a JSON object"));
    QueueMessage message;
    for (auto step : {parse_identity, parse_envelope, parse_recipients})
        if (auto ok = step(object, message); !ok)
            return unexpected(ok.error());
    return message;
}

json to_json(const QueueMessage& message) {
    json recipients = json::array();
    for (const auto& recipient : message.recipients)
        recipients.push_back({{"address", recipient.address}, {"delay_reason", recipient.delay_reason}});
    return {{"queue_id", message.queue_id},
            {"queue_name", std::string(to_string(message.queue_name))},
            {"arrival_time", message.arrival_time},
            {"message_size", message.message_size},
            {"forced_expire", message.forced_expire},
            {"sender", message.sender},
            {"recipients", std::move(recipients)}};
}

bool is_empty(const QueueFilter& filter) {
    return filter.queues.empty() && filter.sender_contains.empty() &&
           filter.sender_domain.empty() && filter.recipient_contains.empty() &&
           filter.recipient_domain.empty() && filter.reason_contains.empty() &&
           !filter.min_age_seconds;
}

bool matches(const QueueFilter& filter, const QueueMessage& message, std::int64_t now) {
    if (!filter.queues.empty() &&
        std::find(filter.queues.begin(), filter.queues.end(), message.queue_name) == filter.queues.end())
        return false;
    if (filter.min_age_seconds && now - message.arrival_time < *filter.min_age_seconds)
        return false;
    if (!sender_matches(filter, message.sender))
        return false;
    if (!has_recipient_conditions(filter))
        return true;
    return std::any_of(message.recipients.begin(), message.recipients.end(),
                       [&](const QueueRecipient& r) { return recipient_matches(filter, r); });
}

Result<QueueFilter, jsonrpc::Error> queue_filter_from_params(const json& params) {
    QueueFilter filter;
    auto queues = queues_from_params(params);
    if (!queues)
        return unexpected(queues.error());
    filter.queues = std::move(*queues);
    const std::pair<const char*, std::string*> texts[] = {
        {"sender", &filter.sender_contains},       {"sender_domain", &filter.sender_domain},
        {"recipient", &filter.recipient_contains}, {"domain", &filter.recipient_domain},
        {"reason", &filter.reason_contains}};
    for (const auto& [name, field] : texts)
        if (auto error = read_text(params, name, *field))
            return unexpected(*error);
    auto min_age = jsonrpc::optional_integer(params, "min_age", 0, kMaxAgeSeconds);
    if (!min_age)
        return unexpected(min_age.error());
    filter.min_age_seconds = *min_age;
    return filter;
}

std::string qshape_domain(std::string_view address) {
    if (address.empty())
        return "MAILER-DAEMON";
    std::string domain = collapse_double_dots(lower(address.substr(address.rfind('@') + 1)));
    // qshape's s/\.?(.+?)\.?$/$1/ keeps a lone "." (or "..") as it is.
    if (domain.size() > 1 && domain.front() == '.')
        domain.erase(0, 1);
    if (domain.size() > 1 && domain.back() == '.')
        domain.pop_back();
    return domain;
}

QueueShapeBuilder::QueueShapeBuilder(std::int64_t now, QueueShapeOptions options)
    : now_(now), options_(options) {
    options_.bucket_count = std::max(options_.bucket_count, 1);
    options_.bucket_minutes = std::max<std::int64_t>(options_.bucket_minutes, 1);
    total_.assign(static_cast<std::size_t>(options_.bucket_count) + 1, 0);
}

int QueueShapeBuilder::bucket_of(std::int64_t arrival_time) const {
    std::int64_t age = now_ - arrival_time;
    std::int64_t width = 60 * options_.bucket_minutes;
    if (age < width)
        return 1;
    // floor(log2(m)) for real m >= 1 equals floor(log2(floor(m))): powers of two are integers.
    auto whole = static_cast<std::uint64_t>(age / width);
    std::uint64_t bucket = options_.linear ? whole + 1 : 1 + std::bit_width(whole);
    return static_cast<int>(std::min<std::uint64_t>(bucket, options_.bucket_count));
}

void QueueShapeBuilder::count(const std::string& domain, int bucket) {
    auto it = domains_.find(domain);
    if (it == domains_.end())
        it = domains_.emplace(domain, std::vector<std::uint64_t>(total_.size(), 0)).first;
    ++it->second[0];
    ++it->second[static_cast<std::size_t>(bucket)];
    ++total_[0];
    ++total_[static_cast<std::size_t>(bucket)];
}

void QueueShapeBuilder::add(const QueueMessage& message) {
    int bucket = bucket_of(message.arrival_time);
    if (options_.by_sender) {
        count(qshape_domain(message.sender), bucket);
        return;
    }
    for (const auto& recipient : message.recipients)
        count(qshape_domain(recipient.address), bucket);
}

QueueShape QueueShapeBuilder::shape() const {
    QueueShape shape{shape_headings(options_), {"TOTAL", total_}, {}};
    shape.rows.reserve(domains_.size());
    for (const auto& [domain, counts] : domains_)
        shape.rows.push_back({domain, counts});
    // Stable over the alphabetical map order: ties stay alphabetical.
    std::stable_sort(shape.rows.begin(), shape.rows.end(), [](const auto& a, const auto& b) {
        if (a.counts[0] != b.counts[0])
            return a.counts[0] > b.counts[0];
        return a.domain.size() < b.domain.size();
    });
    return shape;
}

json to_json(const QueueShape& shape) {
    json rows = json::array();
    for (const auto& row : shape.rows)
        rows.push_back(row_json(row));
    return {{"headings", shape.headings}, {"total", row_json(shape.total)}, {"rows", std::move(rows)}};
}

} // namespace mailng
