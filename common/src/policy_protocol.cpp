#include "mailng/policy_protocol.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace mailng {
namespace {

using namespace std::string_view_literals;

struct TextField {
    std::string_view name;
    std::string PolicyRequest::*member;
};

struct NumberField {
    std::string_view name;
    std::uint64_t PolicyRequest::*member;
};

constexpr std::array kTextFields{
    TextField{"request", &PolicyRequest::request},
    TextField{"protocol_state", &PolicyRequest::protocol_state},
    TextField{"protocol_name", &PolicyRequest::protocol_name},
    TextField{"client_address", &PolicyRequest::client_address},
    TextField{"client_name", &PolicyRequest::client_name},
    TextField{"reverse_client_name", &PolicyRequest::reverse_client_name},
    TextField{"helo_name", &PolicyRequest::helo_name},
    TextField{"sender", &PolicyRequest::sender},
    TextField{"recipient", &PolicyRequest::recipient},
    TextField{"queue_id", &PolicyRequest::queue_id},
    TextField{"instance", &PolicyRequest::instance},
    TextField{"sasl_method", &PolicyRequest::sasl_method},
    TextField{"sasl_username", &PolicyRequest::sasl_username},
    TextField{"sasl_sender", &PolicyRequest::sasl_sender},
    TextField{"stress", &PolicyRequest::stress},
};

constexpr std::array kNumberFields{
    NumberField{"recipient_count", &PolicyRequest::recipient_count},
    NumberField{"size", &PolicyRequest::size},
};

// Empty counts as 0: Postfix leaves no number empty, and 0 is what it sends when it
// does not know. Signs, spaces and overflow are refused.
std::optional<std::uint64_t> parse_count(std::string_view text) {
    std::uint64_t number = 0;
    if (text.empty())
        return number;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return number;
}

// Returns false only for a typed number that does not parse; unknown names are fine.
bool set_typed_field(PolicyRequest& request, std::string_view name, std::string_view value) {
    for (const auto& field : kTextFields)
        if (field.name == name) {
            request.*field.member = value;
            return true;
        }
    for (const auto& field : kNumberFields)
        if (field.name == name) {
            auto number = parse_count(value);
            if (number)
                request.*field.member = *number;
            return number.has_value();
        }
    return true;
}

std::string_view error_reason(PolicyErrorKind kind) {
    switch (kind) {
    case PolicyErrorKind::line_too_long: return "line too long";
    case PolicyErrorKind::too_many_attributes: return "too many attributes in one request";
    case PolicyErrorKind::request_too_large: return "request too large";
    case PolicyErrorKind::missing_equals: return "attribute line without name=value";
    case PolicyErrorKind::nul_byte: return "NUL byte";
    case PolicyErrorKind::bare_cr: return "CR not followed by LF";
    case PolicyErrorKind::bad_number: return "recipient_count or size is not a number";
    }
    return "unknown error";
}

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_ascii_lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
    return lower;
}

// Postfix's split_addr() never splits these, whatever recipient_delimiter is.
bool is_unsplittable(std::string_view lowercase_local) {
    return lowercase_local == "postmaster" || lowercase_local == "mailer-daemon" ||
           lowercase_local == "double-bounce";
}

void split_extension(NormalisedAddress& address, std::string_view delimiters) {
    if (delimiters.empty() || is_unsplittable(address.local))
        return;
    auto delimiter = address.local.find_first_of(delimiters);
    if (delimiter == std::string::npos || delimiter == 0)
        return;
    address.detail = address.local.substr(delimiter + 1);
    address.local.resize(delimiter);
}

std::string angle(std::string_view address) {
    std::string text = "<";
    text += address;
    text += '>';
    return text;
}

} // namespace

std::optional<std::string_view> PolicyRequest::value(std::string_view name) const {
    for (auto it = attributes.rbegin(); it != attributes.rend(); ++it)
        if (it->first == name)
            return std::string_view(it->second);
    return std::nullopt;
}

