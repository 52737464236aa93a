// The sharded LRU answer cache.
#include "resolver/cache.h"

#include <algorithm>
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
  for (const CacheStats& shard : shardStats()) {
    total.bytes += shard.bytes;
    total.entries += shard.entries;
    total.max_bytes += shard.max_bytes;
    total.evictions += shard.evictions;
    total.flushed += shard.flushed;
  }
  return total;
}

std::vector<CacheStats> Cache::shardStats() const {
  std::vector<CacheStats> out;
  out.reserve(shards_.size());
  for (const auto& shard : shards_) {
    out.push_back(shard->withLock([](const Shard& s) {
      return CacheStats{s.bytes, s.entries.size(), s.max_bytes, s.evictions, s.flushed};
    }));
  }
  return out;
}

CacheFlushResult Cache::flushShard(Shard& shard, const CacheFlush& flush, Clock::TimePoint now) {
  CacheFlushResult result;
  const auto matches = [&](const CacheKey& key) {
    const auto name = key.qname();
    return std::equal(name.begin(), name.end(), flush.qname.begin(), flush.qname.end()) &&
           (!flush.qtype || key.qtype() == *flush.qtype);
  };
  for (auto it = shard.entries.begin(); it != shard.entries.end();) {
    const auto next = std::next(it);
    if (flush.qname.empty() || matches(it->first)) {
      if (flush.mode == FlushMode::kRemove) {
        shard.erase(it);
        ++result.removed;
      } else if (it->second.expires_at > now) {
        it->second.expires_at = now;
        ++result.expired;
      }
    }
    it = next;
  }
  shard.flushed += result.removed;
  return result;
}

CacheFlushResult Cache::flush(const CacheFlush& flush, Clock::TimePoint now) {
  CacheFlushResult total;
  for (auto& guarded : shards_) {
    // Removing everything: take the shard's entries out under the lock and free them after it,
    // so a worker waiting for this shard waits for a swap, not for thousands of frees.
    Shard taken;
    const CacheFlushResult part = guarded->withLock([&](Shard& shard) {
      if (!flush.qname.empty() || flush.mode != FlushMode::kRemove) {
        return flushShard(shard, flush, now);
      }
      const CacheFlushResult removed{shard.entries.size(), 0};
      taken.entries.swap(shard.entries);
      taken.lru.swap(shard.lru);
      shard.bytes = 0;
      shard.flushed += removed.removed;
      return removed;
    });
    total.removed += part.removed;
    total.expired += part.expired;
  }
  return total;
}

}  // namespace holdfast::resolver
