// The answer cache: 16 shards of open-addressing tables (linear probing, backward-shift
// deletion, so no tombstones pile up) with a CLOCK hand each. See answer_cache.h.
#include "answer_cache.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <random>
#include <utility>

namespace mailng::policyd {
namespace {

constexpr std::size_t kInitialSlots = 1024;
constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

/// 28 bytes: the fingerprint as four 32-bit words keeps the alignment at 4.
struct Slot {
    std::uint32_t print[4] = {0, 0, 0, 0};
    std::uint32_t expires = 0;    // seconds since the cache's epoch
    std::uint32_t size_bound = 0; // see the header's "Message size"
    std::uint8_t state = 0;       // MailboxState, 0: empty
    std::uint8_t referenced = 0;  // CLOCK's second-chance bit
};
static_assert(sizeof(Slot) == 28, "the memory budget counts on 28-byte slots");

std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

void sip_round(std::uint64_t& v0, std::uint64_t& v1, std::uint64_t& v2, std::uint64_t& v3) {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
}

std::uint64_t load_le(const char* bytes, std::size_t count) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
    }
    return value;
}

bool occupied(const Slot& slot) { return slot.state != 0; }

} // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, std::string_view data) {
    std::uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
    std::uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
    const std::size_t whole = data.size() / 8 * 8;
    for (std::size_t offset = 0; offset < whole; offset += 8) {
        const std::uint64_t m = load_le(data.data() + offset, 8);
        v3 ^= m;
        sip_round(v0, v1, v2, v3);
        sip_round(v0, v1, v2, v3);
        v0 ^= m;
    }
    const std::uint64_t last = (std::uint64_t{data.size()} << 56) |
                               load_le(data.data() + whole, data.size() - whole);
    v3 ^= last;
    sip_round(v0, v1, v2, v3);
    sip_round(v0, v1, v2, v3);
    v0 ^= last;
    v2 ^= 0xff;
    for (int i = 0; i < 4; ++i) {
        sip_round(v0, v1, v2, v3);
    }
    return v0 ^ v1 ^ v2 ^ v3;
}

/// One shard: its table only grows (to max_slots) and never holds more than capacity.
struct AnswerCache::Shard {
    std::mutex mutex;
    std::vector<Slot> slots;
    std::size_t capacity = 0;
    std::size_t max_slots = 0;
    std::size_t count = 0;
    std::size_t hand = 0;

    explicit Shard(std::size_t entries)
        : slots(std::min(kInitialSlots, entries * 4 / 3 + 1)), capacity(entries),
          max_slots(entries * 4 / 3 + 1) {}

    static bool same(const Slot& slot, const Slot& probe) {
        return std::equal(std::begin(slot.print), std::end(slot.print), std::begin(probe.print));
    }

    std::size_t home(const Slot& slot) const {
        const std::uint64_t low = (std::uint64_t{slot.print[2]} << 32) | slot.print[3];
        return static_cast<std::size_t>(low % slots.size());
    }

    /// The index of the slot holding `probe`'s fingerprint, or of the empty slot where
    /// it would go. The table always has an empty slot (load <= 0.75).
    std::size_t locate(const Slot& probe) const {
        std::size_t index = home(probe);
        while (occupied(slots[index]) && !same(slots[index], probe)) {
            index = (index + 1) % slots.size();
        }
        return index;
    }

    /// Removes slots[index], moving later members of its probe run back so that every
    /// entry stays reachable from its home slot.
    void erase_at(std::size_t index) {
        const std::size_t n = slots.size();
        std::size_t next = index;
        while (true) {
            next = (next + 1) % n;
            if (!occupied(slots[next])) {
                break;
            }
            const std::size_t want = home(slots[next]);
            const bool stays = index <= next ? (index < want && want <= next)
                                             : (index < want || want <= next);
            if (!stays) {
                slots[index] = slots[next];
                index = next;
            }
        }
        slots[index] = Slot{};
        --count;
    }

    /// CLOCK: the first entry that is unreferenced (or expired, when stale entries are
    /// not kept) goes; referenced ones lose their bit and get a second chance.
    void evict_one(std::uint32_t now, bool keep_stale) {
        for (std::size_t step = 0; step <= 2 * slots.size(); ++step) {
            Slot& slot = slots[hand];
            if (occupied(slot)) {
                const bool expired = slot.expires <= now;
                if ((expired && !keep_stale) || !slot.referenced) {
                    erase_at(hand);
                    return;
                }
                slot.referenced = 0;
            }
            hand = (hand + 1) % slots.size();
        }
    }

    void grow_if_needed() {
        if ((count + 1) * 4 <= slots.size() * 3 || slots.size() >= max_slots) {
            return;
        }
        std::vector<Slot> old = std::exchange(slots, std::vector<Slot>(std::min(max_slots, slots.size() * 2)));
        hand = 0;
        for (const Slot& slot : old) {
            if (occupied(slot)) {
                slots[locate(slot)] = slot;
            }
        }
    }

    void put(const Slot& entry, std::uint32_t now, bool keep_stale) {
        std::size_t index = locate(entry);
        if (!occupied(slots[index])) {
            if (count >= capacity) {
                evict_one(now, keep_stale);
            }
            grow_if_needed();
            index = locate(entry);
            ++count;
        }
        slots[index] = entry;
    }
};

