// Blast-radius controls against a store: change budget (step-down and hold), pause, panic,
// floor, fail-open off, the append-only journal with its reasons, review and history.
#include <gtest/gtest.h>

#include "control/enactor.h"
#include "control/pause.h"
#include "control/plan_lookup.h"
#include "control/planner.h"
#include "control/review.h"
#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::makeEndpoint;
using testing::readPublishedRecord;
using testing::setHealth;

std::vector<std::string> tenAddresses() {
  std::vector<std::string> out;
  for (int i = 2; i <= 11; ++i) {
    out.push_back("127.0.0." + std::to_string(i));
  }
  return out;
}

class BlastRadiusTest : public ::testing::Test {
protected:
  BlastRadiusTest() {
    endpoint_ = makeEndpoint("api.example.test.", tenAddresses());
    endpoint_.policy = EndpointPolicy{};  // the defaults: 50% per publish, stepped down
  }

  void onlyHealthy(const std::vector<std::string>& healthy) {
    for (const BackendConfig& backend : endpoint_.backends) {
      setHealth(store_, endpoint_, backend.address,
                std::find(healthy.begin(), healthy.end(), backend.address) != healthy.end());
    }
  }

  Planner planner() { return Planner(store_, {endpoint_}); }

  Enactor enactor(const std::string& id = "enactor-1") {
    return Enactor(id, store_, {endpoint_}, EnactorOptions{10, std::chrono::seconds(5)}, clock_);
  }

  std::vector<std::string> published() {
    const auto record = readPublishedRecord(store_, endpoint_);
    return record ? record->addresses : std::vector<std::string>{};
  }

  // Publishes every backend as generation 1.
  void startWithAllTen() {
    onlyHealthy(tenAddresses());
    ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
    ASSERT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
    ASSERT_EQ(published().size(), 10U);
  }

  store::MemoryStore store_;
  testing::FixedClock clock_;
  EndpointConfig endpoint_;
};

TEST_F(BlastRadiusTest, NineOfTenDownIsSteppedDownNeverMoreThanTheBudgetAtOnce) {
  startWithAllTen();
  onlyHealthy({"127.0.0.2"});
  Planner p = planner();
  Enactor e = enactor();
  std::vector<std::size_t> sizes;
  for (int round = 0; round < 10 && published().size() > 1; ++round) {
    ASSERT_EQ(p.planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
    ASSERT_EQ(*e.enactEndpoint(endpoint_), EnactOutcome::kApplied);
    sizes.push_back(published().size());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 3, 2, 1}));
  EXPECT_EQ(published(), std::vector<std::string>{"127.0.0.2"});
  EXPECT_EQ(p.planEndpoint(endpoint_)->outcome, PlanOutcome::kUnchanged);

  // The journal shows every step, each within the budget, each with its reason.
  auto history = readHistory(store_, endpoint_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 5U);
  std::size_t before = 0;
  for (const HistoryEntry& item : *history) {
    EXPECT_LE(item.entry.removed.size(), endpoint_.policy.max_remove.allowed(before));
    before += item.entry.added.size();
    before -= item.entry.removed.size();
  }
  EXPECT_EQ((*history)[1].entry.why,
            "1 of 10 healthy; step-down: removing 5 of 9 now (change budget)");
  EXPECT_EQ(history->back().entry.why, "1 of 10 healthy");
}

TEST_F(BlastRadiusTest, AStepThatHoldsMoreBackBackIsReplannedEvenWithTheSameAddresses) {
  startWithAllTen();
  Planner p = planner();
  // Failures arrive one pass at a time while nothing is published: with six down the budget
  // already removes five, so the addresses stop changing, but the step keeps growing.
  std::vector<std::string> healthy = tenAddresses();
  for (int down = 1; down <= 9; ++down) {
    healthy.pop_back();
    onlyHealthy(healthy);
    ASSERT_EQ(p.planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated) << down << " down";
  }
  auto latest = findNewestValidPlan(store_, endpoint_);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->reason, "1 of 10 healthy; step-down: removing 5 of 9 now (change budget)");
  EXPECT_EQ((*latest)->addresses.size(), 5U);
  EXPECT_EQ(p.planEndpoint(endpoint_)->outcome, PlanOutcome::kUnchanged);
}

