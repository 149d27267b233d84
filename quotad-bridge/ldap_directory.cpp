#include "ldap_directory.h"

#include <charconv>
#include <map>

#include <ldap.h>

namespace mailng::bridge {

struct LdapDirectory::Entry {
    std::string dn;
    std::map<std::string, std::vector<std::string>> values; // by the name we asked for
};

namespace {

const std::vector<const char*> kAccountAttributes = {
    "uid", "mail", "mailUserStatus", "mailQuota", "mailForwardingAddress", nullptr};
const std::vector<const char*> kGroupAttributes = {"1.1", nullptr}; // RFC 4511: no attributes

timeval to_timeval(std::chrono::milliseconds duration) {
    auto count = duration.count() < 1 ? 1 : duration.count();
    return timeval{static_cast<time_t>(count / 1000), static_cast<suseconds_t>((count % 1000) * 1000)};
}

/// Every value of `name` in `entry`, as strings.
std::vector<std::string> values_of(LDAP* handle, LDAPMessage* entry, const char* name) {
    std::vector<std::string> found;
    berval** values = ldap_get_values_len(handle, entry, name);
    for (int index = 0; values != nullptr && values[index] != nullptr; ++index)
        found.emplace_back(values[index]->bv_val, values[index]->bv_len);
    ldap_value_free_len(values);
    return found;
}

std::string dn_of(LDAP* handle, LDAPMessage* entry) {
    char* dn = ldap_get_dn(handle, entry);
    std::string copy = dn != nullptr ? dn : "";
    ldap_memfree(dn);
    return copy;
}

std::string first_or_empty(const std::vector<std::string>& values) {
    return values.empty() ? std::string() : values.front();
}

std::optional<std::uint64_t> parse_quota(const std::vector<std::string>& values) {
    if (values.empty()) return std::nullopt;
    const std::string& text = values.front();
    std::uint64_t bytes = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), bytes);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return bytes;
}

} // namespace

std::string escape_filter_value(std::string_view value) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string escaped;
    escaped.reserve(value.size());
    for (char c : value) {
        if (c == '*' || c == '(' || c == ')' || c == '\\' || c == '\0') {
            auto byte = static_cast<unsigned char>(c);
            escaped += '\\';
            escaped += kHex[byte >> 4];
            escaped += kHex[byte & 0xf];
        } else {
            escaped += c;
        }
    }
    return escaped;
}

std::string account_filter(std::string_view address, std::string_view login) {
    std::string escaped = escape_filter_value(address);
    std::string any = "(mail=" + escaped + ")(mailAlternateAddress=" + escaped + ")";
    if (!login.empty()) any += "(uid=" + escape_filter_value(login) + ")";
    return "(&(objectClass=mailngAccount)(|" + any + "))";
}

std::string group_filter(std::string_view address) {
    std::string escaped = escape_filter_value(address);
    return "(&(|(objectClass=groupOfNames)(objectClass=posixGroup))(|(mail=" + escaped +
           ")(mailAlternateAddress=" + escaped + ")))";
}

LdapDirectory::LdapDirectory(LdapSettings settings) : settings_(std::move(settings)) {}

LdapDirectory::~LdapDirectory() {
    if (handle_ != nullptr) ldap_unbind_ext_s(handle_, nullptr, nullptr);
}

TryAgain LdapDirectory::drop(std::string_view what, int code) {
    if (handle_ != nullptr) ldap_unbind_ext_s(handle_, nullptr, nullptr);
    handle_ = nullptr;
    return TryAgain{"LDAP: " + std::string(what) + ": " + ldap_err2string(code)};
}

Result<LDAP*, TryAgain> LdapDirectory::connection() {
    if (handle_ != nullptr) return handle_;
    if (int code = ldap_initialize(&handle_, settings_.uri.c_str()); code != LDAP_SUCCESS) {
        handle_ = nullptr; // ldap_initialize leaves it unset on failure
        return unexpected(drop("initialize " + settings_.uri, code));
    }
    int version = LDAP_VERSION3;
    timeval timeout = to_timeval(settings_.timeout);
    ldap_set_option(handle_, LDAP_OPT_PROTOCOL_VERSION, &version);
    ldap_set_option(handle_, LDAP_OPT_NETWORK_TIMEOUT, &timeout); // connect
    ldap_set_option(handle_, LDAP_OPT_TIMEOUT, &timeout);         // synchronous calls: bind
    ldap_set_option(handle_, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    if (settings_.bind_dn.empty()) return handle_;
    berval password{static_cast<ber_len_t>(settings_.bind_password.size()),
                    const_cast<char*>(settings_.bind_password.data())};
    int code = ldap_sasl_bind_s(handle_, settings_.bind_dn.c_str(), LDAP_SASL_SIMPLE, &password, nullptr,
                                nullptr, nullptr);
    if (code != LDAP_SUCCESS) return unexpected(drop("bind as " + settings_.bind_dn, code));
    return handle_;
}

Result<std::vector<LdapDirectory::Entry>, TryAgain> LdapDirectory::search(
    const std::string& base, const std::string& filter, const std::vector<const char*>& attributes,
    int size_limit) {
    auto handle = connection();
    if (!handle) return unexpected(handle.error());
    timeval timeout = to_timeval(settings_.timeout);
    LDAPMessage* result = nullptr;
    int code = ldap_search_ext_s(*handle, base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(),
                                 const_cast<char**>(attributes.data()), 0, nullptr, nullptr, &timeout,
                                 size_limit, &result);
    // A size limit reached still returns the entries up to it: "at least that many".
    if (code != LDAP_SUCCESS && code != LDAP_SIZELIMIT_EXCEEDED) {
        ldap_msgfree(result);
        return unexpected(drop("search " + base, code));
    }
    auto entries = read_entries(*handle, result, attributes);
    ldap_msgfree(result);
    return entries;
}

std::vector<LdapDirectory::Entry> LdapDirectory::read_entries(ldap* handle, LDAPMessage* result,
                                                              const std::vector<const char*>& attributes) {
    std::vector<Entry> entries;
    for (LDAPMessage* at = ldap_first_entry(handle, result); at != nullptr; at = ldap_next_entry(handle, at)) {
        Entry entry{dn_of(handle, at), {}};
        for (const char* name : attributes)
            if (name != nullptr) entry.values[name] = values_of(handle, at, name);
        entries.push_back(std::move(entry));
    }
    return entries;
}

Result<std::vector<Account>, TryAgain> LdapDirectory::find_accounts(std::string_view address,
                                                                   std::string_view login) {
    auto entries = search("ou=people," + settings_.base, account_filter(address, login), kAccountAttributes, 2);
    if (!entries) return unexpected(entries.error());
    std::vector<Account> accounts;
    for (auto& entry : *entries) {
        auto& values = entry.values;
        accounts.push_back(Account{entry.dn, first_or_empty(values["uid"]), values["mail"],
                                   values["mailForwardingAddress"], first_or_empty(values["mailUserStatus"]),
                                   parse_quota(values["mailQuota"])});
    }
    return accounts;
}

Result<bool, TryAgain> LdapDirectory::is_group_address(std::string_view address) {
    auto entries = search("ou=groups," + settings_.base, group_filter(address), kGroupAttributes, 1);
    if (!entries) return unexpected(entries.error());
    return !entries->empty();
}

} // namespace mailng::bridge
