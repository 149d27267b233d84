// The maildir++ `maildirsize` parser and the room arithmetic of the maildirsize quota
// source: table tests over bytes, plus the reader's file cases on a scratch directory.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "quota_maildirsize.h"

namespace mailng::bridge {
namespace {

using namespace std::string_literals;
using Limit = std::optional<std::uint64_t>;

struct ParseCase {
    const char* name;
    std::string text;
    Limit bytes_limit;
    Limit messages_limit;
    std::int64_t bytes;
    std::int64_t messages;
};

class ParsesMaildirsize : public testing::TestWithParam<ParseCase> {};

TEST_P(ParsesMaildirsize, LimitsAndSums) {
    const ParseCase& c = GetParam();
    auto parsed = parse_maildirsize(c.text);
    ASSERT_TRUE(parsed) << parsed.error().line << ": " << parsed.error().message;
    EXPECT_EQ(parsed->limits.bytes, c.bytes_limit);
    EXPECT_EQ(parsed->limits.messages, c.messages_limit);
    EXPECT_EQ(parsed->bytes, c.bytes);
    EXPECT_EQ(parsed->messages, c.messages);
}

INSTANTIATE_TEST_SUITE_P(Table, ParsesMaildirsize, testing::Values(
    ParseCase{"dovecot_bytes_only", "20000S\n1234 1\n", 20000, std::nullopt, 1234, 1},
    ParseCase{"bytes_and_count", "1000000S,500C\n10 1\n20 2\n", 1000000, 500, 30, 3},
    ParseCase{"count_first", "500C,1000000S\n", 1000000, 500, 0, 0},
    ParseCase{"no_limits_line", "\n100 1\n", std::nullopt, std::nullopt, 100, 1},
    ParseCase{"zero_is_unlimited", "0S,0C\n5 1\n", std::nullopt, std::nullopt, 5, 1},
    ParseCase{"empty_file", "", std::nullopt, std::nullopt, 0, 0},
    ParseCase{"negative_lines_subtract", "20000S\n5000 2\n-3000 -1\n", 20000, std::nullopt, 2000, 1},
    ParseCase{"no_final_newline", "20000S\n7 1", 20000, std::nullopt, 7, 1},
    ParseCase{"courier_padding", "20000S\n        42        1\n", 20000, std::nullopt, 42, 1},
    ParseCase{"tabs_and_crlf", "20000S\r\n42\t1\r\n", 20000, std::nullopt, 42, 1},
    ParseCase{"blank_line_inside", "20000S\n1 1\n\n2 1\n", 20000, std::nullopt, 3, 2},
    ParseCase{"spaces_around_limits", " 20000S , 9C \n", 20000, 9, 0, 0},
    ParseCase{"sum_below_zero", "10S\n-5 -1\n", 10, std::nullopt, -5, -1}),
    [](const auto& info) { return std::string(info.param.name); });

struct BadCase {
    const char* name;
    std::string text;
    int line;
};

class RefusesMaildirsize : public testing::TestWithParam<BadCase> {};

TEST_P(RefusesMaildirsize, WithTheLine) {
    auto parsed = parse_maildirsize(GetParam().text);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().line, GetParam().line);
    EXPECT_FALSE(parsed.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, RefusesMaildirsize, testing::Values(
    BadCase{"unknown_limit_letter", "20000X\n", 1},
    BadCase{"limit_without_letter", "20000\n", 1},
    BadCase{"letter_without_number", "S\n", 1},
    BadCase{"negative_limit", "-5S\n", 1},
    BadCase{"repeated_bytes_limit", "10S,20S\n", 1},
    BadCase{"empty_limit_between_commas", "10S,,5C\n", 1},
    BadCase{"limit_too_large", "99999999999999999999S\n", 1},
    BadCase{"one_field", "20000S\n1234\n", 2},
    BadCase{"three_fields", "20000S\n1 1\n1 2 3\n", 3},
    BadCase{"not_a_number", "20000S\nabc 1\n", 2},
    BadCase{"plus_sign", "20000S\n+5 1\n", 2},
    BadCase{"sum_overflows", "0S\n9223372036854775807 1\n1 1\n", 3},
    BadCase{"nul_byte", "20000S\n1\0 1\n"s, 2}),
    [](const auto& info) { return std::string(info.param.name); });

struct RoomCase {
    const char* name;
    MaildirsizeLimits limits;
    std::int64_t bytes;
    std::int64_t messages;
    std::uint64_t size;
    Room expected;
};

class MaildirsizeRoom : public testing::TestWithParam<RoomCase> {};

TEST_P(MaildirsizeRoom, Decides) {
    const RoomCase& c = GetParam();
    Maildirsize file{c.limits, c.bytes, c.messages};
    EXPECT_EQ(maildirsize_room(c.limits, file, c.size), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, MaildirsizeRoom, testing::Values(
    RoomCase{"unlimited", {}, 1'000'000'000, 100000, 1'000'000, Room::fits},
    RoomCase{"exactly_fills", {20000, {}}, 15000, 3, 5000, Room::fits},
    RoomCase{"one_byte_too_many", {20000, {}}, 15000, 3, 5001, Room::full},
    RoomCase{"at_limit_unknown_size", {20000, {}}, 20000, 3, 0, Room::full},
    RoomCase{"below_limit_unknown_size", {20000, {}}, 19999, 3, 0, Room::fits},
    RoomCase{"over_limit", {20000, {}}, 25000, 3, 1, Room::full},
    RoomCase{"huge_size_no_overflow", {20000, {}}, 10, 1, UINT64_MAX, Room::full},
    RoomCase{"negative_usage_is_zero", {20000, {}}, -500, -1, 20000, Room::fits},
    RoomCase{"count_limit_reached", {{}, 3}, 10, 3, 1, Room::full},
    RoomCase{"count_limit_not_reached", {{}, 3}, 10, 2, 1, Room::fits}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(EffectiveLimits, DirectoryQuotaWinsOverTheFileHeader) {
    Maildirsize file{{20000, 7}, 0, 0};
    EXPECT_EQ(effective_limits(file, 50000).bytes, Limit(50000));
    EXPECT_EQ(effective_limits(file, 50000).messages, Limit(7));
    EXPECT_EQ(effective_limits(file, 0).bytes, std::nullopt);       // 0: unlimited, as Dovecot reads it
    EXPECT_EQ(effective_limits(file, std::nullopt).bytes, Limit(20000)); // no mailQuota: the file's
}

// The reader on a scratch CONTROL root: missing file, a real file, a malformed one, and
// logins that are not one path component.
class MaildirsizeReader : public testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/maildirsize-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    void write(const std::string& login, const std::string& text) {
        std::filesystem::create_directories(root_ / login);
        std::ofstream(root_ / login / "maildirsize", std::ios::binary) << text;
    }
    Result<Room, TryAgain> check(const std::string& login, std::uint64_t size, Limit ldap = std::nullopt) {
        MaildirsizeQuota quota(root_.string());
        return quota.check(QuotaQuery{login, login + "@example.edu", ldap}, size);
    }
    std::filesystem::path root_;
};

TEST_F(MaildirsizeReader, MissingFileFits) {
    auto room = check("nobody", 1'000'000);
    ASSERT_TRUE(room);
    EXPECT_EQ(*room, Room::fits);
}

TEST_F(MaildirsizeReader, UsesTheFileAndTheDirectoryLimit) {
    write("erin", "20000S\n19000 3\n");
    EXPECT_EQ(*check("erin", 500), Room::fits);
    EXPECT_EQ(*check("erin", 1500), Room::full);
    EXPECT_EQ(*check("erin", 1500, 50000), Room::fits); // mailQuota raised: at once
}

TEST_F(MaildirsizeReader, MalformedIsTryAgain) {
    write("erin", "20000S\ngarbage\n");
    auto room = check("erin", 1);
    ASSERT_FALSE(room);
    EXPECT_NE(room.error().reason.find(":2:"), std::string::npos) << room.error().reason;
}

TEST_F(MaildirsizeReader, LoginOutsideTheRootIsTryAgain) {
    for (const char* login : {"", ".", "..", "../etc", "a/b"}) EXPECT_FALSE(check(login, 1)) << login;
}

} // namespace
} // namespace mailng::bridge
