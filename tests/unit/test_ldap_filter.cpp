// LDAP search filters of the bridge: RFC 4515 escaping of every value that comes from
// a sender, and the exact filters the directory is searched with.
#include <gtest/gtest.h>

#include <string>

#include "ldap_directory.h"

namespace mailng::bridge {
namespace {

using namespace std::string_literals;

struct EscapeCase {
    const char* name;
    std::string value;
    std::string escaped;
};

class EscapesFilterValue : public testing::TestWithParam<EscapeCase> {};

TEST_P(EscapesFilterValue, AsRfc4515Says) {
    EXPECT_EQ(escape_filter_value(GetParam().value), GetParam().escaped);
}

INSTANTIATE_TEST_SUITE_P(Table, EscapesFilterValue, testing::Values(
    EscapeCase{"plain_address", "alice@example.edu", "alice@example.edu"},
    EscapeCase{"empty", "", ""},
    EscapeCase{"star", "*@example.edu", "\\2a@example.edu"},
    EscapeCase{"parentheses", "a)(uid=*", "a\\29\\28uid=\\2a"},
    EscapeCase{"backslash", "a\\b", "a\\5cb"},
    EscapeCase{"nul", "a\0b"s, "a\\00b"},
    EscapeCase{"already_escaped_is_escaped_again", "\\2a", "\\5c2a"},
    EscapeCase{"utf8_kept", "j\xc3\xb6rg@example.edu", "j\xc3\xb6rg@example.edu"},
    EscapeCase{"other_specials_kept", "a&b|c!d=e~f<g>h", "a&b|c!d=e~f<g>h"},
    EscapeCase{"high_byte_kept", "\xff", "\xff"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(AccountFilter, AddressAliasAndLogin) {
    EXPECT_EQ(account_filter("alice@example.edu", "alice"),
              "(&(objectClass=mailngAccount)(|(mail=alice@example.edu)"
              "(mailAlternateAddress=alice@example.edu)(uid=alice)))");
}

TEST(AccountFilter, WithoutLoginHasNoUidBranch) {
    EXPECT_EQ(account_filter("x@example.org", ""),
              "(&(objectClass=mailngAccount)(|(mail=x@example.org)(mailAlternateAddress=x@example.org)))");
}

TEST(AccountFilter, InjectionStaysOneValue) {
    std::string filter = account_filter("*)(uid=*", "*)(uid=*");
    EXPECT_EQ(filter.find("*"), std::string::npos) << filter;
    EXPECT_EQ(filter,
              "(&(objectClass=mailngAccount)(|(mail=\\2a\\29\\28uid=\\2a)"
              "(mailAlternateAddress=\\2a\\29\\28uid=\\2a)(uid=\\2a\\29\\28uid=\\2a)))");
}

TEST(GroupFilter, BothGroupClassesAndAliases) {
    EXPECT_EQ(group_filter("staff@example.edu"),
              "(&(|(objectClass=groupOfNames)(objectClass=posixGroup))"
              "(|(mail=staff@example.edu)(mailAlternateAddress=staff@example.edu)))");
    EXPECT_EQ(group_filter("a(b"),
              "(&(|(objectClass=groupOfNames)(objectClass=posixGroup))"
              "(|(mail=a\\28b)(mailAlternateAddress=a\\28b)))");
}

} // namespace
} // namespace mailng::bridge
