// The directory half of the bridge's question, over OpenLDAP's libldap. Layout and
// attributes as DESIGN.md "Directory" fixes them: users are mailngAccount entries under
// ou=people,BASE; groups and lists are entries under ou=groups,BASE whose `mail` (or
// mailAlternateAddress) is the list address.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/result.h"
#include "recipient_resolver.h"

// libldap's handle and message, kept out of this header so that its users need no <ldap.h>.
struct ldap;
struct ldapmsg;

namespace mailng::bridge {

/// `value` escaped for an LDAP search filter (RFC 4515 section 3): '*', '(', ')', '\\'
/// and NUL become \2a, \28, \29, \5c, \00. Every other byte, UTF-8 included, is kept.
/// Pure.
std::string escape_filter_value(std::string_view value);

/// The search for an account under ou=people by address, as Postfix's LDAP maps of a
/// back-end resolve it (resources/templates/postfix/ldap-virtual-*.cf):
///   (&(objectClass=mailngAccount)(|(mail=ADDR)(mailAlternateAddress=ADDR)(uid=LOGIN)))
/// The (uid=LOGIN) branch, for "login@primary-domain", is left out when `login` is
/// empty. Both values are escaped here. Pure.
std::string account_filter(std::string_view address, std::string_view login);

/// The search for a group or list under ou=groups by its address:
///   (&(|(objectClass=groupOfNames)(objectClass=posixGroup))(|(mail=ADDR)(mailAlternateAddress=ADDR)))
/// Pure.
std::string group_filter(std::string_view address);

/// One user entry, with the attributes the bridge reads.
struct Account {
    std::string dn;
    std::string uid;                          // login; empty when the entry has none
    std::vector<std::string> mail;            // primary address(es)
    std::vector<std::string> forwards;        // mailForwardingAddress
    std::string status;                       // mailUserStatus as stored; empty: absent
    std::optional<std::uint64_t> quota;       // mailQuota in bytes; nullopt: absent or not a
                                              // non-negative integer
};

struct LdapSettings {
    std::string uri;
    std::string base;                         // people under ou=people,BASE
    std::string bind_dn;                      // empty: anonymous, no bind
    std::string bind_password;
    std::chrono::milliseconds timeout{1000};  // connect, bind and each search
};

/// One connection, opened on first use, reused, and dropped after any failure so that
/// the next call reconnects (a failed connection is never trusted again: it may hold
/// an unanswered request). Not thread-safe.
///
/// Every failure (server down, timeout, bind refused, a base that does not exist,
/// any result code other than success or size limit) is a TryAgain whose reason
/// starts with "LDAP: ", never "not found".
///
/// Note for the program: libldap writes to its socket, so a server that went away may
/// raise SIGPIPE; the process must ignore SIGPIPE.
class LdapDirectory {
public:
    explicit LdapDirectory(LdapSettings settings);
    ~LdapDirectory();
    LdapDirectory(const LdapDirectory&) = delete;
    LdapDirectory& operator=(const LdapDirectory&) = delete;

    /// The accounts that account_filter(address, login) finds under ou=people: none,
    /// one, or two (the search stops at two: more than one is ambiguous anyway).
    Result<std::vector<Account>, TryAgain> find_accounts(std::string_view address, std::string_view login);

    /// Whether some group or list under ou=groups has `address`.
    Result<bool, TryAgain> is_group_address(std::string_view address);

private:
    struct Entry;
    Result<ldap*, TryAgain> connection();
    Result<std::vector<Entry>, TryAgain> search(const std::string& base, const std::string& filter,
                                                const std::vector<const char*>& attributes, int size_limit);
    /// Copies the entries of a search result; `result` stays owned by the caller.
    static std::vector<Entry> read_entries(ldap* handle, ldapmsg* result,
                                           const std::vector<const char*>& attributes);
    /// Closes the connection (the next call reconnects) and says why, for the log.
    TryAgain drop(std::string_view what, int code);

    LdapSettings settings_;
    ldap* handle_ = nullptr;
};

} // namespace mailng::bridge
