// Flushing the cache: everything, one name, one name and type, expiring instead of removing,
// and flushing while other threads use the cache.
#include <thread>

#include <gtest/gtest.h>

#include "resolver/cache.h"
#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

CacheKey key(const std::string& name, std::uint16_t qtype = kTypeA, bool dnssec_ok = false) {
  const auto wire = testing::wireName(name);
  return CacheKey(wire, qtype, kClassIn, dnssec_ok, false);
}

std::shared_ptr<const CachedMessage> message(std::chrono::seconds lifetime) {
  auto m = std::make_shared<CachedMessage>();
  m->wire.resize(64);
  m->lifetime = lifetime;
  return m;
}

CacheFlush nameFlush(const std::string& name, std::optional<std::uint16_t> qtype = std::nullopt) {
  CacheFlush flush;
  flush.qname = testing::wireName(name);
  flush.qtype = qtype;
  return flush;
}

// Three entries of www.example.test. (A, AAAA, A with DO) and one of other.example.test.
void fill(Cache& cache, Clock::TimePoint t0) {
  cache.insert(key("www.example.test."), message(300s), t0);
  cache.insert(key("www.example.test.", kTypeAaaa), message(300s), t0);
  cache.insert(key("www.example.test.", kTypeA, true), message(300s), t0);
  cache.insert(key("other.example.test."), message(300s), t0);
}

TEST(CacheFlushTest, EverythingIsRemovedAndCounted) {
  const Clock::TimePoint t0{std::chrono::hours(1)};
  Cache cache(1 << 20);
  for (int i = 0; i < 100; ++i) {
    cache.insert(key("n" + std::to_string(i) + ".test."), message(300s), t0);
  }
  ASSERT_EQ(cache.stats().entries, 100u);

  const CacheFlushResult result = cache.flush(CacheFlush{}, t0);
  EXPECT_EQ(result.removed, 100u);
  EXPECT_EQ(result.expired, 0u);
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_EQ(stats.flushed, 100u);
  EXPECT_EQ(stats.evictions, 0u);
  EXPECT_FALSE(cache.lookup(key("n7.test."), t0, 3600s));

  // The cache works as before afterwards.
  cache.insert(key("n7.test."), message(300s), t0);
  EXPECT_TRUE(cache.lookup(key("n7.test."), t0, 0s));
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(CacheFlushTest, OneNameTakesEveryTypeAndFlagAndLeavesOtherNames) {
  const Clock::TimePoint t0{std::chrono::hours(1)};
  Cache cache(1 << 20);
  fill(cache, t0);

  const CacheFlushResult result = cache.flush(nameFlush("www.example.test."), t0);
  EXPECT_EQ(result.removed, 3u);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_FALSE(cache.lookup(key("www.example.test."), t0, 0s));
  EXPECT_FALSE(cache.lookup(key("www.example.test.", kTypeAaaa), t0, 0s));
  EXPECT_FALSE(cache.lookup(key("www.example.test.", kTypeA, true), t0, 0s));
  EXPECT_TRUE(cache.lookup(key("other.example.test."), t0, 0s));
}

TEST(CacheFlushTest, NameAndTypeTakeOnlyThatType) {
  const Clock::TimePoint t0{std::chrono::hours(1)};
  Cache cache(1 << 20);
  fill(cache, t0);

  EXPECT_EQ(cache.flush(nameFlush("www.example.test.", kTypeAaaa), t0).removed, 1u);
  EXPECT_EQ(cache.stats().entries, 3u);
  EXPECT_FALSE(cache.lookup(key("www.example.test.", kTypeAaaa), t0, 0s));
  EXPECT_TRUE(cache.lookup(key("www.example.test."), t0, 0s));
}

TEST(CacheFlushTest, NameMatchesWholeNamesOnly) {
  const Clock::TimePoint t0{std::chrono::hours(1)};
  Cache cache(1 << 20);
  fill(cache, t0);
  // Neither a parent nor a child of a cached name matches it.
  EXPECT_EQ(cache.flush(nameFlush("example.test."), t0).removed, 0u);
  EXPECT_EQ(cache.flush(nameFlush("a.www.example.test."), t0).removed, 0u);
  EXPECT_EQ(cache.stats().entries, 4u);
}

TEST(CacheFlushTest, ExpireKeepsStaleDataForServeStale) {
  const Clock::TimePoint t0{std::chrono::hours(1)};
  Cache cache(1 << 20);
  fill(cache, t0);
  CacheFlush flush = nameFlush("www.example.test.");
  flush.mode = FlushMode::kExpire;

  const CacheFlushResult result = cache.flush(flush, t0 + 10s);
  EXPECT_EQ(result.removed, 0u);
  EXPECT_EQ(result.expired, 3u);
  EXPECT_EQ(cache.stats().entries, 4u);

  // No longer fresh, still there for the stale window, gone without one.
  const auto hit = cache.lookup(key("www.example.test."), t0 + 10s, 60s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->freshness, Freshness::kStale);
  EXPECT_FALSE(cache.lookup(key("www.example.test.", kTypeAaaa), t0 + 10s, 0s));
  EXPECT_EQ(cache.lookup(key("other.example.test."), t0 + 10s, 0s)->freshness, Freshness::kFresh);

  // Expiring what is already stale changes nothing.
  EXPECT_EQ(cache.flush(flush, t0 + 20s).expired, 0u);
}

TEST(CacheFlushTest, ShardStatsAddUpToTheTotal) {
  const Clock::TimePoint t0{};
  Cache cache(1 << 20, 4);
  for (int i = 0; i < 40; ++i) {
    cache.insert(key("n" + std::to_string(i) + ".test."), message(300s), t0);
  }
  const auto shards = cache.shardStats();
  ASSERT_EQ(shards.size(), 4u);
  std::size_t entries = 0;
  std::size_t bytes = 0;
  for (const CacheStats& shard : shards) {
    entries += shard.entries;
    bytes += shard.bytes;
    EXPECT_EQ(shard.max_bytes, (1u << 20) / 4);
  }
  EXPECT_EQ(entries, 40u);
  EXPECT_EQ(bytes, cache.stats().bytes);
  EXPECT_EQ(cache.stats().max_bytes, 1u << 20);
}

// Workers keep inserting and looking up while flushes run; the sanitizers check the locking.
TEST(CacheFlushTest, FlushWhileOtherThreadsUseTheCache) {
  Cache cache(1 << 20, 4);
  const Clock::TimePoint t0{};
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&cache, t0, w] {
      for (int i = 0; i < 2000; ++i) {
        const CacheKey k = key("n" + std::to_string((i + w) % 50) + ".test.");
        cache.insert(k, message(300s), t0);
        (void)cache.lookup(k, t0, 0s);
      }
    });
  }
  std::size_t removed = 0;
  for (int i = 0; i < 200; ++i) {
    removed += cache.flush(i % 2 == 0 ? CacheFlush{} : nameFlush("n3.test."), t0).removed;
  }
  for (std::thread& t : workers) {
    t.join();
  }
  const std::size_t left = cache.stats().entries;
  EXPECT_LE(left, 50u);
  EXPECT_EQ(cache.stats().flushed, removed);
  EXPECT_EQ(cache.flush(CacheFlush{}, t0).removed, left);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

}  // namespace
}  // namespace holdfast::resolver
