// The October 2025 interleaving, scripted step by step in the world, under both protocols, plus
// direct tests that each invariant check fires.
#include "sim/checker.h"

#include <gtest/gtest.h>

#include "control/records.h"
#include "sim/world.h"

namespace holdfast::sim {
namespace {

const ActorId kHealth{ActorKind::kHealth, 0};
const ActorId kPlanner{ActorKind::kPlanner, 1};
const ActorId kSlow{ActorKind::kEnactor, 1};
const ActorId kFast{ActorKind::kEnactor, 2};

WorldOptions options(Protocol protocol) {
  WorldOptions o;
  o.protocol = protocol;
  o.enactors = 2;
  o.backends = 4;
  o.keep_plans = 3;
  o.clients = 1;
  o.recovery_bound_ms = 10000;
  return o;
}

class Script {
public:
  explicit Script(World& world) : world_(world) {}

  void run(ActorId actor, Action action, int endpoint = -1) {
    Step step{at_ += 100, actor, action, endpoint};
    (void)world_.execute(step, nullptr);
    notes_.push_back(step.note);
  }

  void setHealth(const std::string& address, bool up) {
    Step step{at_ += 100, kHealth, Action::kSetHealth};
    step.address = address;
    step.up = up;
    (void)world_.execute(step, nullptr);
  }

  // Planner rounds: backend 10.0.0.1 flaps, one new generation each time.
  void planGenerations(int count) {
    for (int i = 0; i < count; ++i) {
      setHealth("10.0.0.1", !world_.backendUp("10.0.0.1"));
      run(kHealth, Action::kProbe);
      run(kPlanner, Action::kPlan, 0);
    }
  }

  // Lets time pass, past the naive lock's lease.
  void wait(std::int64_t ms) { at_ += ms; }

  void stopFaults(int stalled) {
    Step stop{at_ += 100, ActorId{ActorKind::kSim, 0}, Action::kFaultsStop};
    stop.number = stalled;
    (void)world_.execute(stop, nullptr);
    world_.recover(stop);
  }

  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }

private:
  World& world_;
  std::int64_t at_ = 0;
  std::vector<std::string> notes_;
};

bool broke(const World& world, Property property) {
  for (const Violation& violation : world.checker().violations()) {
    if (violation.property == property) {
      return true;
    }
  }
  return false;
}

std::string listViolations(World& world) {
  std::string out;
  for (const Violation& violation : world.checker().violations()) {
    out += std::string(propertyName(violation.property)) + ": " + violation.message + "\n";
  }
  return out;
}

TEST(CheckerTest, TheNaiveDesignEmptiesTheEndpointAndCannotRecover) {
  World world(options(Protocol::kNaive));
  Script script(world);
  script.run(kHealth, Action::kProbe);
  script.run(kPlanner, Action::kPlan, 0);

  // The slow enactor checks once and holds generation 1; the planner races to 6.
  script.run(kSlow, Action::kCheck);
  script.planGenerations(5);
  // The fast enactor applies 6; then the slow one applies 1 over it (no generation compare).
  script.run(kFast, Action::kCheck);
  script.run(kFast, Action::kApply, 0);
  script.wait(5000);
  script.run(kSlow, Action::kApply, 0);
  EXPECT_TRUE(broke(world, Property::kS2));
  EXPECT_TRUE(broke(world, Property::kS3));
  EXPECT_FALSE(broke(world, Property::kS1));

  // The fast enactor's clean-up judges "old" against the plan it applied: it deletes 1, the
  // live plan, and the endpoint serves nothing.
  script.run(kFast, Action::kCleanup);
  EXPECT_TRUE(broke(world, Property::kS1)) << listViolations(world);
  EXPECT_TRUE(broke(world, Property::kS4));
  EXPECT_TRUE(broke(world, Property::kS5));
  EXPECT_TRUE(world.checker().served(0).addresses.empty());

  // Nobody can repair it: every apply needs the active plan for its rollback record.
  script.stopFaults(0);
  EXPECT_TRUE(broke(world, Property::kL1)) << listViolations(world);
}

TEST(CheckerTest, HoldfastSurvivesTheSameInterleaving) {
  World world(options(Protocol::kHoldfast));
  Script script(world);
  script.run(kHealth, Action::kProbe);
  script.run(kPlanner, Action::kPlan, 0);

  script.run(kSlow, Action::kPrepare, 0);
  EXPECT_EQ(script.notes().back().rfind("holds plan 1", 0), 0U) << script.notes().back();
  script.planGenerations(5);
  script.run(kFast, Action::kPrepare, 0);
  script.run(kFast, Action::kCommit);
  script.run(kFast, Action::kCleanPrepare, 0);
  script.run(kFast, Action::kCleanCommit);
  script.run(kSlow, Action::kCommit);
  EXPECT_EQ(script.notes().back().rfind("refused plan 1", 0), 0U) << script.notes().back();
  EXPECT_EQ(world.checker().served(0).generation, 6U);

  // Delete every plan by hand: what is served does not change (S4), and recovery needs no one,
  // even with the fast enactor paused throughout (L2).
  script.run(ActorId{ActorKind::kOperator, 0}, Action::kDeletePlans, 0);
  script.stopFaults(2);
  EXPECT_TRUE(world.checker().violations().empty()) << listViolations(world);
  EXPECT_GT(world.checker().served(0).generation, 6U);
}

TEST(CheckerTest, LivenessFailsWhenTheOnlyEnactorStaysPaused) {
  WorldOptions o = options(Protocol::kHoldfast);
  o.enactors = 1;
  World world(o);
  Script script(world);
  script.stopFaults(1);
  ASSERT_EQ(world.checker().violations().size(), 1U) << listViolations(world);
  EXPECT_EQ(world.checker().violations()[0].property, Property::kL1);
  EXPECT_NE(world.checker().violations()[0].message.find("enactor-1 paused throughout"),
            std::string::npos);
}

// Direct checks: commits made by hand, attributed to an actor, must be flagged.
class DirectCheckerTest : public ::testing::Test {
protected:
  DirectCheckerTest() : world_(options(Protocol::kHoldfast)) {}

