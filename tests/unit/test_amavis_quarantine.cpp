// amavisd quarantine files: names, and the header block of two real files quarantined
// by the lab's amavisd-new 2.13 (tests/data/amavis, decompressed copies beside the .gz).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "mailng/amavis_quarantine.h"

namespace mailng {
namespace {

std::string data_file(const std::string& name) {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/amavis/" + name, std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/amavis/" << name << " missing";
    return {std::istreambuf_iterator<char>(in), {}};
}

struct NameCase {
    std::string name;
    bool valid;
    QuarantineType type;
    std::string mail_id;
    bool gzipped;
};

TEST(QuarantineFileName, TypePrefixMailIdAndOptionalGz) {
    using T = QuarantineType;
    const NameCase cases[] = {
        {"spam-pE2_zCCq6tFz.gz", true, T::spam, "pE2_zCCq6tFz", true},
        {"spam-iecQnMScPwjq", true, T::spam, "iecQnMScPwjq", false},
        {"virus-Ab-d_fGh1jK9", true, T::virus, "Ab-d_fGh1jK9", false},
        {"banned-0123456789ab", true, T::banned, "0123456789ab", false},
        {"badh-ABCDEFGHIJKL.gz", true, T::bad_header, "ABCDEFGHIJKL", true},
        {"archive-ABCDEFGHIJKLMNOP.gz", true, T::archive, "ABCDEFGHIJKLMNOP", true},
        {"spam--E2_zCCq6tFz.gz", false, T::spam, "", false},   // mail_id starts with '-'
        {"spam-pE2_zCCq6tF_.gz", false, T::spam, "", false},   // ends with '_'
        {"spam-pE2_zCCq6tF.gz", false, T::spam, "", false},    // 11 characters
        {"spam-pE2_zCCq6tFzz", false, T::spam, "", false},     // 13
        {"spam-pE2+zCCq6tFz", false, T::spam, "", false},      // base64, not base64url
        {"spam-pE2/zCCq6tFz", false, T::spam, "", false},
        {"bad-header-pE2_zCCq6tFz", false, T::spam, "", false},
        {"Spam-pE2_zCCq6tFz", false, T::spam, "", false},
        {"spam-pE2_zCCq6tFz.gz.gz", false, T::spam, "", false},
        {"spam-pE2_zCCq6tFz.bz2", false, T::spam, "", false},
        {"../spam-pE2_zCCq6tFz", false, T::spam, "", false},
        {"p/spam-pE2_zCCq6tFz", false, T::spam, "", false},
        {"spam-pE2_zCCq6tFz ", false, T::spam, "", false},
        {"", false, T::spam, "", false},
        {".gz", false, T::spam, "", false},
        {"-pE2_zCCq6tFz", false, T::spam, "", false},
    };
    for (const auto& c : cases) {
        auto parsed = parse_quarantine_file_name(c.name);
        ASSERT_EQ(parsed.has_value(), c.valid) << c.name;
        if (!parsed)
            continue;
        EXPECT_EQ(parsed->type, c.type) << c.name;
        EXPECT_EQ(parsed->mail_id, c.mail_id) << c.name;
        EXPECT_EQ(parsed->gzipped, c.gzipped) << c.name;
        EXPECT_EQ(quarantine_file_name(parsed->type, parsed->mail_id, parsed->gzipped), c.name);
    }
}

TEST(QuarantineType, NamesRoundTrip) {
    for (auto type : {QuarantineType::spam, QuarantineType::virus, QuarantineType::banned,
                      QuarantineType::bad_header, QuarantineType::unchecked, QuarantineType::clean,
                      QuarantineType::archive})
        EXPECT_EQ(parse_quarantine_type(to_string(type)), type);
    EXPECT_EQ(file_prefix(QuarantineType::bad_header), "badh");
    EXPECT_FALSE(parse_quarantine_type("badh"));
    EXPECT_FALSE(parse_quarantine_type("SPAM"));
}

TEST(QuarantineFile, GtubeToOneRecipient) {
    auto entry = parse_quarantine_file("spam-pE2_zCCq6tFz.gz", data_file("spam-pE2_zCCq6tFz"));
    ASSERT_TRUE(entry) << entry.error();
    EXPECT_EQ(entry->mail_id, "pE2_zCCq6tFz");
    EXPECT_EQ(entry->type, QuarantineType::spam);
    EXPECT_TRUE(entry->gzipped);
    EXPECT_EQ(entry->sender, "spammer@outside.test");
    EXPECT_EQ(entry->recipients, std::vector<std::string>{"bob@example.edu"});
    EXPECT_EQ(entry->blocked_recipients, std::vector<std::string>{"bob@example.edu"});
    EXPECT_EQ(entry->quarantine_id, "pE2_zCCq6tFz");
    EXPECT_EQ(entry->spam_score, 999.0);
    EXPECT_TRUE(entry->spam_flag);
    // RFC 2047 encoded-words stay encoded.
    EXPECT_EQ(entry->subject, "=?UTF-8?B?zrPOtc65zrEgR1RVQkU=?= test");
    EXPECT_EQ(entry->from, "spammer@outside.test");
    EXPECT_EQ(entry->date, "Wed, 25 Nov 2026 22:02:14 +0000");
    EXPECT_EQ(entry->message_id, "<20261125220214.013804@vm>");
    EXPECT_EQ(entry->size, 0u);
    EXPECT_TRUE(entry->headers_complete);
}

TEST(QuarantineFile, NullSenderThreeRecipientsFoldedHeader) {
    auto entry = parse_quarantine_file("spam-iecQnMScPwjq.gz", data_file("spam-iecQnMScPwjq"));
    ASSERT_TRUE(entry) << entry.error();
    EXPECT_EQ(entry->sender, "");
    const std::vector<std::string> all{"alice@example.edu", "bob@example.edu", "frank@example.edu"};
    EXPECT_EQ(entry->recipients, all);
    EXPECT_EQ(entry->blocked_recipients, all);  // folded over two lines in the file
    EXPECT_EQ(entry->spam_score, 1000.0);
    EXPECT_EQ(entry->from, "");
    EXPECT_EQ(entry->subject, "a rather long subject line that will be folded by nobody but has "
                              "=?ISO-8859-7?Q?=E3=E5=E9=E1?= words");

    auto item = to_json(*entry);
    EXPECT_EQ(item["mail_id"], "iecQnMScPwjq");
    EXPECT_EQ(item["type"], "spam");
    EXPECT_EQ(item["score"], 1000.0);
    EXPECT_EQ(item["recipients"].size(), 3u);
    EXPECT_EQ(item["complete"], true);
}

TEST(QuarantineFile, CapCrlfFoldingAndFirstOccurrence) {
    std::string head = "X-Envelope-From: <a@b>\r\nX-Envelope-To: <c@d>,\r\n\t<e@f>\r\n"
                       "X-Spam-Score: -1.5\r\nSubject: first\r\n  continued\r\n"
                       "X-Spam-Score: 7\r\nSubject: second\r\nnot a header line\r\n"
                       "X-Amavis-Alert: INFECTED, message contains virus: Eicar-Signature\r\n\r\n"
                       "Subject: in the body\r\n";
    auto entry = parse_quarantine_file("virus-ABCDEFGHIJKL", head);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->sender, "a@b");
    EXPECT_EQ(entry->recipients, (std::vector<std::string>{"c@d", "e@f"}));
    EXPECT_EQ(entry->spam_score, -1.5);
    EXPECT_FALSE(entry->spam_flag);
    EXPECT_EQ(entry->subject, "first  continued");
    EXPECT_EQ(entry->alert, "INFECTED, message contains virus: Eicar-Signature");
    EXPECT_TRUE(entry->headers_complete);