std::string PolicyError::to_string() const {
    return "line " + std::to_string(line) + ": " + std::string(error_reason(kind));
}

PolicyRequestReader::PolicyRequestReader(PolicyLimits limits) : limits_(limits) {}

PolicyFeedResult PolicyRequestReader::feed(std::string_view bytes) {
    PolicyFeedResult result;
    while (!error_ && !bytes.empty()) {
        auto newline = bytes.find('\n');
        bool line_ends = newline != std::string_view::npos;
        if (!append_to_line(bytes.substr(0, newline)) || !line_ends)
            break;
        bytes.remove_prefix(newline + 1);
        if (!end_line(result.requests))
            break;
    }
    result.error = error_;
    return result;
}

// Checks the limits before buffering, so that a peer cannot make the reader hold more
// than one line and one request, however much it sends at once.
bool PolicyRequestReader::append_to_line(std::string_view piece) {
    if (piece.find('\0') != std::string_view::npos)
        return fail(PolicyErrorKind::nul_byte);
    std::size_t length = line_.size() + piece.size();
    char last = piece.empty() ? (line_.empty() ? '\0' : line_.back()) : piece.back();
    // A trailing CR may be the first half of CRLF; it does not count against max_line.
    if (length - (last == '\r' ? 1 : 0) > limits_.max_line)
        return fail(PolicyErrorKind::line_too_long);
    if (request_bytes_ + piece.size() > limits_.max_request_bytes)
        return fail(PolicyErrorKind::request_too_large);
    line_.append(piece);
    request_bytes_ += piece.size();
    return true;
}

bool PolicyRequestReader::end_line(std::vector<PolicyRequest>& done) {
    if (++request_bytes_ > limits_.max_request_bytes)
        return fail(PolicyErrorKind::request_too_large);
    std::string_view line = line_;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos)
        return fail(PolicyErrorKind::bare_cr);
    if (line.empty()) {
        done.push_back(std::move(request_));
        request_ = {};
        request_bytes_ = 0;
    } else if (!add_attribute(line)) {
        return false;
    }
    line_.clear();
    ++line_number_;
    return true;
}

bool PolicyRequestReader::add_attribute(std::string_view line) {
    auto equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0)
        return fail(PolicyErrorKind::missing_equals);
    if (request_.attributes.size() >= limits_.max_attributes)
        return fail(PolicyErrorKind::too_many_attributes);
    auto name = line.substr(0, equals);
    auto value = line.substr(equals + 1);
    if (!set_typed_field(request_, name, value))
        return fail(PolicyErrorKind::bad_number);
    request_.attributes.emplace_back(name, value);
    return true;
}

bool PolicyRequestReader::fail(PolicyErrorKind kind) {
    error_ = PolicyError{kind, line_number_};
    // The connection is closing; what was buffered will never be a request.
    line_ = {};
    request_ = {};
    request_bytes_ = 0;
    return false;
}

Result<std::string, std::string> format_reply(std::string_view action) {
    if (action.empty())
        return unexpected(std::string("empty policy action"));
    if (action.find_first_of("\r\n\0"sv) != std::string_view::npos)
        return unexpected(std::string("policy action contains CR, LF or NUL"));
    std::string reply = "action=";
    reply += action;
    reply += "\n\n";
    return reply;
}

namespace {

std::optional<std::string> extra_attribute_error(std::string_view name, std::string_view value) {
    if (name.empty())
        return "empty attribute name in policy reply";
    if (name == "action")
        return "a second action= line in policy reply";
    if (name.find('=') != std::string_view::npos)
        return "attribute name contains '=' in policy reply";
    if (name.find_first_of("\r\n\0"sv) != std::string_view::npos ||
        value.find_first_of("\r\n\0"sv) != std::string_view::npos)
        return "policy reply attribute contains CR, LF or NUL";
    return std::nullopt;
}

} // namespace

