// End-to-end tests of the simulator: what it must find, what it must not, and reproducibility.
#include <gtest/gtest.h>

#include "sim/runner.h"
#include "sim/shrink.h"

namespace holdfast::sim {
namespace {

// Bounded so that the suite stays fast: short schedules, a few dozen seeds.
constexpr std::uint64_t kSeeds = 20;
constexpr std::int64_t kChaosMs = 30000;

SimConfig config(Protocol protocol) {
  SimConfig c;
  c.protocol = protocol;
  c.chaos_ms = kChaosMs;
  return c;
}

SweepOptions sweep(std::uint64_t seeds, int jobs = 1) {
  SweepOptions options;
  options.seeds = seeds;
  options.jobs = jobs;
  return options;
}

std::uint64_t firstFailingSeed(const SimConfig& c, Property property) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    for (const Violation& violation : simulateSeed(c, seed).violations) {
      if (violation.property == property) {
        return seed;
      }
    }
  }
  return 0;
}

TEST(SimTest, TheNaiveDesignServesAnEmptyEndpointWithinBoundedSeeds) {
  const Summary summary = runSweep(config(Protocol::kNaive), sweep(kSeeds));
  EXPECT_EQ(summary.schedules, kSeeds);
  EXPECT_GT(summary.by_property[static_cast<std::size_t>(Property::kS1)], 0U);
  EXPECT_GT(summary.by_property[static_cast<std::size_t>(Property::kS2)], 0U);
  EXPECT_GT(summary.by_property[static_cast<std::size_t>(Property::kL1)], 0U);
  EXPECT_GT(summary.clients_saw_empty, 0U);
  ASSERT_TRUE(summary.worst);
  EXPECT_EQ(summary.worst->violation.property, Property::kS1);
}

TEST(SimTest, HoldfastBreaksNothing) {
  const Summary summary = runSweep(config(Protocol::kHoldfast), sweep(kSeeds));
  EXPECT_EQ(summary.schedules, kSeeds);
  EXPECT_EQ(summary.failing, 0U);
  EXPECT_EQ(summary.clients_saw_empty, 0U);
  EXPECT_FALSE(summary.first);
  EXPECT_GT(summary.steps, kSeeds * 50);
}

TEST(SimTest, HoldfastBreaksNothingWithSeveralPlannersAndEndpoints) {
  SimConfig c = config(Protocol::kHoldfast);
  c.planners = 2;
  c.endpoints = 2;
  c.enactors = 4;
  const Summary summary = runSweep(c, sweep(kSeeds / 2));
  EXPECT_EQ(summary.failing, 0U);
  EXPECT_EQ(summary.clients_saw_empty, 0U);
}

TEST(SimTest, ASavedScheduleReplaysExactly) {
  const SimConfig c = config(Protocol::kNaive);
  const std::uint64_t seed = firstFailingSeed(c, Property::kS1);
  ASSERT_NE(seed, 0U);
  Schedule schedule;
  const RunResult original = simulateSeed(c, seed, &schedule);

  auto parsed = parseSchedule(formatSchedule(schedule));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const RunResult replayed = replaySchedule(*parsed);
  EXPECT_EQ(replayed.steps, original.steps);
  ASSERT_EQ(replayed.violations.size(), original.violations.size());
  for (std::size_t i = 0; i < original.violations.size(); ++i) {
    EXPECT_EQ(replayed.violations[i].property, original.violations[i].property);
    EXPECT_EQ(replayed.violations[i].step, original.violations[i].step);
    EXPECT_EQ(replayed.violations[i].message, original.violations[i].message);
  }
  EXPECT_EQ(replayed.clients.empty_answers, original.clients.empty_answers);
}

TEST(SimTest, ShrinkingKeepsTheViolationWithFewerSteps) {
  const SimConfig c = config(Protocol::kNaive);
  const std::uint64_t seed = firstFailingSeed(c, Property::kS1);
  ASSERT_NE(seed, 0U);
  Schedule schedule;
  (void)simulateSeed(c, seed, &schedule);

  const ShrinkResult shrunk = shrinkSchedule(schedule, Property::kS1, 500);
  EXPECT_LT(shrunk.schedule.steps.size(), schedule.steps.size() / 4);
  EXPECT_EQ(shrunk.violation.property, Property::kS1);
  EXPECT_EQ(shrunk.schedule.steps.back().action, Action::kFaultsStop);
  bool empty = false;
  for (const Violation& violation : replaySchedule(shrunk.schedule).violations) {
    empty = empty || violation.property == Property::kS1;
  }
  EXPECT_TRUE(empty);
}

TEST(SimTest, TotalsDoNotDependOnThreads) {
  const Summary one = runSweep(config(Protocol::kNaive), sweep(8, 1));
  const Summary two = runSweep(config(Protocol::kNaive), sweep(8, 2));
  EXPECT_EQ(one.steps, two.steps);
  EXPECT_EQ(one.failing, two.failing);
  EXPECT_EQ(one.by_property, two.by_property);
  EXPECT_EQ(one.empty_answers, two.empty_answers);
  ASSERT_EQ(one.first.has_value(), two.first.has_value());
  if (one.first) {
    EXPECT_EQ(one.first->seed, two.first->seed);
  }
}

}  // namespace
}  // namespace holdfast::sim
