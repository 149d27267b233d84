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

/// The resolver over LDAP and the configured quota source. Never null; it connects
/// lazily (on the first resolve), so a directory that is down at start-up is a
/// TryAgain later, not a failure here. The caller owns it; `config` is copied.
///
/// How it answers (it mirrors a back-end's Postfix maps, resources/templates/postfix/,
/// so that the bridge never refuses what the back-end would accept):
/// - The recipient is normalised (mailng::normalise_recipient: +detail stripped,
///   lowercased). Empty or quoted: not_ours with ttl 0, and nothing is asked.
/// - Domain neither primary_domain, nor in virtual_domains, nor in `domains`: not_ours,
///   no LDAP query. A domain in virtual_domains: the local part's login, looked up as
///   login@primary_domain; a local part not in its table: unknown. A domain in
///   `domains` with no table is a virtual alias domain without users: unknown.
/// - Primary domain: one search under ou=people for a mailngAccount whose mail or
///   mailAlternateAddress is the address, or whose uid is the local part (the back-end
///   accepts uid@domain too: ldap-virtual-alias.cf). Then, for one entry found:
///     mailUserStatus present and not "active" (any case) -> disabled (DESIGN: "not
///       active"; the schema allows only active/inactive);
///     mailForwardingAddress present and none of them the user's own mail or
///       uid@primary_domain -> not_ours: the back-end forwards it and stores nothing,
///       so its mailbox's quota does not matter (with a copy to itself, it is a mailbox);
///     no uid -> not_ours (Dovecot cannot name the mailbox; Postfix decides);
///     otherwise the mailbox `uid`: deliverable or over_quota from the quota source,
///       asked for uid@primary_domain (never the alias).
///   Two entries or more (a directory error): not_ours, as Postfix would expand to all.
///   None: a search under ou=groups (groupOfNames or posixGroup, mail or
///   mailAlternateAddress) -> not_ours (a list); nothing -> unknown.
/// - Quota source maildirsize: the byte limit is the entry's mailQuota (what Dovecot
///   uses), the usage that of CONTROL_ROOT/<uid>/maildirsize; see quota_maildirsize.h.
///   It is exact (no grace): Dovecot's 10 % quota_grace lets LMTP take a message that
///   this source refuses when the mailbox is near its limit. dovecot-quota-status
///   applies Dovecot's grace itself.
/// - TTLs: deliverable and not_ours positive_ttl; unknown, disabled and over_quota
///   negative_ttl. An over_quota answer caused by `size` holds for that size (and
///   larger), a deliverable one for that size and smaller.
/// - Any failure of LDAP or the quota source: TryAgain, never unknown.
std::unique_ptr<RecipientResolver> make_resolver(const ResolverConfig& config);

} // namespace mailng::bridge
