#include "mailng/queue_id.h"

#include <algorithm>

namespace mailng {
namespace {

// safe_ultostr.c's alphabet: digits, then upper- and lower-case consonants.
constexpr std::string_view kSafeAlphabet52 = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
constexpr std::size_t kShortUsecDigits = 5;    // MQID_SH_USEC_PAD
constexpr std::size_t kLongTimeChars = 6 + 4;  // MQID_LG_SEC_PAD + MQID_LG_USEC_PAD
constexpr char kLongInodeSeparator = 'z';      // MQID_LG_INUM_SEP

bool is_upper_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

bool in_base52(char c) {
    return kSafeAlphabet52.find(c) != std::string_view::npos;
}

bool is_short_id(std::string_view id) {
    return id.size() >= kShortUsecDigits + 1 && std::all_of(id.begin(), id.end(), is_upper_hex);
}

bool is_long_id(std::string_view id) {
    auto separator = id.rfind(kLongInodeSeparator);
    if (separator == std::string_view::npos || separator < kLongTimeChars || separator + 1 == id.size())
        return false;
    // Every character is base 52; those after the last 'z' are then base 51 by construction.
    return std::all_of(id.begin(), id.end(), in_base52);
}

std::string quoted_for_message(std::string_view text) {
    std::string shown(text.substr(0, 64));
    std::replace_if(shown.begin(), shown.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, '?');
    return "\"" + shown + (text.size() > 64 ? "...\"" : "\"");
}

} // namespace

std::optional<QueueIdForm> queue_id_form(std::string_view id) {
    if (id.size() > kMaxQueueIdLength)
        return std::nullopt;
    if (is_short_id(id))
        return QueueIdForm::short_form;
    if (is_long_id(id))
        return QueueIdForm::long_form;
    return std::nullopt;
}

bool is_valid_queue_id(std::string_view id) {
    return queue_id_form(id).has_value();
}

Result<std::string, std::string> validate_queue_id(std::string_view id) {
    if (is_valid_queue_id(id))
        return std::string(id);
    return unexpected("not a Postfix queue id: " + quoted_for_message(id));
}

Result<std::vector<std::string>, std::string> validate_queue_ids(const std::vector<std::string>& ids) {
    for (const auto& id : ids)
        if (auto valid = validate_queue_id(id); !valid)
            return unexpected(valid.error());
    return ids;
}

std::optional<QueueName> parse_queue_name(std::string_view name) {
    for (QueueName queue : kAllQueueNames)
        if (to_string(queue) == name)
            return queue;
    return std::nullopt;
}

std::string_view to_string(QueueName queue) {
    switch (queue) {
    case QueueName::maildrop: return "maildrop";
    case QueueName::incoming: return "incoming";
    case QueueName::active: return "active";
    case QueueName::deferred: return "deferred";
    case QueueName::hold: return "hold";
    case QueueName::corrupt: return "corrupt";
    }
    return "";
}

} // namespace mailng
