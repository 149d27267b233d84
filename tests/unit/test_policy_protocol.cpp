// The policy delegation codec: a real Postfix 3.7 request, byte-stream reassembly, the
// limits, replies and the contract texts of DESIGN.md, and the recipient normaliser.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "mailng/policy_protocol.h"

namespace mailng {
namespace {

using namespace std::string_literals;

// Captured from Postfix 3.7 at RCPT (tests/data), byte for byte.
std::string captured_request() {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/postfix-policy-request-rcpt.txt",
                     std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/postfix-policy-request-rcpt.txt missing";
    return {std::istreambuf_iterator<char>(in), {}};
}

// Feeds `bytes` in one go and expects exactly one request and no error.
PolicyRequest parse_one(std::string_view bytes, PolicyLimits limits = {}) {
    PolicyRequestReader reader(limits);
    auto result = reader.feed(bytes);
    EXPECT_FALSE(result.error) << result.error->to_string();
    EXPECT_EQ(result.requests.size(), 1u);
    EXPECT_FALSE(reader.mid_request());
    return result.requests.empty() ? PolicyRequest{} : result.requests.front();
}

// Feeds `bytes` and returns the error the reader stopped with.
std::optional<PolicyError> parse_error(std::string_view bytes, PolicyLimits limits = {}) {
    PolicyRequestReader reader(limits);
    return reader.feed(bytes).error;
}

void expect_same(const PolicyRequest& a, const PolicyRequest& b) {
    EXPECT_EQ(a.attributes, b.attributes);
    EXPECT_EQ(a.request, b.request);
    EXPECT_EQ(a.recipient, b.recipient);
    EXPECT_EQ(a.size, b.size);
}

TEST(PolicyReader, CapturedPostfixRequestHasEveryFieldRight) {
    auto request = parse_one(captured_request());
    EXPECT_EQ(request.request, "smtpd_access_policy");
    EXPECT_EQ(request.request, kSmtpdAccessPolicy);
    EXPECT_EQ(request.protocol_state, "RCPT");
    EXPECT_EQ(request.protocol_name, "ESMTP");
    EXPECT_EQ(request.client_address, "127.0.0.1");
    EXPECT_EQ(request.client_name, "unknown");
    EXPECT_EQ(request.reverse_client_name, "unknown");
    EXPECT_EQ(request.helo_name, "client.test");
    EXPECT_EQ(request.sender, "sender@client.test");
    EXPECT_EQ(request.recipient, "full@example.test");
    EXPECT_EQ(request.recipient_count, 0u);
    EXPECT_EQ(request.queue_id, "");
    EXPECT_EQ(request.instance, "5a5b.6b074723.9c758.0");
    EXPECT_EQ(request.size, 0u);
    EXPECT_EQ(request.sasl_method, "");
    EXPECT_EQ(request.sasl_username, "");
    EXPECT_EQ(request.sasl_sender, "");
    EXPECT_EQ(request.stress, "");
    ASSERT_EQ(request.attributes.size(), 29u);
    EXPECT_EQ(request.attributes.front(), std::pair("request"s, "smtpd_access_policy"s));
    EXPECT_EQ(request.attributes.back(), std::pair("policy_context"s, ""s));
    EXPECT_EQ(request.value("client_port"), "42362");
    EXPECT_EQ(request.value("encryption_keysize"), "0");
    EXPECT_EQ(request.value("ccert_subject"), "");
    EXPECT_FALSE(request.value("no_such_attribute"));
}

TEST(PolicyReader, OneByteAtATimeGivesTheSameRequest) {
    auto bytes = captured_request();
    auto whole = parse_one(bytes);
    PolicyRequestReader reader;
    std::vector<PolicyRequest> requests;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto result = reader.feed(bytes.substr(i, 1));
        ASSERT_FALSE(result.error) << "at byte " << i << ": " << result.error->to_string();
        EXPECT_EQ(reader.mid_request(), i + 1 < bytes.size()) << "at byte " << i;
        for (auto& request : result.requests)
            requests.push_back(std::move(request));
    }
    ASSERT_EQ(requests.size(), 1u);
    expect_same(requests.front(), whole);
}

TEST(PolicyReader, EverySplitPointGivesTheSameRequests) {
    auto bytes = captured_request() + captured_request();
    for (std::size_t split = 0; split <= bytes.size(); ++split) {
        PolicyRequestReader reader;
        auto first = reader.feed(std::string_view(bytes).substr(0, split));
        auto second = reader.feed(std::string_view(bytes).substr(split));
        ASSERT_FALSE(first.error || second.error) << "split at " << split;
        EXPECT_EQ(first.requests.size() + second.requests.size(), 2u) << "split at " << split;
    }
}

TEST(PolicyReader, TwoRequestsInOneBuffer) {
    PolicyRequestReader reader;
    auto result = reader.feed("request=smtpd_access_policy\nrecipient=a@x\n\n"
                              "request=smtpd_access_policy\nrecipient=b@x\n\n");
    ASSERT_FALSE(result.error);
    ASSERT_EQ(result.requests.size(), 2u);
    EXPECT_EQ(result.requests[0].recipient, "a@x");
    EXPECT_EQ(result.requests[1].recipient, "b@x");
    EXPECT_EQ(result.requests[1].attributes.size(), 2u);
}

TEST(PolicyReader, RequestCompletesOnlyAtTheEmptyLine) {
    PolicyRequestReader reader;
    EXPECT_TRUE(reader.feed("request=smtpd_access_policy\nrecipient=a@x\n").requests.empty());
    EXPECT_TRUE(reader.mid_request());
    EXPECT_EQ(reader.feed("\n").requests.size(), 1u);
    EXPECT_FALSE(reader.mid_request());
}

TEST(PolicyReader, CrlfAndMixedLineEnds) {
    auto crlf = parse_one("request=smtpd_access_policy\r\nrecipient=a@x\r\nsize=12\r\n\r\n");
    EXPECT_EQ(crlf.recipient, "a@x");
    EXPECT_EQ(crlf.size, 12u);
    auto mixed = parse_one("request=smtpd_access_policy\nrecipient=a@x\r\nsize=12\n\r\n");
    EXPECT_EQ(mixed.attributes, crlf.attributes);
}

TEST(PolicyReader, EmptyValuesAndValuesWithEquals) {
    auto request = parse_one("queue_id=\nsender=\npolicy_context=a=b=\n\n");
    EXPECT_EQ(request.queue_id, "");
    EXPECT_EQ(request.sender, "");
    EXPECT_EQ(request.value("policy_context"), "a=b=");
    EXPECT_EQ(request.attributes.size(), 3u);
}

TEST(PolicyReader, RepeatedNamesAreKeptAndTheLastWins) {
    auto request = parse_one("recipient=first@x\nrecipient=second@x\nsize=1\nsize=2\n\n");
    EXPECT_EQ(request.recipient, "second@x");
    EXPECT_EQ(request.size, 2u);
    EXPECT_EQ(request.value("recipient"), "second@x");
    ASSERT_EQ(request.attributes.size(), 4u);
    EXPECT_EQ(request.attributes[0].second, "first@x");
}

TEST(PolicyReader, UnknownAttributesAreKeptButTypeNothing) {
    auto request = parse_one("request=smtpd_access_policy\nmail_version=3.9.0\n"
                             "compatibility_level=3.6\nRecipient=upper@x\n\n");
    EXPECT_EQ(request.recipient, "");
    EXPECT_EQ(request.value("mail_version"), "3.9.0");
    EXPECT_EQ(request.value("Recipient"), "upper@x");
    EXPECT_EQ(request.attributes.size(), 4u);
}

TEST(PolicyReader, SizeAndRecipientCount) {
    EXPECT_EQ(parse_one("size=0\n\n").size, 0u);
    EXPECT_EQ(parse_one("size=\n\n").size, 0u);
    EXPECT_EQ(parse_one("\n").size, 0u);
    EXPECT_EQ(parse_one("size=18446744073709551615\n\n").size, 18446744073709551615u);
    EXPECT_EQ(parse_one("recipient_count=3\n\n").recipient_count, 3u);
}

TEST(PolicyReader, BadNumbersStopTheReader) {
    for (auto line : {"size=-1", "size=+1", "size= 1", "size=1 ", "size=1k", "size=0x10",
                      "size=18446744073709551616", "recipient_count=two"}) {
        auto error = parse_error(line + "\n\n"s);
        ASSERT_TRUE(error) << line;
        EXPECT_EQ(error->kind, PolicyErrorKind::bad_number) << line;
    }
}

TEST(PolicyReader, EmptyRecipientAtDataAndEndOfMessage) {
    for (auto state : {"DATA", "END-OF-MESSAGE"}) {
        auto request = parse_one("request=smtpd_access_policy\nprotocol_state="s + state +
                                 "\nrecipient=\nrecipient_count=2\nsize=1234\n\n");
        EXPECT_EQ(request.protocol_state, state);
        EXPECT_EQ(request.recipient, "");
        EXPECT_EQ(request.recipient_count, 2u);
        EXPECT_EQ(request.size, 1234u);
    }
}

TEST(PolicyReader, OtherOrMissingRequestTypesAreReturnedForTheCallerToJudge) {
    EXPECT_EQ(parse_one("request=junk\n\n").request, "junk");
    EXPECT_EQ(parse_one("recipient=a@x\n\n").request, "");
    EXPECT_TRUE(parse_one("\n").attributes.empty());
}

TEST(PolicyReader, MalformedLines) {
    struct Case {
        std::string bytes;
        PolicyErrorKind kind;
        std::size_t line;
    };
    for (const auto& [bytes, kind, line] : std::vector<Case>{
             {"request=smtpd_access_policy\nno equals sign\n\n", PolicyErrorKind::missing_equals, 2},
             {"=value\n\n", PolicyErrorKind::missing_equals, 1},
             {"a=1\n\nb=2\nc\n", PolicyErrorKind::missing_equals, 4},
             {"recipient=a\0b@x\n\n"s, PolicyErrorKind::nul_byte, 1},
             {"\0"s, PolicyErrorKind::nul_byte, 1},
             {"recipient=a\rb@x\n\n", PolicyErrorKind::bare_cr, 1},
             {"recipient=a@x\r\r\n\n", PolicyErrorKind::bare_cr, 1},
             {"\r\r\n", PolicyErrorKind::bare_cr, 1},
         }) {
        auto error = parse_error(bytes);
        ASSERT_TRUE(error) << bytes;
        EXPECT_EQ(error->kind, kind) << bytes;
        EXPECT_EQ(error->line, line) << bytes;
    }
}

TEST(PolicyReader, LineLimitCountsNeitherLfNorCrlf) {
    PolicyLimits limits{.max_line = 10};
    std::string ten = "size=12345"; // exactly max_line
    EXPECT_EQ(parse_one(ten + "\n\n", limits).size, 12345u);
    EXPECT_EQ(parse_one(ten + "\r\n\r\n", limits).size, 12345u);
    auto error = parse_error(ten + "6\n\n", limits);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, PolicyErrorKind::line_too_long);
}

