// The sharded cache: freshness, stale window, failure recheck and the byte bound.
#include "resolver/cache.h"

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

CacheKey key(const std::string& name) {
  const auto wire = testing::wireName(name);
  return CacheKey(wire, kTypeA, kClassIn, false, false);
}

std::shared_ptr<const CachedMessage> message(std::chrono::seconds lifetime, std::size_t size = 64) {
  auto m = std::make_shared<CachedMessage>();
  m->wire.resize(size);
  m->lifetime = lifetime;
  return m;
}

TEST(CacheTest, FreshThenStaleThenGone) {
  Cache cache(1 << 20);
  const Clock::TimePoint t0{std::chrono::hours(1)};
  cache.insert(key("a.test."), message(10s), t0);

  auto hit = cache.lookup(key("a.test."), t0 + 4s, 60s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->freshness, Freshness::kFresh);
  EXPECT_EQ(hit->remaining, 6s);

  hit = cache.lookup(key("a.test."), t0 + 30s, 60s);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->freshness, Freshness::kStale);
  EXPECT_FALSE(hit->recheck_pending);

  cache.holdFailure(key("a.test."), t0 + 40s);
  EXPECT_TRUE(cache.lookup(key("a.test."), t0 + 35s, 60s)->recheck_pending);
  EXPECT_FALSE(cache.lookup(key("a.test."), t0 + 45s, 60s)->recheck_pending);

  EXPECT_FALSE(cache.lookup(key("a.test."), t0 + 71s, 60s));
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(CacheTest, KeysIgnoreCaseButNotFlags) {
  Cache cache(1 << 20);
  const Clock::TimePoint t0{};
  cache.insert(key("a.test."), message(10s), t0);
  const auto upper = testing::wireName("a.test.");
  EXPECT_TRUE(cache.lookup(CacheKey(upper, kTypeA, kClassIn, false, false), t0, 0s));
  EXPECT_FALSE(cache.lookup(CacheKey(upper, kTypeA, kClassIn, true, false), t0, 0s));
  EXPECT_FALSE(cache.lookup(CacheKey(upper, kTypeAaaa, kClassIn, false, false), t0, 0s));
}

TEST(CacheTest, StaysUnderItsByteBound) {
  constexpr std::size_t kMax = 64 * 1024;
  Cache cache(kMax, 4);
  const Clock::TimePoint t0{};
  for (int i = 0; i < 5000; ++i) {
    cache.insert(key("n" + std::to_string(i) + ".test."), message(300s, 200), t0);
    ASSERT_LE(cache.stats().bytes, kMax);
  }
  EXPECT_GT(cache.stats().evictions, 0u);
  EXPECT_GT(cache.stats().entries, 10u);

  // The most recent entries survive.
  EXPECT_TRUE(cache.lookup(key("n4999.test."), t0, 0s));
  EXPECT_FALSE(cache.lookup(key("n0.test."), t0, 0s));

  cache.setMaxBytes(kMax / 4);
  EXPECT_LE(cache.stats().bytes, kMax / 4);
}

TEST(CacheTest, LeastRecentlyUsedIsEvictedFirst) {
  const std::size_t entry = message(300s, 100)->bytes() + kCacheEntryOverhead;
  Cache cache(entry * 3, 1);
  const Clock::TimePoint t0{};
  cache.insert(key("a.test."), message(300s, 100), t0);
  cache.insert(key("b.test."), message(300s, 100), t0);
  cache.insert(key("c.test."), message(300s, 100), t0);
  ASSERT_TRUE(cache.lookup(key("a.test."), t0, 0s));  // a is now the most recent
  cache.insert(key("d.test."), message(300s, 100), t0);
  EXPECT_TRUE(cache.lookup(key("a.test."), t0, 0s));
  EXPECT_FALSE(cache.lookup(key("b.test."), t0, 0s));
}

TEST(CacheTest, OversizedAnswerIsNotCached) {
  Cache cache(1024, 1);
  cache.insert(key("big.test."), message(300s, 4096), Clock::TimePoint{});
  EXPECT_EQ(cache.stats().entries, 0u);
}

}  // namespace
}  // namespace holdfast::resolver
