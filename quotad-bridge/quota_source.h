// The quota half of the bridge's question: would a message of N bytes fit in this
// mailbox? One implementation per [quota] source (quota_dovecot, quota_maildirsize,
// quota_fs); the resolver owns one of them and asks it only about mailboxes that the
// directory found, exist and are active.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "mailng/result.h"
#include "recipient_resolver.h"

namespace mailng::bridge {

/// The mailbox to check, as the directory described it.
struct QuotaQuery {
    std::string login;                      // uid: the name Dovecot knows the mailbox by
    std::string mailbox_address;            // login@primary_domain: what quota-status is asked
    std::optional<std::uint64_t> ldap_limit; // mailQuota in bytes; nullopt when absent
};

enum class Room { fits, full };

/// One source, owned by one resolver: not thread-safe, may keep a connection open.
class QuotaChecker {
public:
    virtual ~QuotaChecker() = default;
    /// `fits` when a message of `size` bytes (0: unknown, only "already full?" is
    /// asked) can be stored now; `full` when the mailbox is over its limit or the
    /// message would take it over; TryAgain when the source failed or was too slow.
    virtual Result<Room, TryAgain> check(const QuotaQuery& query, std::uint64_t size) = 0;
};

/// The checker that `config.quota_source` names, configured from `config`. Never null.
std::unique_ptr<QuotaChecker> make_quota_checker(const ResolverConfig& config);

} // namespace mailng::bridge