AnswerCache::AnswerCache(AnswerCacheOptions options)
    : max_entries_(options.max_entries), epoch_(Clock::now()),
      positive_ttl_cap_s_(options.positive_ttl_cap.count()),
      negative_ttl_cap_s_(options.negative_ttl_cap.count()), keep_stale_(options.keep_stale) {
    if (options.hash_keys) {
        hash_keys_ = *options.hash_keys;
    } else {
        std::random_device random;
        for (auto& key : hash_keys_) {
            key = (std::uint64_t{random()} << 32) ^ random();
        }
    }
    // The capacities add up to exactly max_entries, so size() <= max_entries always.
    for (std::size_t i = 0; i < kShards; ++i) {
        shards_[i] = std::make_unique<Shard>(max_entries_ / kShards + (i < max_entries_ % kShards));
    }
}

AnswerCache::~AnswerCache() = default;

AnswerCache::Fingerprint AnswerCache::fingerprint(std::string_view key) const {
    return {siphash24(hash_keys_[0], hash_keys_[1], key),
            siphash24(hash_keys_[2], hash_keys_[3], key)};
}

AnswerCache::Shard& AnswerCache::shard_for(const Fingerprint& print) {
    return *shards_[print.high >> 60];
}

std::uint32_t AnswerCache::seconds_since_epoch(Clock::time_point now) const {
    if (now <= epoch_) {
        return 0;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - epoch_).count();
    return static_cast<std::uint32_t>(std::min<std::int64_t>(seconds, kMaxU32 / 2));
}

namespace {

Slot probe_for(std::uint64_t high, std::uint64_t low) {
    Slot slot;
    slot.print[0] = static_cast<std::uint32_t>(high >> 32);
    slot.print[1] = static_cast<std::uint32_t>(high);
    slot.print[2] = static_cast<std::uint32_t>(low >> 32);
    slot.print[3] = static_cast<std::uint32_t>(low);
    return slot;
}

/// Whether an entry decides a message of `size` bytes (the header's "Message size").
bool decides(const Slot& slot, std::uint64_t size) {
    switch (static_cast<MailboxState>(slot.state)) {
    case MailboxState::deliverable: return size <= slot.size_bound;
    case MailboxState::over_quota: return size >= slot.size_bound;
    default: return true;
    }
}

} // namespace

std::optional<CachedAnswer> AnswerCache::find(std::string_view key, std::uint64_t size,
                                              Clock::time_point now) {
    const Fingerprint print = fingerprint(key);
    const Slot probe = probe_for(print.high, print.low);
    Shard& shard = shard_for(print);
    const std::uint32_t now_s = seconds_since_epoch(now);
    const std::scoped_lock lock(shard.mutex);
    const std::size_t index = shard.locate(probe);
    Slot& slot = shard.slots[index];
    if (!occupied(slot) || !decides(slot, size)) {
        return std::nullopt;
    }
    const auto state = static_cast<MailboxState>(slot.state);
    if (slot.expires > now_s) {
        slot.referenced = 1;
        return CachedAnswer{state, false};
    }
    if (!keep_stale_.load(std::memory_order_relaxed)) {
        shard.erase_at(index);
        return std::nullopt;
    }
    return CachedAnswer{state, true};
}

void AnswerCache::store(std::string_view key, std::uint64_t size, MailboxState state,
                        std::optional<std::chrono::seconds> bridge_ttl, Clock::time_point now) {
    const auto ttl = effective_ttl(state, bridge_ttl,
                                   std::chrono::seconds(positive_ttl_cap_s_.load(std::memory_order_relaxed)),
                                   std::chrono::seconds(negative_ttl_cap_s_.load(std::memory_order_relaxed)));
    const Fingerprint print = fingerprint(key);
    Slot entry = probe_for(print.high, print.low);
    Shard& shard = shard_for(print);
    const std::uint32_t now_s = seconds_since_epoch(now);
    const std::scoped_lock lock(shard.mutex);
    // An over-quota answer for a message over 4 GiB cannot be stored exactly; nor can
    // an answer that must not be cached. Either way an older entry is now outdated.
    const bool storable = shard.capacity > 0 && ttl.count() > 0 &&
                          !(state == MailboxState::over_quota && size > kMaxU32);
    if (!storable) {
        if (const std::size_t index = shard.locate(entry); occupied(shard.slots[index])) {
            shard.erase_at(index);
        }
        return;
    }
    entry.expires = static_cast<std::uint32_t>(std::min<std::int64_t>(now_s + ttl.count(), kMaxU32));
    entry.size_bound = static_cast<std::uint32_t>(std::min<std::uint64_t>(size, kMaxU32));
    entry.state = static_cast<std::uint8_t>(state);
    // A new entry earns its second chance with a hit: a dictionary attack's one-off
    // unknown recipients go before the mailboxes that mail keeps arriving for.
    entry.referenced = 0;
    shard.put(entry, now_s, keep_stale_.load(std::memory_order_relaxed));
}

void AnswerCache::set_policy(std::chrono::seconds positive_ttl_cap,
                             std::chrono::seconds negative_ttl_cap, bool keep_stale) {
    positive_ttl_cap_s_.store(positive_ttl_cap.count());
    negative_ttl_cap_s_.store(negative_ttl_cap.count());
    keep_stale_.store(keep_stale);
}

std::size_t AnswerCache::size() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
        const std::scoped_lock lock(shard->mutex);
        total += shard->count;
    }
    return total;
}

std::chrono::seconds AnswerCache::effective_ttl(MailboxState state,
                                                std::optional<std::chrono::seconds> bridge_ttl,
                                                std::chrono::seconds positive_cap,
                                                std::chrono::seconds negative_cap) {
    const bool positive = state == MailboxState::deliverable || state == MailboxState::not_ours;
    const auto cap = positive ? positive_cap : negative_cap;
    const auto ttl = bridge_ttl ? std::min(*bridge_ttl, cap) : cap;
    return std::max(ttl, std::chrono::seconds(0));
}

} // namespace mailng::policyd