TEST_F(BlastRadiusTest, HoldModeKeepsServingEverythingUntilAnOperatorApproves) {
  endpoint_.policy.over_budget = OverBudget::kHold;
  startWithAllTen();
  onlyHealthy({"127.0.0.2"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->generation, 2U);

  testing::LogCapture logs;
  Enactor e = enactor();
  EXPECT_EQ(*e.enactEndpoint(endpoint_), EnactOutcome::kHeld);
  EXPECT_EQ(*e.enactEndpoint(endpoint_), EnactOutcome::kHeld);
  EXPECT_EQ(published().size(), 10U);
  const std::string text = logs.text();
  const std::string held = "plan held: it removes more addresses than the change budget allows";
  ASSERT_NE(text.find(held), std::string::npos);
  EXPECT_EQ(text.find(held), text.rfind(held)) << "logged once, not on every pass";
  EXPECT_NE(text.find(R"("plan.removed_count":9,"policy.max_remove":5)"), std::string::npos);

  auto review = reviewEndpoint(store_, endpoint_, false);
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->verdict, Verdict::kHeld);
  EXPECT_EQ(review->diff.removed.size(), 9U);
  EXPECT_EQ(review->allowed_removals, 5U);
  EXPECT_EQ(reviewEndpoint(store_, endpoint_, true)->verdict, Verdict::kPublish);

  // An operator approves: the whole change goes out at once, and the journal says who and why.
  Enactor op = enactor("operator:alice");
  auto attempt = op.prepare(endpoint_);
  ASSERT_TRUE(attempt.ok() && attempt->has_value());
  (*attempt)->approved = true;
  (*attempt)->note = "drill 7";
  EXPECT_EQ(*op.commit(**attempt), CommitOutcome::kApplied);
  EXPECT_EQ(published(), std::vector<std::string>{"127.0.0.2"});
  const HistoryEntry last = readHistory(store_, endpoint_)->back();
  EXPECT_EQ(last.entry.enactor, "operator:alice");
  EXPECT_EQ(last.entry.removed.size(), 9U);
  EXPECT_EQ(last.entry.why, "1 of 10 healthy; approved by operator:alice: drill 7");
  EXPECT_EQ(last.entry.applied_at_ms, testing::FixedClock::kWallMs);
}

TEST_F(BlastRadiusTest, AnOverBudgetHandPlanIsHeldAndTheStepModePlannerRoutesAroundIt) {
  startWithAllTen();
  testing::putPlan(store_, testing::makePlan(endpoint_, 2, {"127.0.0.2"}));
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kHeld);
  EXPECT_EQ(published().size(), 10U);

  // Health still says all ten are fine: the planner re-plans past the hand plan.
  EXPECT_EQ(planner().planEndpoint(endpoint_)->generation, 3U);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(readPublishedRecord(store_, endpoint_)->generation, 3U);
  EXPECT_EQ(published().size(), 10U);
}

TEST_F(BlastRadiusTest, APauseFreezesWhatIsPublishedUntilResumed) {
  startWithAllTen();
  const PauseRecord pause{"operator:bob", testing::FixedClock::kWallMs, "incident 9"};
  ASSERT_TRUE(pauseAutomation(store_, "", pause).ok());
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated)
      << "planning goes on while paused";
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kPaused);
  EXPECT_EQ(published().size(), 10U);
  EXPECT_EQ(readPause(store_, endpoint_.name)->global, pause);
  EXPECT_EQ(reviewEndpoint(store_, endpoint_, false)->verdict, Verdict::kPaused);

  // A pause of the endpoint outlives the lifting of the global one.
  ASSERT_TRUE(pauseAutomation(store_, endpoint_.name, pause).ok());
  EXPECT_TRUE(*resumeAutomation(store_, ""));
  EXPECT_FALSE(*resumeAutomation(store_, ""));
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kPaused);
  EXPECT_TRUE(*resumeAutomation(store_, endpoint_.name));
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published().size(), 6U);
}

TEST_F(BlastRadiusTest, APauseOfAnotherEndpointChangesNothingHere) {
  startWithAllTen();
  ASSERT_TRUE(pauseAutomation(store_, "other.example.test.", PauseRecord{"x", 0, "y"}).ok());
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
}

TEST_F(BlastRadiusTest, APauseThatLandsBetweenPrepareAndCommitWins) {
  startWithAllTen();
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  Enactor e = enactor();
  auto attempt = e.prepare(endpoint_);
  ASSERT_TRUE(attempt.ok() && attempt->has_value());
  ASSERT_TRUE(pauseAutomation(store_, endpoint_.name, PauseRecord{"x", 0, "now"}).ok());
  EXPECT_EQ(*e.commit(**attempt), CommitOutcome::kPaused);
  EXPECT_EQ(published().size(), 10U);
}

