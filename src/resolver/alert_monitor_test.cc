// Alert conditions from counters and breaker states.
#include "resolver/alert_monitor.h"

#include <gtest/gtest.h>

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

const AlertCondition* find(const std::vector<AlertCondition>& all,
                           const std::string& name,
                           const std::string& subject) {
  for (const AlertCondition& c : all) {
    if (c.name == name && c.subject == subject) {
      return &c;
    }
  }
  return nullptr;
}

TEST(AlertMonitorTest, EventConditionsFireOnGrowthAndClearAfterQuiet) {
  AlertMonitor monitor(10s);
  ResolverStats stats;
  stats.lkg_holds = 4;  // before the monitor started: not an alert
  Clock::TimePoint now{1h};
  auto first = monitor.evaluate(now, stats, {});
  EXPECT_FALSE(find(first, kAlertLkgHold, "resolver")->active);

  stats.lkg_holds = 5;
  now += 1s;
  EXPECT_TRUE(find(monitor.evaluate(now, stats, {}), kAlertLkgHold, "resolver")->active);
  EXPECT_FALSE(find(monitor.evaluate(now, stats, {}), kAlertStaleServed, "resolver")->active);
  now += 9s;
  EXPECT_TRUE(find(monitor.evaluate(now, stats, {}), kAlertLkgHold, "resolver")->active);
  now += 1s;
  EXPECT_FALSE(find(monitor.evaluate(now, stats, {}), kAlertLkgHold, "resolver")->active);
}

TEST(AlertMonitorTest, BreakerFiresWhileNotClosed) {
  AlertMonitor monitor(10s);
  ResolverStats stats;
  const Clock::TimePoint now{1h};
  UpstreamStatus u;
  u.name = "127.0.0.2:53";
  u.state = BreakerState::kOpen;
  EXPECT_TRUE(find(monitor.evaluate(now, stats, {u}), kAlertBreakerOpen, u.name)->active);
  u.state = BreakerState::kHalfOpen;
  EXPECT_TRUE(find(monitor.evaluate(now, stats, {u}), kAlertBreakerOpen, u.name)->active);
  u.state = BreakerState::kClosed;
  EXPECT_FALSE(find(monitor.evaluate(now, stats, {u}), kAlertBreakerOpen, u.name)->active);

  // An upstream removed while firing is reported clear once.
  u.state = BreakerState::kOpen;
  (void)monitor.evaluate(now, stats, {u});
  auto after = monitor.evaluate(now, stats, {});
  ASSERT_NE(find(after, kAlertBreakerOpen, u.name), nullptr);
  EXPECT_FALSE(find(after, kAlertBreakerOpen, u.name)->active);
  EXPECT_EQ(find(monitor.evaluate(now, stats, {}), kAlertBreakerOpen, u.name), nullptr);
}

}  // namespace
}  // namespace holdfast::resolver
