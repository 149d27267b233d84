// Quota source `maildirsize`: the maildir++ quota file that Dovecot (quota = maildir)
// and Courier keep per mailbox. In mailng's layout Dovecot writes it in the CONTROL
// directory, ROOT/<login>/maildirsize (docs/lab-dovecot.md), so ROOT is the
// back-end's paths.control_root, not the mail root.
//
// The file: a first line of limits ("20000S", "1000000S,500C", empty: none), then one
// line "BYTES COUNT" per change, signed, to be summed (Dovecot and Courier append and
// recalculate from time to time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailng/result.h"
#include "quota_source.h"

namespace mailng::bridge {

/// A limit of nullopt means unlimited (absent from the file or written as 0).
struct MaildirsizeLimits {
    std::optional<std::uint64_t> bytes;
    std::optional<std::uint64_t> messages;
};

struct Maildirsize {
    MaildirsizeLimits limits;
    std::int64_t bytes = 0;    // sum of the usage lines; may be < 0 in a racy file
    std::int64_t messages = 0;
};

struct MaildirsizeError {
    int line = 0;              // 1-based line of the file
    std::string message;       // "bad limit \"12X\"", ...; never quotes more than a field
};

/// Parses the whole file. Pure. Blank lines are skipped (a trailing newline, or a
/// Courier-padded file); a number out of range, a limit other than NNNS/NNNC, a
/// repeated limit, or a usage line that is not exactly two signed decimals is an error.
Result<Maildirsize, MaildirsizeError> parse_maildirsize(std::string_view text);

/// Whether `size` more bytes and one more message fit under `limits` given the usage
/// in `file`. Pure. A `size` of 0 (unknown) counts as 1 byte: even an empty message
/// does not fit into a mailbox that is exactly at its limit. Usage below 0 counts as 0.
Room maildirsize_room(const MaildirsizeLimits& limits, const Maildirsize& file, std::uint64_t size);

/// The limits that apply: the byte limit from the directory when the entry has
/// mailQuota (what Dovecot's quota_rule uses, effective at once, while the file's
/// header is only rewritten at Dovecot's next access; 0 = unlimited as in Dovecot),
/// otherwise the file's own; the message-count limit always from the file.
MaildirsizeLimits effective_limits(const Maildirsize& file, std::optional<std::uint64_t> ldap_limit);

/// Reads ROOT/<login>/maildirsize for each check.
///
/// - A missing file (or missing login directory) fits: Dovecot creates it on the first
///   delivery or quota calculation, so there is nothing stored yet that it knows of.
/// - Unreadable, larger than 1 MiB, or malformed: TryAgain (the bridge cannot tell).
/// - A login that cannot be a single path component ("", ".", "..", containing '/'
///   or NUL): TryAgain, never a path outside ROOT.
class MaildirsizeQuota final : public QuotaChecker {
public:
    explicit MaildirsizeQuota(std::string root) : root_(std::move(root)) {}
    Result<Room, TryAgain> check(const QuotaQuery& query, std::uint64_t size) override;

private:
    std::string root_;
};

} // namespace mailng::bridge
