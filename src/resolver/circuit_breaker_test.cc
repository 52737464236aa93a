// The breaker's states, its failure window and its jittered exponential probe backoff.
#include "resolver/circuit_breaker.h"

#include <set>

#include <gtest/gtest.h>

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

BreakerOptions options() {
  BreakerOptions o;
  o.failure_threshold = 3;
  o.failure_window = 10s;
  o.probe_initial = 1s;
  o.probe_max = 8s;
  return o;
}

TEST(CircuitBreakerTest, OpensAfterThresholdFailuresInWindow) {
  SeededRandom random(1);
  CircuitBreaker b(options());
  const Clock::TimePoint t0{std::chrono::hours(1)};
  EXPECT_EQ(b.recordFailure(t0, random), BreakerTransition::kNone);
  EXPECT_EQ(b.recordFailure(t0 + 1s, random), BreakerTransition::kNone);
  EXPECT_EQ(b.recordFailure(t0 + 2s, random), BreakerTransition::kOpened);
  EXPECT_FALSE(b.allowsTraffic());
  EXPECT_LE(b.nextProbeAt(), t0 + 2s + 1s);
}

TEST(CircuitBreakerTest, FailuresOutsideTheWindowDoNotCount) {
  SeededRandom random(1);
  CircuitBreaker b(options());
  const Clock::TimePoint t0{std::chrono::hours(1)};
  b.recordFailure(t0, random);
  b.recordFailure(t0 + 6s, random);
  EXPECT_EQ(b.recordFailure(t0 + 12s, random), BreakerTransition::kNone);
  EXPECT_TRUE(b.allowsTraffic());
}

TEST(CircuitBreakerTest, ProbeBacksOffWithJitterUpToTheCap) {
  SeededRandom random(3);
  CircuitBreaker b(options());
  Clock::TimePoint now{std::chrono::hours(1)};
  for (int i = 0; i < 3; ++i) {
    b.recordFailure(now, random);
  }
  std::vector<std::chrono::milliseconds> ceilings;
  for (int round = 0; round < 6; ++round) {
    ceilings.push_back(b.probeCeiling());
    EXPECT_LE(b.nextProbeAt() - now, b.probeCeiling());
    EXPECT_FALSE(b.tryStartProbe(now - 1ms, random));
    now = std::max(now, b.nextProbeAt());
    ASSERT_TRUE(b.tryStartProbe(now, random));
    EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
    EXPECT_FALSE(b.tryStartProbe(now, random));  // one probe at a time
    EXPECT_EQ(b.recordFailure(now, random), BreakerTransition::kReopened);
  }
  EXPECT_EQ(ceilings, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 8s, 8s}));

  now = std::max(now, b.nextProbeAt());
  ASSERT_TRUE(b.tryStartProbe(now, random));
  EXPECT_EQ(b.recordSuccess(now), BreakerTransition::kClosed);
  EXPECT_TRUE(b.allowsTraffic());
  EXPECT_EQ(b.probeCeiling(), 1s);
}

TEST(CircuitBreakerTest, JitterSpreadsProbeTimes) {
  Clock::TimePoint now{std::chrono::hours(1)};
  std::set<Clock::TimePoint> times;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    SeededRandom random(seed);
    CircuitBreaker b(options());
    for (int i = 0; i < 3; ++i) {
      b.recordFailure(now, random);
    }
    times.insert(b.nextProbeAt());
  }
  EXPECT_GT(times.size(), 15u);
}

TEST(CircuitBreakerTest, LostProbeIsRetriedAndLateSuccessDoesNotClose) {
  SeededRandom random(1);
  CircuitBreaker b(options());
  Clock::TimePoint now{std::chrono::hours(1)};
  for (int i = 0; i < 3; ++i) {
    b.recordFailure(now, random);
  }
  EXPECT_EQ(b.recordSuccess(now), BreakerTransition::kNone);  // sent before it opened
  now += 2s;
  ASSERT_TRUE(b.tryStartProbe(now, random));
  b.abandonProbe(now);
  EXPECT_TRUE(b.tryStartProbe(now, random));

  // A probe that never reports counts as failed after the verdict timeout.
  now += kProbeVerdictTimeout;
  EXPECT_FALSE(b.tryStartProbe(now, random) && b.probeCeiling() == 1s);
  EXPECT_EQ(b.probeCeiling(), 2s);
}

}  // namespace
}  // namespace holdfast::resolver
