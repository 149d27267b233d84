// The Postfix policy delegation protocol (SMTPD_POLICY_README), as pure functions over
// bytes: a reader that turns a connection's byte stream into requests, the reply
// formatter, the contract answers of DESIGN.md, and the recipient normaliser.
//
// Nothing here does I/O or logs. The caller owns the socket: it feeds what it reads,
// answers each request with exactly one format_reply(), and when the reader reports an
// error it logs PolicyError::to_string() and closes that one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailng/result.h"

namespace mailng {

/// The value of `request=` in every query that smtpd sends.
inline constexpr std::string_view kSmtpdAccessPolicy = "smtpd_access_policy";

/// One query: every attribute as sent, plus typed copies of those mailng uses.
///
/// Typed fields hold the LAST occurrence of their name (Postfix never repeats a name);
/// an absent or empty attribute leaves a string empty and a number 0. `size` is 0 at
/// RCPT when the client gave no SIZE=, and `recipient` is empty at DATA and
/// END-OF-MESSAGE when there were several recipients. A request without `request=`,
/// or with another value than kSmtpdAccessPolicy, is still returned: deciding what to
/// answer is the caller's business, not the codec's.
struct PolicyRequest {
    std::string request;
    std::string protocol_state;  // CONNECT, EHLO, HELO, MAIL, RCPT, DATA, END-OF-MESSAGE, VRFY, ETRN
    std::string protocol_name;   // SMTP, ESMTP, LMTP
    std::string client_address;
    std::string client_name;
    std::string reverse_client_name;
    std::string helo_name;
    std::string sender;
    std::string recipient;
    std::string queue_id;
    std::string instance;        // the same for every query about one message
    std::string sasl_method;
    std::string sasl_username;
    std::string sasl_sender;
    std::string stress;          // "yes" when smtpd is overloaded
    std::uint64_t recipient_count = 0;
    std::uint64_t size = 0;

    /// Every `name=value` line in arrival order, repeated and unknown names included.
    std::vector<std::pair<std::string, std::string>> attributes;

    /// The value of the last attribute called `name`, or nullopt when there is none.
    /// The view points into this request and lives as long as it is not modified.
    std::optional<std::string_view> value(std::string_view name) const;
};

/// Bounds on what one connection may send. A Postfix 3.7 request has about 30
/// attributes and a few hundred bytes; the longest values (sender, recipient,
/// helo_name) are bounded by smtpd's line_length_limit of 2048, and ccert_* values
/// are a CN or a hex fingerprint. The defaults leave room for twice that.
struct PolicyLimits {
    std::size_t max_line = 4096;           // bytes of one line, without LF or CRLF
    std::size_t max_attributes = 128;      // attribute lines in one request
    std::size_t max_request_bytes = 32768; // one request, line ends and final empty line included
};

/// Why a reader stopped. None of these happens with a well-behaved Postfix.
enum class PolicyErrorKind {
    line_too_long,
    too_many_attributes,
    request_too_large,
    missing_equals,  // an attribute line without '=' or with an empty name
    nul_byte,
    bare_cr,         // a CR that is not directly before the LF
    bad_number,      // recipient_count or size not a plain unsigned decimal
};

struct PolicyError {
    PolicyErrorKind kind = PolicyErrorKind::missing_equals;
    std::size_t line = 0; // 1-based line number within the connection

    /// "line N: reason", for the log. Never quotes the offending bytes, so a client
    /// cannot write into the log through it.
    std::string to_string() const;
};

/// What one feed() produced: the requests completed by those bytes, in order, and the
/// error that stopped the reader, if any. Requests completed before an error are valid
/// and may be answered before the connection is closed.
struct PolicyFeedResult {
    std::vector<PolicyRequest> requests;
    std::optional<PolicyError> error;
};

/// Reassembles requests from a persistent connection whose bytes arrive in arbitrary
/// pieces. An empty line ends a request (an empty line alone is a request without
/// attributes). LF and CRLF line ends are both accepted, even mixed.
///
/// Memory is bounded by the limits, not by what the peer sends: an over-long line or
/// request is detected before it is buffered. Once an error is reported, the reader
/// stays failed: every later feed() returns no request and the same error.
class PolicyRequestReader {
public:
    explicit PolicyRequestReader(PolicyLimits limits = {});

    /// Consumes `bytes` (which the reader does not keep a reference to). The returned
    /// requests are owned by the caller.
    PolicyFeedResult feed(std::string_view bytes);

    /// True when part of a request is buffered: a connection closed now ends mid-request.
    bool mid_request() const { return request_bytes_ > 0; }

    /// The error that stopped the reader, or nullopt while it is healthy.
    const std::optional<PolicyError>& error() const { return error_; }

private:
    bool append_to_line(std::string_view piece);
    bool end_line(std::vector<PolicyRequest>& done);
    bool add_attribute(std::string_view line);
    bool fail(PolicyErrorKind kind);

