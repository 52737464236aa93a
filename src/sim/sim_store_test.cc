// Tests of the simulated store: stale reads, per-actor floors, injected faults, commit reports.
#include "sim/sim_store.h"

#include <gtest/gtest.h>

namespace holdfast::sim {
namespace {

const ActorId kEnactor{ActorKind::kEnactor, 1};

store::TxnRequest putRequest(const std::string& key, const std::string& value) {
  store::TxnRequest request;
  request.success.push_back(store::Op::put(key, value));
  return request;
}

class SimStoreTest : public ::testing::Test {
protected:
  SimStoreTest() {
    store_.setObserver([this](const Commit& commit) { commits_.push_back(commit); });
    for (int i = 1; i <= 3; ++i) {
      EXPECT_TRUE(store_.txn(putRequest("k", "v" + std::to_string(i))).ok());
    }
    commits_.clear();
  }

  SimStore store_;
  std::vector<Commit> commits_;
};

TEST_F(SimStoreTest, AStaleReadSeesAnOlderRevisionAndReadsNeverGoBack) {
  Step step;
  step.faults = {{OpFault::Kind::kLag, 0, 2}, {OpFault::Kind::kLag, 2, 2}};
  store_.beginStep(kEnactor, 0, step, nullptr);
  auto stale = store_.get("k");
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->kv->value, "v1");
  EXPECT_EQ(stale->revision, 1);
  auto fresh = store_.range("");
  EXPECT_EQ(fresh->kvs.at(0).value, "v3");
  // Lagging again cannot go back behind what the step already saw.
  auto again = store_.get("k");
  EXPECT_EQ(again->kv->value, "v3");
  const SimStore::StepEnd end = store_.endStep();
  EXPECT_EQ(end.ops, 3);
  EXPECT_FALSE(end.crashed);
  EXPECT_EQ(end.seen, 3);
}

TEST_F(SimStoreTest, AnActorNeverReadsBelowItsFloor) {
  Step step;
  step.faults = {{OpFault::Kind::kLag, 0, 10}};
  store_.beginStep(kEnactor, 2, step, nullptr);
  EXPECT_EQ(store_.get("k")->kv->value, "v2");
  (void)store_.endStep();
}

TEST_F(SimStoreTest, AFailedTransactionChangesNothing) {
  Step step;
  step.faults = {{OpFault::Kind::kFail, 0, 0}};
  store_.beginStep(kEnactor, 3, step, nullptr);
  EXPECT_FALSE(store_.txn(putRequest("k", "lost")).ok());
  (void)store_.endStep();
  EXPECT_EQ(store_.revision(), 3);
  EXPECT_TRUE(commits_.empty());
}

TEST_F(SimStoreTest, AnAmbiguousTransactionCommitsButReportsFailure) {
  Step step;
  step.faults = {{OpFault::Kind::kAmbiguous, 0, 0}};
  store_.beginStep(kEnactor, 3, step, nullptr);
  EXPECT_FALSE(store_.txn(putRequest("k", "landed")).ok());
  (void)store_.endStep();
  EXPECT_EQ(store_.direct().get("k")->kv->value, "landed");
  ASSERT_EQ(commits_.size(), 1U);
  EXPECT_EQ(commits_[0].actor, kEnactor);
}

TEST_F(SimStoreTest, AConflictMovesTheComparedKeyFirst) {
  const store::Revision k_revision = store_.direct().get("k")->kv->mod_revision;
  store::TxnRequest request = putRequest("k", "mine");
  request.compares.push_back(store::Compare::modRevisionIs("k", k_revision));
  Step step;
  step.faults = {{OpFault::Kind::kConflict, 0, 0}};
  store_.beginStep(kEnactor, 3, step, nullptr);
  auto result = store_.txn(request);
  (void)store_.endStep();
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->succeeded);
  EXPECT_EQ(store_.direct().get("k")->kv->value, "v3");
  ASSERT_EQ(commits_.size(), 1U);
  EXPECT_EQ(commits_[0].actor.kind, ActorKind::kSim);
}

TEST_F(SimStoreTest, ACrashCutsTheStepAtAnOperation) {
  Step step;
  step.faults = {{OpFault::Kind::kCrashAfter, 1, 0}};
  store_.beginStep(kEnactor, 3, step, nullptr);
  EXPECT_TRUE(store_.get("k").ok());
  EXPECT_FALSE(store_.txn(putRequest("k", "then-died")).ok());
  EXPECT_FALSE(store_.get("k").ok());  // nothing runs after the crash
  EXPECT_TRUE(store_.endStep().crashed);
  EXPECT_EQ(store_.direct().get("k")->kv->value, "then-died");

  Step before;
  before.faults = {{OpFault::Kind::kCrashBefore, 0, 0}};
  store_.beginStep(kEnactor, 4, before, nullptr);
  EXPECT_FALSE(store_.txn(putRequest("k", "never")).ok());
  EXPECT_TRUE(store_.endStep().crashed);
  EXPECT_EQ(store_.direct().get("k")->kv->value, "then-died");
}

TEST_F(SimStoreTest, ACrashAtTheEndOfAStep) {
  Step step;
  step.faults = {{OpFault::Kind::kCrashBefore, OpFault::kEndOfStep, 0}};
  store_.beginStep(kEnactor, 3, step, nullptr);
  EXPECT_TRUE(store_.get("k").ok());
  EXPECT_TRUE(store_.endStep().crashed);
}

TEST_F(SimStoreTest, ADeciderRecordsWhatItDecides) {
  class FailEverything final : public FaultDecider {
  public:
    void decide(int op, bool /*is_txn*/, std::vector<OpFault>& out) override {
      if (op != OpFault::kEndOfStep) {
        out.push_back({OpFault::Kind::kFail, op, 0});
      }
    }
  } decider;

  Step step;
  store_.beginStep(kEnactor, 3, step, &decider);
  EXPECT_FALSE(store_.get("k").ok());
  EXPECT_FALSE(store_.txn(putRequest("k", "x")).ok());
  (void)store_.endStep();
  EXPECT_EQ(step.faults,
            (std::vector<OpFault>{{OpFault::Kind::kFail, 0, 0}, {OpFault::Kind::kFail, 1, 0}}));
}

TEST_F(SimStoreTest, DeletesAreReportedAndVersionsKept) {
  ASSERT_TRUE(store_.txn(putRequest("p/1", "a")).ok());
  ASSERT_TRUE(store_.txn(putRequest("p/2", "b")).ok());
  commits_.clear();
  store::TxnRequest wipe;
  wipe.success.push_back(store::Op::delPrefix("p/"));
  ASSERT_TRUE(store_.txn(wipe).ok());
  ASSERT_EQ(commits_.size(), 1U);
  ASSERT_EQ(commits_[0].events.size(), 2U);
  EXPECT_EQ(commits_[0].events[0].type, store::Event::Type::kDelete);

  // A stale read still sees them.
  Step step;
  step.faults = {{OpFault::Kind::kLag, 0, 1}};
  store_.beginStep(kEnactor, 0, step, nullptr);
  EXPECT_EQ(store_.range("p/")->kvs.size(), 2U);
  (void)store_.endStep();
  EXPECT_TRUE(store_.direct().range("p/")->kvs.empty());
}

}  // namespace
}  // namespace holdfast::sim