TEST(PolicyReader, OverlongLineIsRefusedBeforeItsEnd) {
    PolicyRequestReader reader(PolicyLimits{.max_line = 100});
    auto result = reader.feed("sender=" + std::string(1 << 20, 'a'));
    ASSERT_TRUE(result.error);
    EXPECT_EQ(result.error->kind, PolicyErrorKind::line_too_long);
}

TEST(PolicyReader, AttributeLimit) {
    PolicyLimits limits{.max_attributes = 3};
    EXPECT_EQ(parse_one("a=1\nb=2\nc=3\n\n", limits).attributes.size(), 3u);
    auto error = parse_error("a=1\nb=2\nc=3\nd=4\n\n", limits);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, PolicyErrorKind::too_many_attributes);
    EXPECT_EQ(error->line, 4u);
}

TEST(PolicyReader, AttributeLimitIsPerRequest) {
    PolicyRequestReader reader(PolicyLimits{.max_attributes = 2});
    auto result = reader.feed("a=1\nb=2\n\na=1\nb=2\n\n");
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.requests.size(), 2u);
}

TEST(PolicyReader, RequestSizeLimitCountsLineEndsAndTheEmptyLine) {
    std::string request = "a=1\nb=2\n\n"; // 9 bytes
    PolicyRequestReader fits(PolicyLimits{.max_request_bytes = 9});
    auto result = fits.feed(request + request);
    EXPECT_FALSE(result.error);
    EXPECT_EQ(result.requests.size(), 2u);
    auto error = parse_error(request, PolicyLimits{.max_request_bytes = 8});
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind, PolicyErrorKind::request_too_large);
}

