// The bridge's one question: does this recipient exist, is it active, would a message
// of N bytes fit? Answered from the directory (LDAP) and a quota source.
//
// Contract: resolve() returns an Answer, or a TryAgain when the directory or the quota
// source failed or was too slow. "Try again" never becomes "unknown": a caller turns it
// into the configured failure action, never into a 5xx.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/result.h"

namespace mailng::bridge {

enum class Verdict {
    deliverable,   // a mailbox that exists, is active and has room: DUNNO
    unknown,       // no such address in a local domain: 550 5.1.1
    disabled,      // mailUserStatus inactive: 550 5.2.1
    over_quota,    // full, or `size` would not fit: 552 5.2.2
    not_ours,      // a list/group, a forward-only user, a foreign domain: DUNNO
};

struct Answer {
    Verdict verdict = Verdict::not_ours;
    std::string mailbox;                 // the resolved login (uid), when there is one
    std::chrono::seconds ttl{0};         // how long the caller may cache this answer
};

struct TryAgain {
    std::string reason;                  // for the log: "LDAP: Can't contact LDAP server"
};

enum class QuotaSource { dovecot_quota_status, maildirsize, fs };

struct ResolverConfig {
    // [ldap]
    std::string ldap_uri;                // "ldap://127.0.1.10:389/"
    std::string ldap_base;               // "dc=example,dc=edu"; people under ou=people,BASE
    std::string bind_dn;                 // empty: anonymous
    std::string bind_password;           // read by the caller from bind_password_file
    std::chrono::milliseconds ldap_timeout{1000};
    // local domains: the primary and the virtual alias domains
    std::vector<std::string> domains;
    // virtual alias domain -> (local part -> login in the primary domain)
    std::map<std::string, std::map<std::string, std::string>> virtual_domains;
    std::string primary_domain;
    // [quota]
    QuotaSource quota_source = QuotaSource::dovecot_quota_status;
    std::string quota_address;           // dovecot-quota-status: "127.0.1.13:12340"
    std::string maildirsize_root;        // maildirsize: ROOT/<login>/maildirsize
    std::string fs_quota_device;         // fs: block device or mount point for quotactl
    std::chrono::milliseconds quota_timeout{1000};
    // TTLs the bridge hands out (mailng_ttl)
    std::chrono::seconds positive_ttl{300};
    std::chrono::seconds negative_ttl{60};
};

/// One resolver per worker thread: it owns one LDAP connection (reused, reconnected
/// when it breaks) and is not thread-safe.
class RecipientResolver {
public:
    virtual ~RecipientResolver() = default;
    /// `recipient` as Postfix sent it (any case, maybe with +detail); `size` in bytes,
    /// 0 when unknown.
    virtual Result<Answer, TryAgain> resolve(std::string_view recipient, std::uint64_t size) = 0;
};

std::unique_ptr<RecipientResolver> make_resolver(const ResolverConfig& config);

} // namespace mailng::bridge
