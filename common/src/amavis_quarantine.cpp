#include "mailng/amavis_quarantine.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace mailng {
namespace {

struct TypeInfo {
    QuarantineType type;
    std::string_view name;
    std::string_view prefix;
};

constexpr TypeInfo kTypes[] = {
    {QuarantineType::spam, "spam", "spam"},
    {QuarantineType::virus, "virus", "virus"},
    {QuarantineType::banned, "banned", "banned"},
    {QuarantineType::bad_header, "bad_header", "badh"},
    {QuarantineType::unchecked, "unchecked", "unchecked"},
    {QuarantineType::clean, "clean", "clean"},
    {QuarantineType::archive, "archive", "archive"},
};

const TypeInfo& info(QuarantineType type) {
    for (const auto& entry : kTypes)
        if (entry.type == type)
            return entry;
    return kTypes[0];
}

bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_base64url(char c) {
    return is_alnum(c) || c == '-' || c == '_';
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view strip_angle_brackets(std::string_view value) {
    if (value.size() >= 2 && value.front() == '<' && value.back() == '>')
        return value.substr(1, value.size() - 2);
    return value;
}

// --- the header block ----------------------------------------------------------------

struct Header {
    std::string name;
    std::string value;  // unfolded, untrimmed
};

// Splits the header block into unfolded headers. Stops at the empty line that ends it,
// at the end of the input, or at `max_bytes`. Lines that are neither a header nor a
// continuation (no ':' in them) are skipped, as MUAs do.
class HeaderReader {
public:
    HeaderReader(std::string_view content, std::size_t max_bytes)
        : rest_(content.substr(0, max_bytes)), capped_(content.size() > max_bytes) {}

    std::vector<Header> read() {
        std::vector<Header> headers;
        while (auto line = next_line()) {
            if (line->empty()) {
                complete_ = true;
                break;
            }
            add_line(*line, headers);
        }
        return headers;
    }

    bool complete() const { return complete_; }

private:
    std::optional<std::string_view> next_line() {
        auto end = rest_.find('\n');
        // A last line without LF is whole only when the input was not cut by the cap.
        if (end == std::string_view::npos && (rest_.empty() || capped_))
            return std::nullopt;
        std::string_view line = rest_.substr(0, end);
        rest_.remove_prefix(end == std::string_view::npos ? rest_.size() : end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        return line;
    }

    static void add_line(std::string_view line, std::vector<Header>& headers) {
        if ((line.front() == ' ' || line.front() == '\t')) {
            if (!headers.empty())
                headers.back().value += line;
            return;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return;
        headers.push_back({std::string(trim(line.substr(0, colon))), std::string(line.substr(colon + 1))});
    }

    std::string_view rest_;
    bool capped_;
    bool complete_ = false;
};

std::optional<double> parse_score(std::string_view text) {
    text = trim(text);
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

void set_once(std::string& field, bool& seen, std::string_view value) {
    if (seen)
        return;
    seen = true;
    field = std::string(trim(value));
}

// Fills the entry from one header; only the first occurrence of each name counts.
class EntryBuilder {
public:
    explicit EntryBuilder(QuarantineEntry& entry) : entry_(entry) {}

    void add(const Header& header) {
        for (auto& field : text_fields())
            if (equal_ignoring_case(header.name, field.name))
                return set_once(*field.target, field_seen(field.name), header.value);
        if (equal_ignoring_case(header.name, "X-Spam-Score") && !score_seen_) {
            score_seen_ = true;
            entry_.spam_score = parse_score(header.value);
        }
    }

    void finish() {
        entry_.sender = std::string(strip_angle_brackets(entry_.sender));
        entry_.quarantine_id = std::string(strip_angle_brackets(entry_.quarantine_id));
        entry_.recipients = envelope_addresses(envelope_to_);
        entry_.blocked_recipients = envelope_addresses(envelope_to_blocked_);
        entry_.spam_flag = equal_ignoring_case(spam_flag_, "YES");
    }

private:
    struct TextField {
        std::string_view name;
        std::string* target;
    };

    std::vector<TextField> text_fields() {
        return {{"X-Envelope-From", &entry_.sender},     {"X-Envelope-To", &envelope_to_},
                {"X-Envelope-To-Blocked", &envelope_to_blocked_},
                {"X-Quarantine-ID", &entry_.quarantine_id}, {"X-Spam-Flag", &spam_flag_},
                {"X-Amavis-Alert", &entry_.alert},       {"Subject", &entry_.subject},
                {"From", &entry_.from},                  {"Date", &entry_.date},
                {"Message-ID", &entry_.message_id}};
    }

    bool& field_seen(std::string_view name) {
        auto it = std::find_if(seen_.begin(), seen_.end(), [&](const auto& s) { return s.first == name; });
        if (it == seen_.end())
            return seen_.emplace_back(name, false).second;
        return it->second;
    }

    QuarantineEntry& entry_;
    std::string envelope_to_, envelope_to_blocked_, spam_flag_;
    std::vector<std::pair<std::string_view, bool>> seen_;
    bool score_seen_ = false;
};

bool starts_like_a_header(std::string_view content) {
    auto end = content.find_first_of(":\n");
    return end != std::string_view::npos && end > 0 && content[end] == ':' &&
           content.front() != ' ' && content.front() != '\t';
}

} // namespace

std::string_view to_string(QuarantineType type) {
    return info(type).name;
}

std::optional<QuarantineType> parse_quarantine_type(std::string_view name) {
    for (const auto& entry : kTypes)
        if (entry.name == name)
            return entry.type;
    return std::nullopt;
}

std::string_view file_prefix(QuarantineType type) {
    return info(type).prefix;
}

bool is_valid_mail_id(std::string_view mail_id) {
    return (mail_id.size() == 12 || mail_id.size() == 16) &&
           std::all_of(mail_id.begin(), mail_id.end(), is_base64url) && is_alnum(mail_id.front()) &&
           is_alnum(mail_id.back());
}

std::optional<QuarantineFileName> parse_quarantine_file_name(std::string_view name) {
    QuarantineFileName parsed;
    if (name.ends_with(".gz")) {
        parsed.gzipped = true;
        name.remove_suffix(3);
    }
    auto dash = name.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    auto prefix = name.substr(0, dash);
    auto type = std::find_if(std::begin(kTypes), std::end(kTypes),
                             [&](const TypeInfo& t) { return t.prefix == prefix; });
    std::string_view mail_id = name.substr(dash + 1);
    if (type == std::end(kTypes) || !is_valid_mail_id(mail_id))
        return std::nullopt;
    parsed.type = type->type;
    parsed.mail_id = std::string(mail_id);
    return parsed;
}

std::string quarantine_file_name(QuarantineType type, std::string_view mail_id, bool gzipped) {
    return std::string(file_prefix(type)) + "-" + std::string(mail_id) + (gzipped ? ".gz" : "");
}

std::vector<std::string> envelope_addresses(std::string_view value) {
    std::vector<std::string> addresses;
    if (value.find('<') == std::string_view::npos) {
        for (std::size_t start = 0; start <= value.size();) {
            auto comma = std::min(value.find(',', start), value.size());
            if (auto address = trim(value.substr(start, comma - start)); !address.empty())
                addresses.emplace_back(address);
            start = comma + 1;
        }
        return addresses;
    }
    for (auto open = value.find('<'); open != std::string_view::npos; open = value.find('<', open + 1)) {
        auto close = value.find('>', open + 1);
        if (close == std::string_view::npos)
            break;
        addresses.emplace_back(value.substr(open + 1, close - open - 1));
        open = close;
    }
    return addresses;
}

Result<QuarantineEntry, std::string> parse_quarantine_file(std::string_view file_name,
                                                           std::string_view content,
                                                           std::size_t max_header_bytes) {
    auto name = parse_quarantine_file_name(file_name);
    if (!name)
        return unexpected(std::string("not an amavisd quarantine file name"));
    if (!starts_like_a_header(content.substr(0, max_header_bytes)))
        return unexpected(std::string("not a quarantined message: no header at the start"));
    QuarantineEntry entry;
    entry.file_name = std::string(file_name);
    entry.mail_id = name->mail_id;
    entry.type = name->type;
    entry.gzipped = name->gzipped;
    HeaderReader reader(content, max_header_bytes);
    EntryBuilder builder(entry);
    for (const auto& header : reader.read())
        builder.add(header);
    builder.finish();
    entry.headers_complete = reader.complete();
    return entry;
}

nlohmann::json to_json(const QuarantineEntry& entry) {
    return {{"mail_id", entry.mail_id},
            {"file", entry.file_name},
            {"type", std::string(to_string(entry.type))},
            {"sender", entry.sender},
            {"recipients", entry.recipients},
            {"blocked_recipients", entry.blocked_recipients},
            {"subject", entry.subject},
            {"from", entry.from},
            {"date", entry.date},
            {"score", entry.spam_score ? nlohmann::json(*entry.spam_score) : nlohmann::json(nullptr)},
            {"spam_flag", entry.spam_flag},
            {"alert", entry.alert},
            {"size", entry.size},
            {"complete", entry.headers_complete}};
}

} // namespace mailng
