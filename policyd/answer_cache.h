// The answers of the bridges, cached per normalised recipient.
//
// Memory: the target is RSS <= 64 MB with a million entries, so an entry is 28 bytes in
// an open-addressing table (load <= 0.75): no string, no node, no per-entry allocation.
//   - The key is a 128-bit fingerprint of the normalised address (two SipHash-2-4 runs
//     with keys drawn from std::random_device at construction). Two addresses collide
//     with probability ~n^2/2^129 (1e-27 for a million), and a sender cannot craft a
//     collision without the keys.
//   - The reply text is not stored: the contract answers are a function of the state
//     and of the recipient as Postfix sent it (shown in the reply), so the state byte
//     is enough and the reply always quotes the current request's address.
//   - Expiry is seconds since the cache's own steady-clock epoch, in 32 bits.
//
// Message size: "over quota" depends on the size of the message, so an entry also holds
// a size bound (bytes, 32 bits):
//   - deliverable at size S: a later request with size <= S is deliverable from the
//     cache; a larger one asks the bridge again (it may not fit). A request without
//     SIZE (size 0) is therefore always answered from a deliverable entry.
//   - over_quota at size S: a later request with size >= S is over quota from the
//     cache; a smaller one asks the bridge (S = 0 means the mailbox is full outright).
//   - unknown, disabled, not_ours do not depend on the size.
// Only the newest answer for a recipient is kept.
//
// TTL: min(the bridge's mailng_ttl, the configured cap): positive_ttl for deliverable and
// not_ours, negative_ttl for unknown, disabled and over_quota. A bridge TTL of 0, or a
// cap of 0, means "do not cache". Without a bridge TTL the cap is used.
//
// Bound and eviction: 16 shards, each with a mutex and a CLOCK (second chance) hand;
// the shards' capacities add up to exactly max_entries. Expired entries are kept for
// serve_stale until the hand evicts them; without keep_stale they are evicted first.
//
// Thread-safe: every member may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace mailng::policyd {

/// What the bridge said about a mailbox; the numeric values are stored (0 = empty slot).
enum class MailboxState : std::uint8_t {
    deliverable = 1, // exists, active, the message fits: DUNNO
    not_ours = 2,    // list, forward-only, not a mailbox: DUNNO
    unknown = 3,     // 550 5.1.1
    disabled = 4,    // 550 5.2.1
    over_quota = 5,  // 552 5.2.2
};

struct CachedAnswer {
    MailboxState state = MailboxState::not_ours;
    bool stale = false; // expired; only for serve_stale
};

struct AnswerCacheOptions {
    std::size_t max_entries = 1'000'000;
    std::chrono::seconds positive_ttl_cap{300};
    std::chrono::seconds negative_ttl_cap{60};
    bool keep_stale = false;                    // serve_stale: keep expired entries
    std::optional<std::array<std::uint64_t, 4>> hash_keys; // tests: fixed keys
};

class AnswerCache {
public:
    using Clock = std::chrono::steady_clock;

    explicit AnswerCache(AnswerCacheOptions options);
    ~AnswerCache();
    AnswerCache(const AnswerCache&) = delete;
    AnswerCache& operator=(const AnswerCache&) = delete;

    /// The answer for `key` (a normalised address) that holds for a message of `size`
    /// bytes: fresh, or stale (only when keep_stale), or nullopt when there is none
    /// that decides this size. A fresh hit marks the entry recently used.
    std::optional<CachedAnswer> find(std::string_view key, std::uint64_t size,
                                     Clock::time_point now = Clock::now());

    /// Stores the bridge's answer for `key` about a message of `size` bytes, with the
    /// bridge's TTL (nullopt: none given) capped as the header says.
    void store(std::string_view key, std::uint64_t size, MailboxState state,
               std::optional<std::chrono::seconds> bridge_ttl, Clock::time_point now = Clock::now());

    /// The caps and keep_stale of a reloaded config; entries keep their expiry.
    void set_policy(std::chrono::seconds positive_ttl_cap, std::chrono::seconds negative_ttl_cap,
                    bool keep_stale);

    /// Entries held now (fresh and stale); never more than max_entries.
    std::size_t size() const;
    std::size_t max_entries() const { return max_entries_; }

    /// min(bridge TTL, cap) as the header says; 0 means "do not cache".
    static std::chrono::seconds effective_ttl(MailboxState state,
                                              std::optional<std::chrono::seconds> bridge_ttl,
                                              std::chrono::seconds positive_cap,
                                              std::chrono::seconds negative_cap);

    static constexpr std::size_t kShards = 16;

private:
    struct Shard;
    struct Fingerprint {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
    };

    Fingerprint fingerprint(std::string_view key) const;
    Shard& shard_for(const Fingerprint& print);
    std::uint32_t seconds_since_epoch(Clock::time_point now) const;

    std::size_t max_entries_;
    std::array<std::uint64_t, 4> hash_keys_;
    Clock::time_point epoch_;
    std::array<std::unique_ptr<Shard>, kShards> shards_;
    // Changed by a reload while other threads read them: atomics, no lock on the hot path.
    std::atomic<std::int64_t> positive_ttl_cap_s_;
    std::atomic<std::int64_t> negative_ttl_cap_s_;
    std::atomic<bool> keep_stale_;
};

/// SipHash-2-4 of `data` with the 128-bit key (k0, k1); exposed for tests.
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, std::string_view data);

} // namespace mailng::policyd