    // Cut by the cap in the middle of a header: what came before stays, incomplete.
    auto cut = parse_quarantine_file("virus-ABCDEFGHIJKL", head, 40);
    ASSERT_TRUE(cut);
    EXPECT_EQ(cut->sender, "a@b");
    EXPECT_TRUE(cut->recipients.empty());
    EXPECT_FALSE(cut->headers_complete);
    // Input that ends without the empty line: the last line counts, still incomplete.
    auto truncated = parse_quarantine_file("spam-ABCDEFGHIJKL", "Subject: x");
    ASSERT_TRUE(truncated);
    EXPECT_EQ(truncated->subject, "x");
    EXPECT_FALSE(truncated->headers_complete);
}

TEST(QuarantineFile, RefusesBadNamesAndNonMessages) {
    EXPECT_FALSE(parse_quarantine_file("spam-../../etc", "Subject: x\n\n"));
    EXPECT_FALSE(parse_quarantine_file("spam-ABCDEFGHIJKL", ""));
    EXPECT_FALSE(parse_quarantine_file("spam-ABCDEFGHIJKL", "\nSubject: x\n"));
    EXPECT_FALSE(parse_quarantine_file("spam-ABCDEFGHIJKL", " folded: first\n"));
    EXPECT_FALSE(parse_quarantine_file("spam-ABCDEFGHIJKL", "\x1f\x8b\x08\x00 gzip bytes"));
    auto bad_score = parse_quarantine_file("spam-ABCDEFGHIJKL", "X-Spam-Score: lots\n\n");
    ASSERT_TRUE(bad_score);
    EXPECT_FALSE(bad_score->spam_score);
    EXPECT_TRUE(to_json(*bad_score)["score"].is_null());
}

TEST(EnvelopeAddresses, AngleBracketsCommasAndTheNullAddress) {
    const std::pair<const char*, std::vector<std::string>> cases[] = {
        {" <a@b>, <c@d>", {"a@b", "c@d"}},
        {"<>", {""}},
        {" a@b , c@d,", {"a@b", "c@d"}},
        {"", {}},
        {"<a@b", {}},
        {"<\"x,y\"@b>", {"\"x,y\"@b"}},
    };
    for (const auto& [value, expected] : cases)
        EXPECT_EQ(envelope_addresses(value), expected) << value;
}

} // namespace
} // namespace mailng