    PolicyLimits limits_;
    std::string line_;              // the current, incomplete line
    PolicyRequest request_;         // the current, incomplete request
    std::size_t request_bytes_ = 0; // bytes of request_ so far, line_ included
    std::size_t line_number_ = 1;
    std::optional<PolicyError> error_;
};

/// The bytes that answer one request: "action=" + action + "\n\n".
/// Fails, with a message for the log, when `action` is empty or contains CR, LF or
/// NUL, so that a reply can never carry a second line or end a second request.
/// Callers then answer with their failure action instead.
Result<std::string, std::string> format_reply(std::string_view action);

/// format_reply() with extra attribute lines after the action, in the given order:
/// "action=ACTION\nname=value\n...\n". Postfix ignores attributes it does not know, so
/// the bridge can tell policyd more than Postfix needs (mailng_status, mailng_ttl).
/// Fails like format_reply(), and also when a name is empty, is "action", or holds '=',
/// or when a name or value holds CR, LF or NUL.
Result<std::string, std::string> format_reply(
    std::string_view action, const std::vector<std::pair<std::string, std::string>>& extra);

/// One reply as a policy client (mailng-policyd asking a bridge) reads it.
struct PolicyReplyMessage {
    std::string action;  // the value of the one action= line, never empty
    /// Every other `name=value` line in arrival order.
    std::vector<std::pair<std::string, std::string>> attributes;

    /// The value of the last attribute called `name`, or nullopt when there is none.
    std::optional<std::string_view> value(std::string_view name) const;
};

/// Parses one complete reply: attribute lines (LF or CRLF) ending with the empty line,
/// and nothing after it. A client reads until it has "\n\n" (asio::async_read_until),
/// then calls this on exactly those bytes. Fails, with a message for the log that never
/// quotes the peer's bytes, when there is no action= line, more than one, an empty action,
/// a malformed line, no final empty line, bytes after it, or a limit is exceeded (the
/// limits of PolicyRequestReader apply; a reply is parsed by the same reader).
Result<PolicyReplyMessage, std::string> parse_reply(std::string_view bytes,
                                                    PolicyLimits limits = {});

// The contract answers of DESIGN.md, without "action=". `address` is the recipient as
// Postfix sent it, shown between angle brackets as Postfix does in its own rejects.

/// "550 5.1.1 <address>: Recipient address rejected: User unknown"
std::string reject_unknown_user(std::string_view address);
/// "550 5.2.1 <address>: Mailbox disabled"
std::string reject_disabled(std::string_view address);
/// "552 5.2.2 <address>: Mailbox full"
std::string reject_over_quota(std::string_view address);
/// "DUNNO": no opinion, Postfix goes on with its other restrictions.
std::string dunno();

/// What to answer when a backend (bridge, LDAP, quota source) fails or is slow: the
/// `on_backend_failure` setting. Never a 5xx.
enum class FailureAction { defer_if_permit, dunno };

/// "defer_if_permit" or "dunno" (exact, lowercase); nullopt for anything else.
std::optional<FailureAction> parse_failure_action(std::string_view name);

/// "DEFER_IF_PERMIT 4.3.0 <address>: Temporary lookup failure", or "DUNNO".
std::string failure_action(FailureAction action, std::string_view address);

/// A recipient split for lookups. Both parts are lowercased (ASCII only; UTF-8 bytes
/// are kept as they are): the directory compares addresses case-insensitively, and a
/// cache keyed by address must not hold "User@x" and "user@x" apart.
struct NormalisedAddress {
    std::string local;  // local part without the extension
    std::string detail; // the extension without its delimiter; empty when none
    std::string domain;

    /// "local@domain": the key for directory and quota lookups.
    std::string address() const;
};

enum class AddressError {
    empty,             // "" (the recipient at DATA with several recipients)
    no_at_sign,
    empty_local_part,  // "@example.edu"
    empty_domain,      // "user@"
    quoted_local_part, // "\"john doe\"@example.edu": mailng's directory holds none
};

/// "empty address", "no '@' in address", ...
std::string_view address_error_message(AddressError error);

/// Splits `address` at its last '@' and strips the extension from the local part as
/// Postfix's recipient_delimiter does: at the first character that is in
/// `delimiters` (empty: no extension), except when that character is the first one
/// ("+tag@x" keeps local part "+tag") and except for the local parts postmaster,
/// mailer-daemon and double-bounce (which matters when '-' is a delimiter). Quoted
/// local parts are refused rather than half understood: the caller answers DUNNO and
/// leaves them to Postfix.
Result<NormalisedAddress, AddressError> normalise_recipient(std::string_view address,
                                                            std::string_view delimiters = "+");

} // namespace mailng
