// Quota source `dovecot-quota-status`: a client of Dovecot's quota-status service
// (`quota-status -p postfix`), which speaks the Postfix policy protocol. It is asked
// about the MAILBOX (login@primary_domain), never the address the sender used:
// quota-status does not know aliases, groups or virtual domains and answers DUNNO for
// them (docs/lab-dovecot.md), which would let mail for a full mailbox through.
//
// Dovecot applies its own quota_grace (10 % by default) to the answer, so this source
// refuses exactly what Dovecot's LMTP would refuse.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailng/policy_protocol.h"
#include "mailng/result.h"
#include "quota_source.h"

namespace mailng::bridge {

/// The request for `mailbox_address` and `size`:
/// "request=smtpd_access_policy\nprotocol_state=RCPT\nrecipient=...\nsize=N\n\n".
/// Pure. Fails when the address contains CR, LF or NUL (it would end the request).
Result<std::string, TryAgain> quota_status_request(std::string_view mailbox_address, std::uint64_t size);

/// What quota-status's `action` value means. Pure.
/// - "552 ..." (quota_status_overquota/toolarge), or a 5xx/REJECT carrying 5.2.2 -> full
/// - "DUNNO" or "OK" (success, nouser), any case -> fits
/// - anything else (4xx, DEFER..., empty, a text we do not know) -> TryAgain
Result<Room, TryAgain> classify_quota_status_action(std::string_view action);

/// Host and port of "127.0.1.13:12340" or "[::1]:12340"; nullopt when malformed.
struct HostPort {
    std::string host;
    std::string port;
};
std::optional<HostPort> split_host_port(std::string_view address);

/// One TCP connection to quota-status, opened on first use and kept open (quota-status
/// answers any number of requests on one connection). Every check has one deadline of
/// `timeout` for connect, send and receive together. A connection that fails is
/// closed; when a reused connection turns out to have been closed by Dovecot (idle
/// kill, restart) before any reply byte, the check is retried once on a fresh one
/// within the same deadline. Connect failure, timeout, a malformed reply: TryAgain.
/// Host names are resolved with getaddrinfo at each connect (use an address: a slow
/// resolver is not bounded by the deadline).
class DovecotQuotaStatus final : public QuotaChecker {
public:
    DovecotQuotaStatus(std::string address, std::chrono::milliseconds timeout);
    ~DovecotQuotaStatus() override;
    DovecotQuotaStatus(const DovecotQuotaStatus&) = delete;
    DovecotQuotaStatus& operator=(const DovecotQuotaStatus&) = delete;

    Result<Room, TryAgain> check(const QuotaQuery& query, std::uint64_t size) override;

private:
    using Deadline = std::chrono::steady_clock::time_point;
    struct Failure {
        std::string reason;
        bool peer_closed_early = false; // EOF/reset before any reply byte: worth a retry
    };

    /// One request and its reply's `action` value on the current connection (opened
    /// when there is none).
    Result<std::string, Failure> exchange(const std::string& request, Deadline deadline);
    /// nullopt on success; each leaves the connection closed when it fails.
    std::optional<Failure> ensure_connected(Deadline deadline);
    std::optional<Failure> send_all(std::string_view bytes, Deadline deadline);
    /// Bytes read into `buffer` (> 0), waiting until `deadline`.
    Result<std::size_t, Failure> receive_some(char* buffer, std::size_t capacity, bool nothing_yet,
                                              Deadline deadline);
    /// The `action` value of the next complete reply.
    Result<std::string, Failure> receive_action(Deadline deadline);
    Failure fail(Failure failure);
    void disconnect();

    std::string address_;
    std::chrono::milliseconds timeout_;
    int fd_ = -1;
    PolicyRequestReader reader_;
};

} // namespace mailng::bridge
