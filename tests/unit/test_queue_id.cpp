// Postfix queue ids (short and long form, as mail_queue.h defines them) and queue names.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "mailng/queue_id.h"

namespace mailng {
namespace {

struct IdCase {
    std::string id;
    std::optional<QueueIdForm> form;
};

TEST(QueueId, ShortAndLongFormsAndEverythingElse) {
    using F = QueueIdForm;
    const IdCase cases[] = {
        // Short: 5 hex digits of microseconds, then the inode in hex.
        {"4C1F1B30B2", F::short_form},
        {"000000", F::short_form},
        {"ABCDEF0123456789ABCDE", F::short_form},
        {"12345", std::nullopt},            // no inode digit
        {"4c1f1b30b2", std::nullopt},       // lower case is never short form
        {"4C1F1B30G2", std::nullopt},
        // Long: >= 6 + 4 base-52 characters, 'z', base-51 inode. Encoded with
        // safe_ultostr's alphabet: 1732570000 s, 123456 us, inode 1234567 (the seconds
        // themselves contain a 'z': the separator is the LAST one).
        {"4XxzKr0sf8z9HdB", F::long_form},
        {"4XxzKr75plz31wvQ2DWVjm0", F::long_form},   // 64-bit inode
        {"0000000000z1", F::long_form},
        {"000000000z1", std::nullopt},      // only 9 time characters
        {"4XxzKr0sf8z", std::nullopt},      // no inode
        {"4XxzKr0sf8y9HdB", std::nullopt},  // 'y' is not a separator
        {"4XAzKr0sf8z9HdB", std::nullopt},  // vowel
        {"4Xxz_r0sf8z9HdB", std::nullopt},
        // Never let through anything a command line could misread.
        {"", std::nullopt},
        {"-4C1F1B30B2", std::nullopt},
        {"ALL", std::nullopt},
        {"4C1F1B30B2*", std::nullopt},
        {"4C1F1B30B2!", std::nullopt},
        {"../4C1F1B30B2", std::nullopt},
        {"4C1F1B/30B2", std::nullopt},
        {"4C1F1B30B2 ", std::nullopt},
        {"4C1F1B30B2\n", std::nullopt},
        {std::string("4C1F1B\0" "30B2", 11), std::nullopt},
        {"4C1F1B30B2;rm", std::nullopt},
        {"$(id)", std::nullopt},
        {std::string(33, 'A'), std::nullopt},
        {std::string(32, 'A'), F::short_form},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(queue_id_form(c.id), c.form) << '"' << c.id << '"';
        EXPECT_EQ(is_valid_queue_id(c.id), c.form.has_value()) << '"' << c.id << '"';
    }
}

TEST(QueueId, ValidationMessagesQuoteSafely) {
    EXPECT_EQ(*validate_queue_id("4C1F1B30B2"), "4C1F1B30B2");
    EXPECT_EQ(validate_queue_id("-rf\n").error(), "not a Postfix queue id: \"-rf?\"");
    auto long_bad = validate_queue_id(std::string(100, 'x'));
    EXPECT_EQ(long_bad.error(), "not a Postfix queue id: \"" + std::string(64, 'x') + "...\"");

    EXPECT_TRUE(validate_queue_ids({}));
    EXPECT_EQ(validate_queue_ids({"4C1F1B30B2", "4XxzKr0sf8z9HdB"})->size(), 2u);
    EXPECT_EQ(validate_queue_ids({"4C1F1B30B2", "bad", "-x"}).error(),
              "not a Postfix queue id: \"bad\"");
}

TEST(QueueName, RoundTripsTheSixQueues) {
    for (QueueName queue : kAllQueueNames)
        EXPECT_EQ(parse_queue_name(to_string(queue)), queue);
    EXPECT_EQ(to_string(QueueName::deferred), "deferred");
    for (const char* bad : {"", "Deferred", "defer", "bounce", "trace", "flush", "../hold", "hold "})
        EXPECT_FALSE(parse_queue_name(bad)) << bad;
}

} // namespace
} // namespace mailng