Result<std::string, std::string> format_reply(
    std::string_view action, const std::vector<std::pair<std::string, std::string>>& extra) {
    auto reply = format_reply(action);
    if (!reply)
        return reply;
    std::string& text = reply.value();
    text.pop_back(); // the final empty line comes after the extra attributes
    for (const auto& [name, value] : extra) {
        if (auto error = extra_attribute_error(name, value))
            return unexpected(std::move(*error));
        text += name;
        text += '=';
        text += value;
        text += '\n';
    }
    text += '\n';
    return reply;
}

std::optional<std::string_view> PolicyReplyMessage::value(std::string_view name) const {
    for (auto it = attributes.rbegin(); it != attributes.rend(); ++it)
        if (it->first == name)
            return std::string_view(it->second);
    return std::nullopt;
}

// A reply has the request's syntax, so the request reader parses it; what differs is
// that a reply must be complete, alone, and carry exactly one action.
Result<PolicyReplyMessage, std::string> parse_reply(std::string_view bytes, PolicyLimits limits) {
    PolicyRequestReader reader(limits);
    auto fed = reader.feed(bytes);
    if (fed.error)
        return unexpected("malformed policy reply: " + fed.error->to_string());
    if (fed.requests.empty())
        return unexpected(std::string("policy reply not ended by an empty line"));
    if (fed.requests.size() > 1 || reader.mid_request())
        return unexpected(std::string("data after the policy reply"));
    PolicyReplyMessage reply;
    int actions = 0;
    for (auto& [name, value] : fed.requests.front().attributes) {
        if (name != "action") {
            reply.attributes.emplace_back(std::move(name), std::move(value));
        } else if (++actions == 1) {
            reply.action = std::move(value);
        }
    }
    if (actions != 1)
        return unexpected(std::string(actions == 0 ? "policy reply without action="
                                                   : "policy reply with several action= lines"));
    if (reply.action.empty())
        return unexpected(std::string("policy reply with an empty action"));
    return reply;
}

std::string reject_unknown_user(std::string_view address) {
    return "550 5.1.1 " + angle(address) + ": Recipient address rejected: User unknown";
}

std::string reject_disabled(std::string_view address) {
    return "550 5.2.1 " + angle(address) + ": Mailbox disabled";
}

std::string reject_over_quota(std::string_view address) {
    return "552 5.2.2 " + angle(address) + ": Mailbox full";
}

std::string dunno() {
    return "DUNNO";
}

std::optional<FailureAction> parse_failure_action(std::string_view name) {
    if (name == "defer_if_permit")
        return FailureAction::defer_if_permit;
    if (name == "dunno")
        return FailureAction::dunno;
    return std::nullopt;
}

std::string failure_action(FailureAction action, std::string_view address) {
    if (action == FailureAction::dunno)
        return dunno();
    return "DEFER_IF_PERMIT 4.3.0 " + angle(address) + ": Temporary lookup failure";
}

std::string NormalisedAddress::address() const {
    return local + "@" + domain;
}

std::string_view address_error_message(AddressError error) {
    switch (error) {
    case AddressError::empty: return "empty address";
    case AddressError::no_at_sign: return "no '@' in address";
    case AddressError::empty_local_part: return "empty local part";
    case AddressError::empty_domain: return "empty domain";
    case AddressError::quoted_local_part: return "quoted local part";
    }
    return "unknown address error";
}

Result<NormalisedAddress, AddressError> normalise_recipient(std::string_view address,
                                                            std::string_view delimiters) {
    if (address.empty())
        return unexpected(AddressError::empty);
    // The last '@': a quoted local part may hold one, a domain never does.
    auto at = address.rfind('@');
    if (at == std::string_view::npos)
        return unexpected(AddressError::no_at_sign);
    if (at == 0)
        return unexpected(AddressError::empty_local_part);
    if (at + 1 == address.size())
        return unexpected(AddressError::empty_domain);
    if (address.front() == '"')
        return unexpected(AddressError::quoted_local_part);
    NormalisedAddress result{to_ascii_lower(address.substr(0, at)), {},
                             to_ascii_lower(address.substr(at + 1))};
    split_extension(result, delimiters);
    return result;
}

} // namespace mailng
