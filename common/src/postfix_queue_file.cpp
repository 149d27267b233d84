// The bytes of one Postfix queue file and of its defer log, read as showq(8) reads
// them (Postfix 3.7: showq.c, record.c, bounce_log.c, quote_822_local.c,
// printable.c). Pure functions; the directory walk is in postfix_queue_scan.cpp.
#include "mailng/postfix_queue_scan.h"

#include <algorithm>
#include <limits>
#include <set>

namespace mailng {
namespace {

// Record types (rec_type.h).
constexpr char kSize = 'C';
constexpr char kTime = 'T';
constexpr char kFrom = 'S';
constexpr char kRcpt = 'R';
constexpr char kMesg = 'M';
constexpr char kXtra = 'X';
constexpr char kPtr = 'p';
constexpr char kEnd = 'E';

// record.c refuses a fifth length byte: lengths have at most 28 bits.
constexpr std::size_t kMaxLengthBytes = 4;
constexpr std::size_t kMaxHeader = 1 + kMaxLengthBytes;

// A well-formed file is read once through, as every record is reached by one path;
// twice that bounds the work a pointer loop can cause.
constexpr std::uint64_t kTraversalFactor = 2;

// showq's var_dup_filter_limit default: how many defer log addresses it remembers.
constexpr std::size_t kDupFilterLimit = 1000;

bool is_ascii_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}

bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

bool is_alnum(unsigned char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_ascii_control(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

// showq and bounce_log work on C strings: a NUL ends the text.
std::string_view c_string(std::string_view text) {
    return text.substr(0, text.find('\0'));
}

std::string offset_error(std::uint64_t offset, std::string_view what) {
    return "queue file offset " + std::to_string(offset) + ": " + std::string(what);
}

// atol() as glibc does it: leading space, a sign, digits; saturates on overflow.
std::int64_t c_atol(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && is_ascii_space(static_cast<unsigned char>(text[i])))
        ++i;
    bool negative = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+'))
        ++i;
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t value = 0;
    for (; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) {
        int digit = text[i] - '0';
        if (value > (kMax - digit) / 10)
            return negative ? std::numeric_limits<std::int64_t>::min() : kMax;
        value = value * 10 + digit;
    }
    return negative ? -value : value;
}

// A pointer record's value (rec_goto, off_cvt_string): optional leading space, then
// only digits. nullopt when malformed or overflowing.
std::optional<std::uint64_t> pointer_value(std::string_view text) {
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    std::uint64_t value = 0;
    for (char c : text) {
        if (!is_digit(static_cast<unsigned char>(c)))
            return std::nullopt;
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (kMax - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// printable(): bytes outside printable ASCII become '?', except (utf8) a lead byte
// 0xC2..0xFE followed by continuation bytes, which pass with all those bytes.
void make_printable(std::string& text, bool utf8) {
    auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    auto continuation = [&](std::size_t i) { return i < text.size() && (at(i) & 0xC0) == 0x80; };
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = at(i);
        if (c >= 0x20 && c < 0x7f)
            continue;
        if (utf8 && c >= 0xC2 && c <= 0xFE && continuation(i + 1)) {
            while (continuation(i + 1))
                ++i;
            continue;
        }
        text[i] = '?';
    }
}

bool is_special_in_local_part(unsigned char c) {
    return std::string_view("()<>@,;:\\\"[]").find(static_cast<char>(c)) != std::string_view::npos;
}

// quote_822_local's is_822_dot_string(), 8-bit clean.
bool is_dot_string(std::string_view local) {
    if (local.empty() || local.front() == '.' || local.back() == '.')
        return false;
    for (std::size_t i = 0; i < local.size(); ++i) {
        auto c = static_cast<unsigned char>(local[i]);
        if (c == '.' && i + 1 < local.size() && local[i + 1] == '.')
            return false;
        if (c == ' ' || is_ascii_control(c) || is_special_in_local_part(c))
            return false;
    }
    return true;
}

// quote_822_local(): a local part that is not a dot-string becomes a quoted string;
// a source route ("@a,@b:") before it and the domain after the last '@' stay as they are.
std::string quote_local_part(std::string_view address) {
    std::size_t start = 0;
    if (!address.empty() && address.front() == '@')
        if (auto colon = address.find(':'); colon != std::string_view::npos)
            start = colon + 1;
    std::size_t end = address.rfind('@');
    if (end == std::string_view::npos || end < start)
        end = address.size();
    std::string_view local = address.substr(start, end - start);
    if (is_dot_string(local))
        return std::string(address);
    std::string out(address.substr(0, start));
    out += '"';
    for (char c : local) {
        if (c == '"' || c == '\\' || c == '\r')
            out += '\\';
        out += c;
    }
    out += '"';
    out += address.substr(end);
    return out;
}

// An envelope address as showq prints it; the null address stays "" (see the header).
std::string shown_address(std::string_view raw, bool utf8) {
    raw = c_string(raw);
    if (raw.empty())
        return {};
    std::string out = quote_local_part(raw);
    make_printable(out, utf8);
    return out;
}

// Record header decoding: type byte and length.
enum class HeaderStatus { ok, short_input, bad };

struct Header {
    unsigned char type = 0;
    std::size_t header_length = 0;
    std::uint64_t length = 0;
};

HeaderStatus decode_header(std::string_view bytes, Header& header) {
    if (bytes.empty())
        return HeaderStatus::short_input;
    header.type = static_cast<unsigned char>(bytes[0]);
    header.length = 0;
    for (std::size_t i = 0; i < kMaxLengthBytes; ++i) {
        if (1 + i >= bytes.size())
            return HeaderStatus::short_input;
        auto byte = static_cast<unsigned char>(bytes[1 + i]);
        header.length |= static_cast<std::uint64_t>(byte & 0x7f) << (7 * i);
        if ((byte & 0x80) == 0) {
            header.header_length = 2 + i;
            return HeaderStatus::ok;
        }
    }
    return HeaderStatus::bad;
}

// Records whose payload the parser reads; every other payload is skipped unread.
bool payload_needed(unsigned char type) {
    return std::string_view("CTSRp").find(static_cast<char>(type)) != std::string_view::npos;
}

} // namespace

struct QueueFileParser::Record {
    unsigned char type = 0;
    std::uint64_t offset = 0; // of the type byte
    std::uint64_t end = 0;    // offset after the payload
};

QueueFileParser::QueueFileParser(QueueName queue, std::string_view queue_id,
                                 const QueueFileContext& context)
    : context_(context), size_(context.size.value_or(0)) {
    message_.queue_name = queue;
    message_.queue_id = std::string(queue_id);
    message_.forced_expire = context.forced_expire;
    // showq's msg_size starts as the file size; a valid size record replaces it.
    message_size_ = size_;
}

QueueFileParser::Need QueueFileParser::need_header() const {
    return {position_,
            static_cast<std::size_t>(std::min<std::uint64_t>(kMaxHeader, size_ - position_))};
}

// The record at position_, if `bytes` (the file from `offset`) hold what is needed of
// it: its header, and its payload when the parser reads that.
Result<std::optional<QueueFileParser::Need>, std::string>
QueueFileParser::locate(std::uint64_t offset, std::string_view bytes, Record& record,
                        std::string_view& payload) const {
    const std::uint64_t window_end = offset + bytes.size();
    if (position_ >= size_)
        return unexpected(offset_error(position_, "end of file before the end (E) record"));
    if (position_ < offset || position_ >= window_end)
        return std::optional<Need>(need_header());
    std::string_view here = bytes.substr(position_ - offset);
    Header header;
    auto status = decode_header(here, header);
    if (status == HeaderStatus::bad)
        return unexpected(offset_error(position_, "record length has too many bytes"));
    if (status == HeaderStatus::short_input && window_end >= size_)
        return unexpected(offset_error(position_, "file ends in a record header"));
    if (status == HeaderStatus::short_input)
        return std::optional<Need>(need_header());
    if (header.type == 0)
        return unexpected(offset_error(position_, "record type 0"));
    record = {header.type, position_, position_ + header.header_length + header.length};
    if (record.end > size_)
        return unexpected(offset_error(position_, "record length " + std::to_string(header.length) +
                                                      " reaches past the end of the file"));
    if (!payload_needed(record.type))
        return std::optional<Need>();
    if (record.end > window_end)
        return std::optional<Need>(
            Need{position_, static_cast<std::size_t>(record.end - position_)});
    payload = here.substr(header.header_length, header.length);
    return std::optional<Need>();
}

Result<std::optional<QueueFileParser::Need>, std::string>
QueueFileParser::feed(std::uint64_t offset, std::string_view bytes) {
    for (;;) {
        Record record;
        std::string_view payload;
        auto located = locate(offset, bytes, record, payload);
        if (!located || *located)
            return located;
        traversed_ += record.end - record.offset;
        if (traversed_ > kTraversalFactor * size_)
            return unexpected(offset_error(position_, "pointer records loop"));
        position_ = record.end;
        auto step = handle(record, payload);
        if (!step)
            return unexpected(std::move(step.error()));
        if (*step == Step::done)
            return std::optional<Need>();
    }
}

Result<QueueFileParser::Step, std::string> QueueFileParser::handle(const Record& record,
                                                                   std::string_view payload) {
    if (expect_xtra_) {
        expect_xtra_ = false;
        if (record.type != kXtra)
            return unexpected(offset_error(record.offset, "the size record's content length does "
                                                          "not lead to the extracted (X) record"));
    }
    switch (record.type) {
    case kSize:
        return on_size(payload);
    case kTime:
        // Only the first non-zero time counts, as in showq.
        if (arrival_time_ == 0)
            arrival_time_ = c_atol(c_string(payload));
        return Step::next;
    case kFrom:
        return on_sender(record, payload);
    case kRcpt:
        return on_recipient(record, payload);
    case kMesg:
        return on_message_start(record);
    case kPtr:
        return on_pointer(record, payload);
    case kEnd:
        return on_end(record);
    default:
        return Step::next; // delivered (D, /), attributes, content, padding...
    }
}

// The first field of the size record is the content length, which showq reports as
// the message size and uses to skip the content. A malformed one is ignored (showq
// warns and uses the file size). Maildrop files may carry a preliminary one.
Result<QueueFileParser::Step, std::string> QueueFileParser::on_size(std::string_view payload) {
    if (size_ok_ || message_.queue_name == QueueName::maildrop)
        return Step::next;
    payload = c_string(payload);
    bool digits_and_spaces = std::all_of(payload.begin(), payload.end(), [](char c) {
        return c == ' ' || is_digit(static_cast<unsigned char>(c));
    });
    std::int64_t value = c_atol(payload);
    if (digits_and_spaces && value >= 0) {
        size_ok_ = true;
        message_size_ = static_cast<std::uint64_t>(value);
    }
    return Step::next;
}

// showq reports the time and size known when it meets the sender record.
Result<QueueFileParser::Step, std::string> QueueFileParser::on_sender(const Record& record,
                                                                      std::string_view payload) {
    if (sender_seen_)
        return unexpected(offset_error(record.offset, "second sender (S) record"));
    sender_seen_ = true;
    message_.sender = shown_address(payload, context_.utf8);
    message_.arrival_time = arrival_time_ > 0 ? arrival_time_ : context_.mtime;
    message_.message_size = message_size_;
    return Step::next;
}

Result<QueueFileParser::Step, std::string> QueueFileParser::on_recipient(const Record& record,
                                                                         std::string_view payload) {
    if (!sender_seen_)
        return unexpected(offset_error(record.offset, "recipient (R) record before the sender"));
    message_.recipients.push_back({shown_address(payload, context_.utf8), {}});
    return Step::next;
}

// The content starts here; with a valid size record it is skipped to the extracted
// segment, else read through (it holds no envelope records).
Result<QueueFileParser::Step, std::string> QueueFileParser::on_message_start(const Record& record) {
    content_seen_ = true;
    if (!size_ok_)
        return Step::next;
    if (message_size_ >= size_ - record.end)
        return unexpected(offset_error(record.offset, "content length " +
                                                          std::to_string(message_size_) +
                                                          " reaches past the end of the file"));
    position_ = record.end + message_size_;
    expect_xtra_ = true;
    return Step::next;
}

Result<QueueFileParser::Step, std::string> QueueFileParser::on_pointer(const Record& record,
                                                                       std::string_view payload) {
    auto target = pointer_value(c_string(payload));
    if (!target)
        return unexpected(offset_error(record.offset, "malformed pointer (p) record"));
    if (*target == 0) // a placeholder for later edits
        return Step::next;
    if (*target >= size_)
        return unexpected(offset_error(record.offset, "pointer past the end of the file"));
    position_ = *target;
    return Step::next;
}

Result<QueueFileParser::Step, std::string> QueueFileParser::on_end(const Record& record) {
    if (!sender_seen_)
        return unexpected(offset_error(record.offset, "no sender (S) record"));
    if (!content_seen_)
        return unexpected(offset_error(record.offset, "no message content (M) record"));
    return Step::done;
}

Result<QueueMessage, std::string> parse_queue_file(std::string_view bytes, QueueName queue,
                                                   std::string_view queue_id) {
    return parse_queue_file(bytes, queue, queue_id, QueueFileContext{});
}

Result<QueueMessage, std::string> parse_queue_file(std::string_view bytes, QueueName queue,
                                                   std::string_view queue_id,
                                                   const QueueFileContext& context) {
    QueueFileContext sized = context;
    sized.size = bytes.size(); // offsets past the bytes given would be reads out of bounds
    QueueFileParser parser(queue, queue_id, sized);
    auto need = parser.feed(0, bytes);
    if (!need)
        return unexpected(std::move(need.error()));
    if (*need) // cannot happen: every offset below size is inside the bytes
        return unexpected(offset_error((*need)->offset, "parser asked for more bytes"));
    return std::move(parser.message());
}

// --- defer logs ------------------------------------------------------------------------

namespace {

constexpr std::string_view kNullAddress = "(MAILER-DAEMON)";

struct LogEntryBuilder {
    std::string recipient;
    std::string reason;
    bool found = false; // some non-empty line since the last empty one
};

std::string_view trim_space(std::string_view text) {
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

// split_nameval(): "name = value"; false when there is no '=' after the name.
bool split_name_value(std::string_view line, std::string_view& name, std::string_view& value) {
    std::size_t name_end = 0;
    while (name_end < line.size() && line[name_end] != '=' &&
           !is_ascii_space(static_cast<unsigned char>(line[name_end])))
        ++name_end;
    std::size_t equals = name_end;
    while (equals < line.size() && is_ascii_space(static_cast<unsigned char>(line[equals])))
        ++equals;
    if (equals >= line.size() || line[equals] != '=')
        return false;
    name = line.substr(0, name_end);
    value = trim_space(line.substr(equals + 1));
    return true;
}

void read_attribute(std::string_view line, LogEntryBuilder& entry) {
    std::string_view name, value;
    if (!split_name_value(line, name, value))
        return; // bounce_log warns and goes on
    if (name == "recipient")
        entry.recipient = value.empty() ? kNullAddress : value;
    else if (name == "reason")
        entry.reason = value;
}

// The old format, still written before the attributes: "<recipient>: reason".
void read_old_style(std::string_view line, LogEntryBuilder& entry) {
    auto close = line.find(">: ", 1);
    if (close == std::string_view::npos)
        return;
    std::string_view recipient = line.substr(1, close - 1);
    entry.recipient = recipient.empty() ? kNullAddress : recipient;
    std::string_view text = line.substr(close + 2);
    while (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    entry.reason = text;
}

void read_log_line(std::string_view raw, bool utf8, LogEntryBuilder& entry) {
    std::string line(c_string(raw));
    make_printable(line, utf8);
    entry.found = true;
    if (!line.empty() && is_alnum(static_cast<unsigned char>(line[0])))
        read_attribute(line, entry);
    else if (!line.empty() && line[0] == '<')
        read_old_style(line, entry);
}

DeferLogEntry finish_entry(LogEntryBuilder& entry) {
    DeferLogEntry out{std::move(entry.recipient), std::move(entry.reason)};
    if (out.recipient.empty())
        out.recipient = "(recipient address unavailable)";
    if (out.reason.empty())
        out.reason = "(description unavailable)";
    entry = {};
    return out;
}

} // namespace

std::vector<DeferLogEntry> parse_defer_log_entries(std::string_view bytes, bool utf8) {
    std::vector<DeferLogEntry> entries;
    LogEntryBuilder entry;
    while (!bytes.empty()) {
        auto newline = bytes.find('\n');
        std::string_view line = bytes.substr(0, newline);
        bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
        if (line.empty() || line[0] == '\0') { // an empty line ends an entry
            if (entry.found)
                entries.push_back(finish_entry(entry));
            continue;
        }
        read_log_line(line, utf8, entry);
    }
    return entries; // an entry without its empty line is incomplete: left out
}

std::map<std::string, std::string> parse_defer_log(std::string_view bytes) {
    std::map<std::string, std::string> reasons;
    for (auto& entry : parse_defer_log_entries(bytes))
        reasons[std::move(entry.recipient)] = std::move(entry.reason);
    return reasons;
}

void merge_defer_log(QueueMessage& message, const std::vector<DeferLogEntry>& log) {
    if (log.empty())
        return;
    std::set<std::string_view> named; // showq's duplicate filter
    std::vector<QueueRecipient> merged;
    merged.reserve(log.size() + message.recipients.size());
    for (const auto& entry : log) {
        if (named.size() < kDupFilterLimit)
            named.insert(entry.recipient);
        merged.push_back({entry.recipient, entry.reason});
    }
    for (auto& recipient : message.recipients) {
        // showq compares its printed form, where the null address is MAILER-DAEMON.
        std::string_view key = recipient.address;
        if (key.empty())
            key = "MAILER-DAEMON";
        if (!named.contains(key))
            merged.push_back(std::move(recipient));
    }
    message.recipients = std::move(merged);
}

} // namespace mailng