TEST_F(BlastRadiusTest, PanicThresholdServesEveryBackendWithAnAlert) {
  endpoint_.policy.panic_percent = 50;
  startWithAllTen();
  testing::LogCapture logs;
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4"});  // 7 of 10 down
  // Every backend stays: the plan does not change at all.
  EXPECT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kUnchanged);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(published().size(), 10U);
  EXPECT_NE(logs.text().find(R"("level":"error","logger":"control.planner",)"
                             R"("msg":"panic threshold crossed, ignoring health and serving )"
                             R"(every backend")"),
            std::string::npos)
      << logs.text();
  // 5 of 10 down is not above the threshold: health counts again.
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"});
  EXPECT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published().size(), 5U);
}

TEST_F(BlastRadiusTest, TheFloorKeepsUnhealthyBackendsPublished) {
  endpoint_.policy.min_healthy = 3;
  endpoint_.policy.max_remove = ChangeBudget{ChangeBudget::Unit::kPercent, 100};
  startWithAllTen();
  testing::LogCapture logs;
  onlyHealthy({"127.0.0.5"});
  EXPECT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published().size(), 3U);
  EXPECT_NE(logs.text().find("below the minimum-healthy floor"), std::string::npos);
}

TEST_F(BlastRadiusTest, WithFailOpenOffNothingHealthyFreezesThePlan) {
  endpoint_.policy.fail_open = false;
  startWithAllTen();
  testing::LogCapture logs;
  onlyHealthy({});
  EXPECT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kFrozen);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(published().size(), 10U);
  EXPECT_NE(logs.text().find("fail-open is off, keeping the current plan"), std::string::npos);
}

TEST_F(BlastRadiusTest, AFrozenPlannerSupersedesAHeldHandPlanWithWhatIsServed) {
  endpoint_.policy.fail_open = false;
  startWithAllTen();
  testing::putPlan(store_, testing::makePlan(endpoint_, 2, {"127.0.0.4", "127.0.0.5"}));
  onlyHealthy({});
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kHeld);

  // Nothing healthy and fail-open off: the planner keeps what is served, and says so with a
  // newer plan, so the held hand plan stops being the newest and nothing waits for a human.
  const auto planned = planner().planEndpoint(endpoint_);
  EXPECT_EQ(planned->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(planned->generation, 3U);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(readPublishedRecord(store_, endpoint_)->generation, 3U);
  EXPECT_EQ(published().size(), 10U);
  EXPECT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kFrozen);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
}

TEST_F(BlastRadiusTest, TheJournalIsAppendOnlyEvenWhenTheSerialIsSetBack) {
  startWithAllTen();
  const auto first = testing::getKey(store_, journalKey(endpoint_.zone, 1));
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_.put(serialKey(endpoint_.zone), encodeSerial({0})).ok());

  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(testing::getKey(store_, journalKey(endpoint_.zone, 1))->value, first->value);
  EXPECT_TRUE(testing::getKey(store_, journalKey(endpoint_.zone, 2)));
  EXPECT_EQ(readHistory(store_, endpoint_)->size(), 2U);
}

TEST_F(BlastRadiusTest, ADeletedOrCorruptSerialNeverBlocksPublishing) {
  startWithAllTen();
  ASSERT_TRUE(store_.del(serialKey(endpoint_.zone)).ok());
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_TRUE(testing::getKey(store_, journalKey(endpoint_.zone, 2)));

  ASSERT_TRUE(store_.put(serialKey(endpoint_.zone), "{broken").ok());
  onlyHealthy({"127.0.0.2", "127.0.0.3", "127.0.0.4"});
  ASSERT_EQ(planner().planEndpoint(endpoint_)->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(*enactor().enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(readHistory(store_, endpoint_)->size(), 3U);
  EXPECT_EQ(*decodeSerial(testing::getKey(store_, serialKey(endpoint_.zone))->value),
            SerialRecord{3});
}

TEST_F(BlastRadiusTest, HistoryListsOnlyThisEndpointOldestFirst) {
  const EndpointConfig other = makeEndpoint("other.example.test.", {"127.0.0.2"});
  testing::putPlan(store_, testing::makePlan(other, 1, {"127.0.0.2"}));
  ASSERT_EQ(*Enactor("enactor-1", store_, {other}, EnactorOptions{}, clock_).enactEndpoint(other),
            EnactOutcome::kApplied);
  startWithAllTen();
  auto history = readHistory(store_, endpoint_);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1U);
  EXPECT_EQ((*history)[0].serial_offset, 2U);
  EXPECT_EQ((*history)[0].entry.added.size(), 10U);
  EXPECT_EQ((*history)[0].entry.why, "10 of 10 healthy");
}

}  // namespace
}  // namespace holdfast::control
