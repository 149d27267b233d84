// The answer cache: TTL caps, the size rules, the bound on entries, stale entries.
#include <gtest/gtest.h>

#include <string>

#include "answer_cache.h"

namespace mailng::policyd {
namespace {

using std::chrono::seconds;
using Clock = AnswerCache::Clock;

AnswerCacheOptions options(std::size_t max_entries = 1000, bool keep_stale = false) {
    AnswerCacheOptions result;
    result.max_entries = max_entries;
    result.positive_ttl_cap = seconds(300);
    result.negative_ttl_cap = seconds(60);
    result.keep_stale = keep_stale;
    result.hash_keys = std::array<std::uint64_t, 4>{1, 2, 3, 4};
    return result;
}

TEST(SipHash, ReferenceVectors) {
    // From the SipHash paper: key 00..0f; messages "" and 00..0e.
    const std::uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
    EXPECT_EQ(siphash24(k0, k1, ""), 0x726fdb47dd0e0e31ULL);
    std::string fifteen;
    for (char c = 0; c < 15; ++c) {
        fifteen += c;
    }
    EXPECT_EQ(siphash24(k0, k1, fifteen), 0xa129ca6149be45e5ULL);
}

TEST(AnswerCache, TtlIsTheBridgesCappedByTheConfig) {
    const auto ttl = [](MailboxState state, std::optional<seconds> bridge) {
        return AnswerCache::effective_ttl(state, bridge, seconds(300), seconds(60));
    };
    EXPECT_EQ(ttl(MailboxState::deliverable, seconds(1000)), seconds(300));
    EXPECT_EQ(ttl(MailboxState::not_ours, seconds(20)), seconds(20));
    EXPECT_EQ(ttl(MailboxState::unknown, seconds(1000)), seconds(60));
    EXPECT_EQ(ttl(MailboxState::disabled, std::nullopt), seconds(60));
    EXPECT_EQ(ttl(MailboxState::over_quota, seconds(10)), seconds(10));
    EXPECT_EQ(ttl(MailboxState::deliverable, seconds(0)), seconds(0));
}

TEST(AnswerCache, FreshUntilTheCappedTtlThenGone) {
    AnswerCache cache(options());
    const auto t0 = Clock::now();
    cache.store("u@x", 0, MailboxState::unknown, seconds(3600), t0);
    auto hit = cache.find("u@x", 0, t0 + seconds(59));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->state, MailboxState::unknown);
    EXPECT_FALSE(hit->stale);
    EXPECT_FALSE(cache.find("u@x", 0, t0 + seconds(61)));
    EXPECT_EQ(cache.size(), 0u) << "an expired entry is dropped when stale ones are not kept";
}

TEST(AnswerCache, ZeroTtlIsNotCachedAndDropsTheOldAnswer) {
    AnswerCache cache(options());
    const auto t0 = Clock::now();
    cache.store("u@x", 0, MailboxState::unknown, seconds(30), t0);
    cache.store("u@x", 0, MailboxState::deliverable, seconds(0), t0);
    EXPECT_FALSE(cache.find("u@x", 0, t0));
}

TEST(AnswerCache, DeliverableHoldsForMessagesUpToTheAskedSize) {
    AnswerCache cache(options());
    const auto t0 = Clock::now();
    cache.store("u@x", 5000, MailboxState::deliverable, std::nullopt, t0);
    EXPECT_TRUE(cache.find("u@x", 0, t0));
    EXPECT_TRUE(cache.find("u@x", 5000, t0));
    EXPECT_FALSE(cache.find("u@x", 5001, t0)) << "a bigger message may not fit: ask again";
}

TEST(AnswerCache, OverQuotaHoldsForMessagesFromTheAskedSize) {
    AnswerCache cache(options());
    const auto t0 = Clock::now();
    cache.store("u@x", 5000, MailboxState::over_quota, std::nullopt, t0);
    EXPECT_TRUE(cache.find("u@x", 9000, t0));
    EXPECT_FALSE(cache.find("u@x", 100, t0)) << "a smaller message may fit: ask again";
    cache.store("full@x", 0, MailboxState::over_quota, std::nullopt, t0);
    EXPECT_TRUE(cache.find("full@x", 0, t0));
}

TEST(AnswerCache, StaleEntriesAreKeptAndMarked) {
    AnswerCache cache(options(1000, true));
    const auto t0 = Clock::now();
    cache.store("u@x", 0, MailboxState::disabled, seconds(10), t0);
    auto hit = cache.find("u@x", 0, t0 + seconds(3600));
    ASSERT_TRUE(hit);
    EXPECT_TRUE(hit->stale);
    EXPECT_EQ(hit->state, MailboxState::disabled);
}

TEST(AnswerCache, NeverHoldsMoreThanMaxEntries) {
    AnswerCache cache(options(1000));
    const auto t0 = Clock::now();
    for (int i = 0; i < 20000; ++i) {
        cache.store("user" + std::to_string(i) + "@x", 0, MailboxState::deliverable, std::nullopt, t0);
        ASSERT_LE(cache.size(), 1000u);
    }
    EXPECT_GE(cache.size(), 990u) << "shards fill up to their share";
    EXPECT_TRUE(cache.find("user19999@x", 0, t0)) << "the newest entry survives";
}

TEST(AnswerCache, RecentlyUsedEntriesSurviveEviction) {
    AnswerCache cache(options(160));
    const auto t0 = Clock::now();
    cache.store("hot@x", 0, MailboxState::unknown, std::nullopt, t0);
    for (int i = 0; i < 5000; ++i) {
        ASSERT_TRUE(cache.find("hot@x", 0, t0)) << "evicted after " << i << " inserts";
        cache.store("cold" + std::to_string(i) + "@x", 0, MailboxState::deliverable, std::nullopt, t0);
    }
}

TEST(AnswerCache, ExpiredEntriesGoFirstWhenStaleIsOff) {
    AnswerCache cache(options(16));
    const auto t0 = Clock::now();
    for (int i = 0; i < 16; ++i) {
        cache.store("old" + std::to_string(i) + "@x", 0, MailboxState::unknown, seconds(1), t0);
    }
    cache.store("new@x", 0, MailboxState::unknown, std::nullopt, t0 + seconds(5));
    EXPECT_TRUE(cache.find("new@x", 0, t0 + seconds(5)));
}

TEST(AnswerCache, ZeroMaxEntriesDisablesCaching) {
    AnswerCache cache(options(0));
    cache.store("u@x", 0, MailboxState::unknown, std::nullopt);
    EXPECT_FALSE(cache.find("u@x", 0));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(AnswerCache, ManyDistinctKeysAreAllFound) {
    AnswerCache cache(options(60000)); // headroom: shards fill unevenly
    const auto t0 = Clock::now();
    for (int i = 0; i < 50000; ++i) {
        cache.store("u" + std::to_string(i) + "@x", 0,
                    i % 2 ? MailboxState::unknown : MailboxState::deliverable, std::nullopt, t0);
    }
    for (int i = 0; i < 50000; ++i) {
        auto hit = cache.find("u" + std::to_string(i) + "@x", 0, t0);
        ASSERT_TRUE(hit) << i;
        ASSERT_EQ(hit->state, i % 2 ? MailboxState::unknown : MailboxState::deliverable);
    }
}

} // namespace
} // namespace mailng::policyd
