#include "recipient_resolver.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <variant>

#include "ldap_directory.h"
#include "mailng/policy_protocol.h"
#include "quota_source.h"

namespace mailng::bridge {
namespace {

std::string lowercase(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

/// The directory question for one recipient: which address to search, and the login
/// that the uid@primary-domain form names.
struct DirectoryLookup {
    std::string address;
    std::string login;
};
struct Foreign {};       // not a local domain
struct NoSuchAddress {}; // a virtual alias domain without this local part

using Route = std::variant<DirectoryLookup, Foreign, NoSuchAddress>;

/// The config with every domain, local part and login lowercased once, as the
/// normalised recipients are.
struct Domains {
    std::string primary;
    std::set<std::string> listed;
    std::map<std::string, std::map<std::string, std::string>> virtual_users;
};

Domains lowercase_domains(const ResolverConfig& config) {
    Domains domains{lowercase(config.primary_domain), {}, {}};
    for (const auto& domain : config.domains) domains.listed.insert(lowercase(domain));
    for (const auto& [domain, users] : config.virtual_domains) {
        auto& lowered = domains.virtual_users[lowercase(domain)];
        for (const auto& [local, login] : users) lowered[lowercase(local)] = lowercase(login);
    }
    return domains;
}

/// Where `address` is looked up, as a back-end's Postfix would route it: the primary
/// domain through LDAP; a virtual alias domain through its table to login@primary;
/// a listed domain without a table is a virtual alias domain without users (Postfix
/// rejects every address there); anything else is not ours.
Route route(const NormalisedAddress& address, const Domains& domains) {
    if (address.domain == domains.primary) return DirectoryLookup{address.address(), address.local};
    auto table = domains.virtual_users.find(address.domain);
    if (table == domains.virtual_users.end())
        return domains.listed.count(address.domain) != 0 ? Route{NoSuchAddress{}} : Route{Foreign{}};
    auto user = table->second.find(address.local);
    if (user == table->second.end()) return NoSuchAddress{};
    return DirectoryLookup{user->second + "@" + domains.primary, user->second};
}

bool is_active(const Account& account) {
    return account.status.empty() || lowercase(account.status) == "active";
}

/// Whether a forwarding entry also keeps a copy in the user's own mailbox: one of
/// its forwarding addresses is the user itself (Postfix then delivers to both).
bool keeps_own_copy(const Account& account, const std::string& primary_domain) {
    for (const auto& forward : account.forwards) {
        std::string target = lowercase(forward);
        if (!account.uid.empty() && target == lowercase(account.uid) + "@" + primary_domain) return true;
        for (const auto& mail : account.mail)
            if (target == lowercase(mail)) return true;
    }
    return false;
}

class DirectoryResolver final : public RecipientResolver {
public:
    explicit DirectoryResolver(const ResolverConfig& config)
        : domains_(lowercase_domains(config)),
          directory_(LdapSettings{config.ldap_uri, config.ldap_base, config.bind_dn, config.bind_password,
                                  config.ldap_timeout}),
          quota_(make_quota_checker(config)),
          positive_ttl_(config.positive_ttl),
          negative_ttl_(config.negative_ttl) {}

    Result<Answer, TryAgain> resolve(std::string_view recipient, std::uint64_t size) override {
        auto address = normalise_recipient(recipient);
        // Empty or quoted: nothing the directory can hold; Postfix decides.
        if (!address) return Answer{Verdict::not_ours, {}, std::chrono::seconds{0}};
        Route where = route(*address, domains_);
        if (std::holds_alternative<Foreign>(where)) return answer(Verdict::not_ours);
        if (std::holds_alternative<NoSuchAddress>(where)) return answer(Verdict::unknown);
        return look_up(std::get<DirectoryLookup>(where), size);
    }

private:
    Answer answer(Verdict verdict, std::string mailbox = {}) const {
        bool positive = verdict == Verdict::deliverable || verdict == Verdict::not_ours;
        return Answer{verdict, std::move(mailbox), positive ? positive_ttl_ : negative_ttl_};
    }

    Result<Answer, TryAgain> look_up(const DirectoryLookup& lookup, std::uint64_t size) {
        auto accounts = directory_.find_accounts(lookup.address, lookup.login);
        if (!accounts) return unexpected(accounts.error());
        // Two entries for one address: Postfix would expand to both; not ours to refuse.
        if (accounts->size() > 1) return answer(Verdict::not_ours);
        if (accounts->size() == 1) return account_answer(accounts->front(), size);
        auto group = directory_.is_group_address(lookup.address);
        if (!group) return unexpected(group.error());
        return answer(*group ? Verdict::not_ours : Verdict::unknown);
    }

    Result<Answer, TryAgain> account_answer(const Account& account, std::uint64_t size) {
        if (!is_active(account)) return answer(Verdict::disabled, account.uid);
        if (!account.forwards.empty() && !keeps_own_copy(account, domains_.primary))
            return answer(Verdict::not_ours, account.uid);
        // Without a uid Dovecot cannot name the mailbox; Postfix and Dovecot decide.
        if (account.uid.empty()) return answer(Verdict::not_ours);
        QuotaQuery query{account.uid, account.uid + "@" + domains_.primary, account.quota};
        auto room = quota_->check(query, size);
        if (!room) return unexpected(room.error());
        return answer(*room == Room::fits ? Verdict::deliverable : Verdict::over_quota, account.uid);
    }

    Domains domains_;
    LdapDirectory directory_;
    std::unique_ptr<QuotaChecker> quota_;
    std::chrono::seconds positive_ttl_;
    std::chrono::seconds negative_ttl_;
};

} // namespace

std::unique_ptr<RecipientResolver> make_resolver(const ResolverConfig& config) {
    return std::make_unique<DirectoryResolver>(config);
}

} // namespace mailng::bridge
