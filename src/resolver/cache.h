// Cache: the resolver's sharded answer cache, bounded by bytes, with a stale window (RFC 8767).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "resolver/cached_message.h"
#include "resolver/guarded.h"

namespace holdfast::resolver {

// What answers are looked up by: the question (name lowercased), and the DO and CD bits, since
// answers to DNSSEC-aware clients carry records others do not want.
class CacheKey {
public:
  CacheKey(std::span<const std::uint8_t> qname_lower,
           std::uint16_t qtype,
           std::uint16_t qclass,
           bool dnssec_ok,
           bool checking_disabled) noexcept;

  [[nodiscard]] std::string_view bytes() const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()), size_};
  }

  // The question name part, for logs and pattern matching.
  [[nodiscard]] std::span<const std::uint8_t> qname() const noexcept {
    return {bytes_.data(), static_cast<std::size_t>(size_ - 5)};
  }

  [[nodiscard]] std::uint16_t qtype() const noexcept;

  friend bool operator==(const CacheKey& a, const CacheKey& b) noexcept {
    return a.bytes() == b.bytes();
  }

private:
  std::array<std::uint8_t, 255 + 5> bytes_{};
  std::uint16_t size_ = 0;
};

struct CacheKeyHash {
  std::size_t operator()(const CacheKey& key) const noexcept {
    return std::hash<std::string_view>{}(key.bytes());
  }
};

enum class Freshness {
  kFresh,  // within its TTL
  kStale,  // expired, but inside the stale window: served only when upstreams fail
};

// A cache lookup that found something.
struct CacheHit {
  std::shared_ptr<const CachedMessage> message;
  Freshness freshness = Freshness::kFresh;
  Clock::Duration age{};         // time since the answer was stored
  Clock::Duration remaining{};   // time left until it expires (zero when stale)
  bool recheck_pending = false;  // a refresh failed recently: answer stale without asking
  std::uint64_t hits = 0;        // lookups that found this entry, this one included
};

struct CacheStats {
  std::size_t bytes = 0;
  std::size_t entries = 0;
  std::size_t max_bytes = 0;    // the bound (each shard holds at most its share of it)
  std::uint64_t evictions = 0;  // entries dropped to stay within the bound
  std::uint64_t flushed = 0;    // entries removed by flushes
};

// kRemove drops entries, and with them the data serve-stale and last-known-good fall back on;
// kExpire only ends their freshness, so the next query asks an upstream but the old answer may
// still be served stale, or held as last known good, when upstreams fail.
enum class FlushMode {
  kRemove,
  kExpire,
};

// What a flush applies to.
struct CacheFlush {
  // Lowercase uncompressed wire name; empty: every entry.
  std::vector<std::uint8_t> qname;
  // Only entries of this type (with `qname`); nullopt: every type.
  std::optional<std::uint16_t> qtype;
  FlushMode mode = FlushMode::kRemove;
};

struct CacheFlushResult {
  std::size_t removed = 0;  // entries dropped
  std::size_t expired = 0;  // fresh entries made stale (FlushMode::kExpire)
};

// Number of shards by default: each has its own lock, so worker threads rarely wait on each
// other; more shards only split the byte budget finer.
inline constexpr std::size_t kDefaultCacheShards = 16;

// Bookkeeping bytes per entry besides its message (key, hash node, LRU node), so the bound
// holds for many small answers too.
inline constexpr std::size_t kCacheEntryOverhead = sizeof(CacheKey) + 128;

// A map from CacheKey to shared immutable answers. Each shard keeps its entries in least
// recently used order and evicts from the old end whenever its share of max_bytes is exceeded,
// so memory stays within the bound whatever upstreams send; an answer larger than a shard's
// share is not cached. Entries are kept past their TTL for the stale window, then dropped when
// met or evicted. Thread-safe.
// Limitation: a lookup takes its shard's mutex (it moves the entry to the front of the LRU list
// and counts the hit); uncontended that is about 0.5% of a cache hit's CPU in the profile, but
// busy workers hitting one shard wait for each other. A lock-free read would need another
// structure (per-thread hot copies kept in step with flushes, or epoch-based reclamation).
class Cache {
public:
  // REQUIRES: shards > 0.
  Cache(std::size_t max_bytes, std::size_t shards = kDefaultCacheShards);

  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // The entry for `key`, if it is fresh or inside `stale_window`.
  [[nodiscard]] std::optional<CacheHit> lookup(const CacheKey& key,
                                               Clock::TimePoint now,
                                               Clock::Duration stale_window);

  // Stores `message`, replacing any entry for `key`. Callers do not store answers with zero
  // lifetime: they could never be served fresh.
  void insert(const CacheKey& key,
              std::shared_ptr<const CachedMessage> message,
              Clock::TimePoint now);

  // Remembers that refreshing `key` failed: until `until`, lookups report recheck_pending, so
  // stale data is answered at once instead of asking dead upstreams again (RFC 8767 section 5,
  // failure recheck). Does nothing when there is no entry.
  void holdFailure(const CacheKey& key, Clock::TimePoint until);

  // Changes the bound (on reload); shrinking evicts at once.
  void setMaxBytes(std::size_t max_bytes);

  [[nodiscard]] CacheStats stats() const;

  // The same numbers shard by shard (max_bytes is each shard's share).
  [[nodiscard]] std::vector<CacheStats> shardStats() const;

  // Removes or expires every entry `flush` matches. Takes one shard's lock at a time, so
  // workers keep answering from the other shards; a flush of everything swaps each shard's
  // entries out under its lock and frees them after. Answers already handed out stay valid
  // (they are shared).
  // Limitation: a flush of one name visits every entry, since a name's entries of different
  // types and flags lie in different shards; each shard stays locked while it is searched.
  CacheFlushResult flush(const CacheFlush& flush, Clock::TimePoint now);

private:
  struct Entry {
    std::shared_ptr<const CachedMessage> message;
    Clock::TimePoint stored_at;
    Clock::TimePoint expires_at;
    Clock::TimePoint recheck_until;
    std::uint64_t hits = 0;
    std::size_t bytes = 0;
    std::list<const CacheKey*>::iterator lru;
  };

  struct Shard {
    std::unordered_map<CacheKey, Entry, CacheKeyHash> entries;
    std::list<const CacheKey*> lru;  // front: most recently used
    std::size_t bytes = 0;
    std::size_t max_bytes = 0;
    std::uint64_t evictions = 0;
    std::uint64_t flushed = 0;

    void erase(std::unordered_map<CacheKey, Entry, CacheKeyHash>::iterator it);
    void evictToFit();
  };

  [[nodiscard]] Guarded<Shard>& shardFor(const CacheKey& key);

  static CacheFlushResult flushShard(Shard& shard, const CacheFlush& flush, Clock::TimePoint now);

  std::vector<std::unique_ptr<Guarded<Shard>>> shards_;
};

}  // namespace holdfast::resolver
