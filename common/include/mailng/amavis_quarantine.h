// amavisd-new file quarantine: the file names it writes and the header block of a
// quarantined message, as pure functions over bytes.
//
// A quarantine file (`local:spam-%m.gz` and friends, amavisd-new 2.13) is the original
// message with amavisd's own headers in front, in one header block:
//   Return-Path, Delivered-To, X-Envelope-From, X-Envelope-To, X-Envelope-To-Blocked,
//   X-Quarantine-ID, X-Spam-Flag, X-Spam-Score, X-Spam-Level, X-Spam-Status
//   (X-Amavis-Alert for virus and banned files), then the message's own Received, Date,
//   From, Subject... (tests/data/amavis has two real ones).
// Decompression is the caller's: it gunzips (when the name ends in .gz) at most
// kMaxQuarantineHeaderBytes and passes those bytes; the parser never reads further.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailng/result.h"

namespace mailng {

/// The kinds of quarantine amavisd writes, by their default file-name prefixes
/// (Amavis::Conf: virus-%m, banned-%m, spam-%m.gz, badh-%m, unchecked-%m, clean-%m,
/// archive-%m.gz).
enum class QuarantineType { spam, virus, banned, bad_header, unchecked, clean, archive };

/// The name used in the API and in the console: "spam", "virus", "banned",
/// "bad_header", "unchecked", "clean", "archive".
std::string_view to_string(QuarantineType type);

/// The inverse of to_string(); nullopt for anything else.
std::optional<QuarantineType> parse_quarantine_type(std::string_view name);

/// The file-name prefix: "spam", "virus", "banned", "badh", "unchecked", "clean", "archive".
std::string_view file_prefix(QuarantineType type);

/// An amavisd mail_id: 12 characters of base64url ([A-Za-z0-9_-]; 16 when
/// $mail_id_size_bits is 96), starting and ending with a letter or digit, as
/// Amavis::Util::generate_mail_id makes them - so never with a leading '-'.
bool is_valid_mail_id(std::string_view mail_id);

struct QuarantineFileName {
    QuarantineType type = QuarantineType::spam;
    std::string mail_id;
    bool gzipped = false;
};

/// Splits a quarantine file's base name, "<prefix>-<mail_id>" with an optional ".gz";
/// nullopt for any other name (paths, other prefixes, bad mail_ids). This is the
/// validator for every file name that reaches amavisd-release or a delete.
std::optional<QuarantineFileName> parse_quarantine_file_name(std::string_view name);

/// The file name amavisd gives a mail_id of a type, with ".gz" when gzipped.
std::string quarantine_file_name(QuarantineType type, std::string_view mail_id, bool gzipped);

/// Header bytes read at most. A real quarantine header block is a few KiB; a
/// message with hundreds of Received lines stays under 64 KiB.
inline constexpr std::size_t kMaxQuarantineHeaderBytes = 256 * 1024;

/// What quarantine.list shows of one file. Header values are unfolded (the line break
/// of a folded header removed, its whitespace kept) and trimmed, otherwise raw:
/// `subject` and `from` keep RFC 2047 encoded-words ("=?UTF-8?B?...?=") and any 8-bit
/// bytes as they are - decoding is the console's business. A header that appears more
/// than once counts with its first occurrence, which is amavisd's, in front of the
/// original message's.
struct QuarantineEntry {
    std::string file_name;
    std::string mail_id;
    QuarantineType type = QuarantineType::spam;
    bool gzipped = false;
    std::string sender;                       // X-Envelope-From without <>; "" = null sender
    std::vector<std::string> recipients;      // X-Envelope-To
    std::vector<std::string> blocked_recipients;  // X-Envelope-To-Blocked
    std::string quarantine_id;                // X-Quarantine-ID without <>
    std::optional<double> spam_score;         // X-Spam-Score
    bool spam_flag = false;                   // X-Spam-Flag: YES
    std::string alert;                        // X-Amavis-Alert (virus, banned)
    std::string subject;
    std::string from;                         // the message's From header
    std::string date;                         // the message's Date header, as written
    std::string message_id;
    std::uint64_t size = 0;                   // not set by the parser: the caller knows it
    bool headers_complete = false;            // false when the input or the cap ended first
};

/// Parses the header block at the start of `content` (the decompressed file, or its
/// first bytes), for the file called `file_name` (a base name, validated with
/// parse_quarantine_file_name()). Reads at most `max_header_bytes`; lines may end in
/// LF or CRLF. Errors: the file name is not a quarantine file name; the content does
/// not start with a header line.
Result<QuarantineEntry, std::string> parse_quarantine_file(
    std::string_view file_name, std::string_view content,
    std::size_t max_header_bytes = kMaxQuarantineHeaderBytes);

/// The addresses in an envelope header value such as "<a@b>, <c@d>" (amavisd always
/// writes them in angle brackets; "<>" is the null address ""). A value without any
/// '<' is split on commas instead.
std::vector<std::string> envelope_addresses(std::string_view value);

/// The quarantine.list item: {"mail_id","file","type","sender","recipients",
/// "blocked_recipients","subject","from","date","score" (null when absent),
/// "spam_flag","alert","size","complete"}. Invalid UTF-8 is left for the JSON writer
/// (format_result replaces it).
nlohmann::json to_json(const QuarantineEntry& entry);

} // namespace mailng
