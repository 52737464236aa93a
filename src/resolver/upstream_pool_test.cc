// Upstream selection: fastest first, some exploration, breakers and reloads.
#include "resolver/upstream_pool.h"

#include <map>

#include <gtest/gtest.h>

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

std::vector<Upstream> two() {
  return {parseUpstream("127.0.0.2").value(), parseUpstream("127.0.0.3:5353").value()};
}

TEST(UpstreamTest, ParsesForms) {
  EXPECT_EQ(parseUpstream("127.0.0.1")->port, 53);
  EXPECT_EQ(parseUpstream("127.0.0.1:5300")->port, 5300);
  EXPECT_EQ(parseUpstream("[::1]:54")->name(), "[::1]:54");
  EXPECT_EQ(parseUpstream("[::1]")->port, 53);
  EXPECT_FALSE(parseUpstream("dns.example:53").ok());
  EXPECT_FALSE(parseUpstream("127.0.0.1:0").ok());
  EXPECT_FALSE(parseUpstream("::1").ok());
}

TEST(UpstreamPoolTest, PrefersTheFasterUpstreamButExplores) {
  SeededRandom random(5);
  ResolverStats stats;
  UpstreamPool pool(two(), PoolOptions{}, random, stats);
  const Clock::TimePoint now{};
  auto a = pool.select(now, {});
  pool.reportSuccess(a->id, 20ms, false, now);
  auto b = pool.select(now, std::vector<UpstreamId>{a->id});
  ASSERT_NE(a->id, b->id);
  pool.reportSuccess(b->id, 2ms, false, now);

  std::map<UpstreamId, int> picks;
  for (int i = 0; i < 1000; ++i) {
    auto c = pool.select(now, {});
    ++picks[c->id];
    pool.reportAbandoned(c->id, false, now);
  }
  EXPECT_GT(picks[b->id], 900);
  EXPECT_GT(picks[a->id], 5);  // exploration
}

TEST(UpstreamPoolTest, SkipsOpenBreakersAndProbesWhenDue) {
  SeededRandom random(5);
  ResolverStats stats;
  PoolOptions options;
  options.breaker.failure_threshold = 2;
  UpstreamPool pool({parseUpstream("127.0.0.2").value()}, options, random, stats);
  Clock::TimePoint now{std::chrono::hours(1)};
  for (int i = 0; i < 2; ++i) {
    auto c = pool.select(now, {});
    pool.reportFailure(c->id, FailureKind::kTimeout, false, now);
  }
  EXPECT_EQ(stats.breaker_opened.load(), 1u);
  EXPECT_FALSE(pool.select(now, {}));
  now += options.breaker.probe_initial;
  EXPECT_TRUE(pool.anyUsable(now));
  auto probe = pool.takeDueProbe(now);
  ASSERT_TRUE(probe);
  EXPECT_TRUE(probe->probe);
  pool.reportSuccess(probe->id, 1ms, true, now);
  EXPECT_EQ(stats.breaker_closed.load(), 1u);
  EXPECT_TRUE(pool.select(now, {}));
}

TEST(UpstreamPoolTest, ReloadKeepsStateOfUpstreamsThatStay) {
  SeededRandom random(5);
  ResolverStats stats;
  PoolOptions options;
  options.breaker.failure_threshold = 1;
  UpstreamPool pool(two(), options, random, stats);
  const Clock::TimePoint now{std::chrono::hours(1)};
  auto c = pool.select(now, {});
  pool.reportFailure(c->id, FailureKind::kTimeout, false, now);
  pool.reconfigure(two(), options);
  const auto status = pool.status();
  EXPECT_EQ(std::count_if(status.begin(), status.end(),
                          [](const UpstreamStatus& s) { return s.state == BreakerState::kOpen; }),
            1);
}

TEST(RetryBudgetTest, LimitsRetriesToAShareOfTraffic) {
  RetryBudgetOptions options;
  options.ratio = 0.25;
  options.min_per_second = 0;
  options.max_tokens = 2;
  RetryBudget budget(options);
  const Clock::TimePoint now{};
  EXPECT_TRUE(budget.tryRetry(now));
  EXPECT_TRUE(budget.tryRetry(now));
  EXPECT_FALSE(budget.tryRetry(now));
  for (int i = 0; i < 4; ++i) {
    budget.noteFirstAttempt();
  }
  EXPECT_TRUE(budget.tryRetry(now));
  EXPECT_FALSE(budget.tryRetry(now));
}

}  // namespace
}  // namespace holdfast::resolver