  void commitAs(ActorId actor, const store::TxnRequest& request) {
    Step step;
    world_.store().beginStep(actor, world_.store().revision(), step, nullptr);
    ASSERT_TRUE(world_.store().txn(request).ok());
    (void)world_.store().endStep();
  }

  void publish(control::Generation generation, control::Generation checked_against) {
    const std::string name = world_.endpoints()[0].name;
    const control::PublishedRecord record{generation, "sim.test.",  control::kTypeA,
                                          5,          {"10.0.0.1"}, "enactor-1"};
    store::TxnRequest request;
    request.success.push_back(store::Op::put(control::publishedKey(name), encodePublished(record)));
    const control::JournalEntry entry{name, checked_against, generation, {}, {}, "enactor-1", 0};
    request.success.push_back(
        store::Op::put(control::journalKey("sim.test.", generation), encodeJournal(entry)));
    commitAs(kSlow, request);
  }

  World world_;
};

TEST_F(DirectCheckerTest, FlagsARegressionAndAStaleCheck) {
  publish(5, 0);
  EXPECT_TRUE(broke(world_, Property::kB3));  // the journal's diff does not say +10.0.0.1
  publish(4, 3);
  EXPECT_TRUE(broke(world_, Property::kS2));
  EXPECT_TRUE(broke(world_, Property::kS3));
}

TEST_F(DirectCheckerTest, FlagsACleanupInsideTheRetentionButNotAHandEdit) {
  publish(10, 0);
  const std::string name = world_.endpoints()[0].name;
  store::TxnRequest request;
  request.success.push_back(store::Op::put(control::planKey(name, 7), "{}"));
  commitAs(ActorId{ActorKind::kOperator, 0}, request);
  store::TxnRequest by_hand;
  by_hand.success.push_back(store::Op::del(control::planKey(name, 7)));
  commitAs(ActorId{ActorKind::kOperator, 0}, by_hand);
  EXPECT_FALSE(broke(world_, Property::kS5));

  commitAs(ActorId{ActorKind::kOperator, 0}, request);
  commitAs(ActorId{ActorKind::kJanitor, 0}, by_hand);  // 7 >= 10 - 3
  EXPECT_TRUE(broke(world_, Property::kS5));
}

TEST_F(DirectCheckerTest, FlagsAPublishWhilePaused) {
  store::TxnRequest pause;
  pause.success.push_back(store::Op::put(std::string(control::kPausedKey), "{}"));
  commitAs(ActorId{ActorKind::kOperator, 0}, pause);
  publish(1, 0);
  EXPECT_TRUE(broke(world_, Property::kB2));
}

}  // namespace
}  // namespace holdfast::sim