TEST(PolicyReader, DefaultLimitsFitALargePostfixRequest) {
    std::string bytes = "request=smtpd_access_policy\nsender=" + std::string(2040, 's') +
                        "\nrecipient=" + std::string(2040, 'r') +
                        "\nhelo_name=" + std::string(2040, 'h') +
                        "\nccert_subject=" + std::string(256, 'c') + "\n";
    for (int i = 0; i < 40; ++i)
        bytes += "extra_" + std::to_string(i) + "=" + std::string(64, 'x') + "\n";
    auto request = parse_one(bytes + "\n");
    EXPECT_EQ(request.recipient.size(), 2040u);
}

TEST(PolicyReader, ErrorIsFinalAndEarlierRequestsSurvive) {
    PolicyRequestReader reader;
    auto result = reader.feed("recipient=a@x\n\nbroken\nrecipient=b@x\n\n");
    ASSERT_EQ(result.requests.size(), 1u);
    EXPECT_EQ(result.requests[0].recipient, "a@x");
    ASSERT_TRUE(result.error);
    EXPECT_EQ(result.error->line, 3u);
    auto later = reader.feed("recipient=c@x\n\n");
    EXPECT_TRUE(later.requests.empty());
    ASSERT_TRUE(later.error);
    EXPECT_EQ(later.error->kind, PolicyErrorKind::missing_equals);
    EXPECT_TRUE(reader.error());
}

