// The sharded LRU answer cache.
#include "resolver/cache.h"

#include <cstring>

namespace holdfast::resolver {

CacheKey::CacheKey(std::span<const std::uint8_t> qname_lower,
                   std::uint16_t qtype,
                   std::uint16_t qclass,
                   bool dnssec_ok,
                   bool checking_disabled) noexcept {
  const std::size_t n = std::min<std::size_t>(qname_lower.size(), 255);
  std::memcpy(bytes_.data(), qname_lower.data(), n);
  bytes_[n] = static_cast<std::uint8_t>(qtype >> 8);
  bytes_[n + 1] = static_cast<std::uint8_t>(qtype);
  bytes_[n + 2] = static_cast<std::uint8_t>(qclass >> 8);
  bytes_[n + 3] = static_cast<std::uint8_t>(qclass);
  bytes_[n + 4] = static_cast<std::uint8_t>((dnssec_ok ? 1 : 0) | (checking_disabled ? 2 : 0));
  size_ = static_cast<std::uint16_t>(n + 5);
}

std::uint16_t CacheKey::qtype() const noexcept {
  return static_cast<std::uint16_t>((bytes_[size_ - 5] << 8) | bytes_[size_ - 4]);
}

Cache::Cache(std::size_t max_bytes, std::size_t shards) {
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Guarded<Shard>>());
  }
  setMaxBytes(max_bytes);
}

Guarded<Cache::Shard>& Cache::shardFor(const CacheKey& key) {
  return *shards_[CacheKeyHash{}(key) % shards_.size()];
}

void Cache::Shard::erase(std::unordered_map<CacheKey, Entry, CacheKeyHash>::iterator it) {
  bytes -= it->second.bytes;
  lru.erase(it->second.lru);
  entries.erase(it);
}

void Cache::Shard::evictToFit() {
  while (bytes > max_bytes && !lru.empty()) {
    erase(entries.find(*lru.back()));
    ++evictions;
  }
}

std::optional<CacheHit> Cache::lookup(const CacheKey& key,
                                      Clock::TimePoint now,
                                      Clock::Duration stale_window) {
  return shardFor(key).withLock([&](Shard& shard) -> std::optional<CacheHit> {
    const auto it = shard.entries.find(key);
    if (it == shard.entries.end()) {
      return std::nullopt;
    }
    Entry& entry = it->second;
    if (now >= entry.expires_at + stale_window) {
      shard.erase(it);
      return std::nullopt;
    }
    shard.lru.splice(shard.lru.begin(), shard.lru, entry.lru);
    ++entry.hits;

    CacheHit hit;
    hit.message = entry.message;
    hit.age = now - entry.stored_at;
    hit.hits = entry.hits;
    if (now < entry.expires_at) {
      hit.freshness = Freshness::kFresh;
      hit.remaining = entry.expires_at - now;
    } else {
      hit.freshness = Freshness::kStale;
      hit.recheck_pending = now < entry.recheck_until;
    }
    return hit;
  });
}

void Cache::insert(const CacheKey& key,
                   std::shared_ptr<const CachedMessage> message,
                   Clock::TimePoint now) {
  const std::size_t bytes = message->bytes() + kCacheEntryOverhead;
  shardFor(key).withLock([&](Shard& shard) {
    if (const auto it = shard.entries.find(key); it != shard.entries.end()) {
      shard.erase(it);
    }
    if (bytes > shard.max_bytes) {
      return;
    }
    Entry entry;
    entry.expires_at = now + message->lifetime;
    entry.message = std::move(message);
    entry.stored_at = now;
    entry.bytes = bytes;
    const auto [it, inserted] = shard.entries.emplace(key, std::move(entry));
    shard.lru.push_front(&it->first);
    it->second.lru = shard.lru.begin();
    shard.bytes += bytes;
    shard.evictToFit();
  });
}

void Cache::holdFailure(const CacheKey& key, Clock::TimePoint until) {
  shardFor(key).withLock([&](Shard& shard) {
    if (const auto it = shard.entries.find(key); it != shard.entries.end()) {
      it->second.recheck_until = until;
    }
  });
}

void Cache::setMaxBytes(std::size_t max_bytes) {
  const std::size_t share = max_bytes / shards_.size();
  for (auto& shard : shards_) {
    shard->withLock([&](Shard& s) {
      s.max_bytes = share;
      s.evictToFit();
    });
  }
}

CacheStats Cache::stats() const {
  CacheStats total;
  for (const auto& shard : shards_) {
    shard->withLock([&](const Shard& s) {
      total.bytes += s.bytes;
      total.entries += s.entries.size();
      total.evictions += s.evictions;
    });
  }
  return total;
}

}  // namespace holdfast::resolver
