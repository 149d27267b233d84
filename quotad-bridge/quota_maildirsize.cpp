#include "quota_maildirsize.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace mailng::bridge {
namespace {

constexpr std::size_t kMaxFileBytes = 1 << 20;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
    return text;
}

/// The whole of `text` as a number of type T, or nullopt (empty, a sign where T has
/// none, trailing bytes, out of range).
template <typename T>
std::optional<T> parse_number(std::string_view text) {
    T value{};
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc{} || stop != end) return std::nullopt;
    return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> found;
    std::size_t at = 0;
    while (at < line.size()) {
        while (at < line.size() && is_blank(line[at])) ++at;
        std::size_t start = at;
        while (at < line.size() && !is_blank(line[at])) ++at;
        if (at > start) found.push_back(line.substr(start, at - start));
    }
    return found;
}

MaildirsizeError error_at(int line, std::string message) { return {line, std::move(message)}; }

/// Sets the limit that `spec` ("20000S", "10C") names; 0 stays unlimited.
std::optional<std::string> apply_limit(std::string_view spec, MaildirsizeLimits& limits,
                                       bool& seen_bytes, bool& seen_messages) {
    if (spec.size() < 2) return "bad limit \"" + std::string(spec) + "\"";
    char kind = spec.back();
    auto number = parse_number<std::uint64_t>(spec.substr(0, spec.size() - 1));
    bool bytes = kind == 'S';
    if (!number || (kind != 'S' && kind != 'C')) return "bad limit \"" + std::string(spec) + "\"";
    bool& seen = bytes ? seen_bytes : seen_messages;
    if (seen) return "repeated limit \"" + std::string(spec) + "\"";
    seen = true;
    (bytes ? limits.bytes : limits.messages) =
        *number == 0 ? std::nullopt : std::optional<std::uint64_t>(*number);
    return std::nullopt;
}

Result<MaildirsizeLimits, MaildirsizeError> parse_limits(std::string_view line) {
    MaildirsizeLimits limits;
    line = trim(line);
    if (line.empty()) return limits;
    bool seen_bytes = false, seen_messages = false;
    for (auto spec : split(line, ',')) {
        if (auto problem = apply_limit(trim(spec), limits, seen_bytes, seen_messages))
            return unexpected(error_at(1, *problem));
    }
    return limits;
}

/// Adds one "BYTES COUNT" line to `file`; false when it is not one or the sum overflows.
bool add_usage(std::string_view line, Maildirsize& file) {
    auto parts = fields(line);
    if (parts.size() != 2) return false;
    auto bytes = parse_number<std::int64_t>(parts[0]);
    auto messages = parse_number<std::int64_t>(parts[1]);
    if (!bytes || !messages) return false;
    return !__builtin_add_overflow(file.bytes, *bytes, &file.bytes) &&
           !__builtin_add_overflow(file.messages, *messages, &file.messages);
}

bool is_single_path_component(std::string_view login) {
    return !login.empty() && login != "." && login != ".." &&
           login.find('/') == std::string_view::npos && login.find('\0') == std::string_view::npos;
}

enum class ReadOutcome { read, missing, failed };

/// Reads at most kMaxFileBytes + 1 bytes of `path` into `text`; `why` says why not.
ReadOutcome read_small_file(const std::string& path, std::string& text, std::string& why) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return ReadOutcome::missing;
        why = std::strerror(errno);
        return ReadOutcome::failed;
    }
    text.assign(kMaxFileBytes + 1, '\0');
    std::size_t filled = 0;
    ssize_t got = 0;
    while (filled < text.size() &&
           ((got = ::read(fd, text.data() + filled, text.size() - filled)) > 0 || (got < 0 && errno == EINTR)))
        filled += got > 0 ? static_cast<std::size_t>(got) : 0;
    if (got < 0) why = std::strerror(errno);
    ::close(fd);
    text.resize(filled);
    if (why.empty() && filled > kMaxFileBytes) why = "larger than 1 MiB";
    return why.empty() ? ReadOutcome::read : ReadOutcome::failed;
}

} // namespace

Result<Maildirsize, MaildirsizeError> parse_maildirsize(std::string_view text) {
    auto lines = split(text, '\n');
    auto limits = parse_limits(lines.front());
    if (!limits) return unexpected(limits.error());
    Maildirsize file{*limits, 0, 0};
    for (std::size_t index = 1; index < lines.size(); ++index) {
        if (trim(lines[index]).empty()) continue;
        if (!add_usage(lines[index], file))
            return unexpected(error_at(static_cast<int>(index + 1), "bad usage line"));
    }
    return file;
}

Room maildirsize_room(const MaildirsizeLimits& limits, const Maildirsize& file, std::uint64_t size) {
    auto used_bytes = static_cast<std::uint64_t>(file.bytes < 0 ? 0 : file.bytes);
    auto used_messages = static_cast<std::uint64_t>(file.messages < 0 ? 0 : file.messages);
    std::uint64_t wanted = size == 0 ? 1 : size;
    if (limits.bytes && (used_bytes >= *limits.bytes || wanted > *limits.bytes - used_bytes))
        return Room::full;
    if (limits.messages && used_messages >= *limits.messages) return Room::full;
    return Room::fits;
}

MaildirsizeLimits effective_limits(const Maildirsize& file, std::optional<std::uint64_t> ldap_limit) {
    MaildirsizeLimits limits = file.limits;
    if (ldap_limit)
        limits.bytes = *ldap_limit == 0 ? std::nullopt : ldap_limit;
    return limits;
}

Result<Room, TryAgain> MaildirsizeQuota::check(const QuotaQuery& query, std::uint64_t size) {
    if (!is_single_path_component(query.login))
        return unexpected(TryAgain{"maildirsize: login is not a plain name"});
    std::string path = root_ + "/" + query.login + "/maildirsize";
    std::string text, why;
    switch (read_small_file(path, text, why)) {
    case ReadOutcome::missing: return Room::fits;
    case ReadOutcome::failed: return unexpected(TryAgain{"maildirsize: " + path + ": " + why});
    case ReadOutcome::read: break;
    }
    auto file = parse_maildirsize(text);
    if (!file)
        return unexpected(TryAgain{"maildirsize: " + path + ":" + std::to_string(file.error().line) +
                                   ": " + file.error().message});
    return maildirsize_room(effective_limits(*file, query.ldap_limit), *file, size);
}

} // namespace mailng::bridge