TEST(PolicyReader, ErrorMessageNamesTheLineNotTheBytes) {
    auto error = parse_error("a=1\nevil\x1b[31m text\n\n");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->to_string(), "line 2: attribute line without name=value");
}

TEST(PolicyReply, OneActionLineAndOneEmptyLine) {
    auto reply = format_reply("DUNNO");
    ASSERT_TRUE(reply) << reply.error();
    EXPECT_EQ(*reply, "action=DUNNO\n\n");
}

TEST(PolicyReply, RefusesWhatCouldMakeASecondLine) {
    for (auto action : {"DUNNO\naction=OK"s, "DUNNO\r"s, "a\0b"s, ""s})
        EXPECT_FALSE(format_reply(action)) << action;
}

TEST(PolicyAnswers, ContractTextsExactly) {
    EXPECT_EQ(reject_unknown_user("nobody@example.edu"),
              "550 5.1.1 <nobody@example.edu>: Recipient address rejected: User unknown");
    EXPECT_EQ(reject_disabled("gone@example.edu"),
              "550 5.2.1 <gone@example.edu>: Mailbox disabled");
    EXPECT_EQ(reject_over_quota("full@example.edu"), "552 5.2.2 <full@example.edu>: Mailbox full");
    EXPECT_EQ(dunno(), "DUNNO");
    EXPECT_EQ(*format_reply(reject_over_quota("full@example.test")),
              "action=552 5.2.2 <full@example.test>: Mailbox full\n\n");
}

TEST(PolicyAnswers, FailureActionsAreNeverPermanent) {
    auto defer = failure_action(FailureAction::defer_if_permit, "a@example.edu");
    EXPECT_EQ(defer, "DEFER_IF_PERMIT 4.3.0 <a@example.edu>: Temporary lookup failure");
    EXPECT_EQ(failure_action(FailureAction::dunno, "a@example.edu"), "DUNNO");
    EXPECT_EQ(parse_failure_action("defer_if_permit"), FailureAction::defer_if_permit);
    EXPECT_EQ(parse_failure_action("dunno"), FailureAction::dunno);
    EXPECT_FALSE(parse_failure_action("DUNNO"));
    EXPECT_FALSE(parse_failure_action("reject"));
}

TEST(RecipientNormaliser, Cases) {
    struct Case {
        std::string input, delimiters, local, detail, domain;
    };
    for (const auto& c : std::vector<Case>{
             {"User+Tag@Example.EDU", "+", "user", "tag", "example.edu"},
             {"user@example.edu", "+", "user", "", "example.edu"},
             {"+tag@x", "+", "+tag", "", "x"},
             {"user+@x", "+", "user", "", "x"},
             {"user+a+b@x", "+", "user", "a+b", "x"},
             {"user+tag@x", "", "user+tag", "", "x"},
             {"user-tag+b@x", "-+", "user", "tag+b", "x"},
             {"mailer-daemon@x", "-", "mailer-daemon", "", "x"},
             {"Double-Bounce@x", "-", "double-bounce", "", "x"},
             {"postmaster+x@X", "+", "postmaster", "x", "x"},
             {"a@b@x", "+", "a@b", "", "x"},
             {"Ünïcode+T@X", "+", "Ünïcode", "t", "x"},
             {"user@[192.0.2.1]", "+", "user", "", "[192.0.2.1]"},
         }) {
        auto address = normalise_recipient(c.input, c.delimiters);
        ASSERT_TRUE(address) << c.input << ": " << address_error_message(address.error());
        EXPECT_EQ(address->local, c.local) << c.input;
        EXPECT_EQ(address->detail, c.detail) << c.input;
        EXPECT_EQ(address->domain, c.domain) << c.input;
    }
    EXPECT_EQ(normalise_recipient("User+Tag@Example.EDU")->address(), "user@example.edu");
}

TEST(RecipientNormaliser, Refusals) {
    struct Case {
        std::string input;
        AddressError error;
    };
    for (const auto& c : std::vector<Case>{
             {"", AddressError::empty},
             {"user", AddressError::no_at_sign},
             {"\"john doe\"", AddressError::no_at_sign},
             {"@example.edu", AddressError::empty_local_part},
             {"user@", AddressError::empty_domain},
             {"@", AddressError::empty_local_part},
             {"\"john doe\"@example.edu", AddressError::quoted_local_part},
             {"\"a@b\"@example.edu", AddressError::quoted_local_part},
         }) {
        auto address = normalise_recipient(c.input);
        ASSERT_FALSE(address) << c.input;
        EXPECT_EQ(address.error(), c.error) << c.input;
        EXPECT_FALSE(address_error_message(address.error()).empty());
    }
}

} // namespace
} // namespace mailng
