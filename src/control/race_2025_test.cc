// The October 2025 interleaving, step by step: a delayed enactor holding an old plan, a
// planner racing ahead, a fast enactor publishing and cleaning up. Here it must do no harm.
#include <gtest/gtest.h>

#include "control/enactor.h"
#include "control/janitor.h"
#include "control/planner.h"
#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::getKey;
using testing::makeEndpoint;
using testing::readPublishedRecord;
using testing::setHealth;

// Records the published generation after every step and checks S1 and S2 on the way.
class Monitor {
public:
  Monitor(store::Store& store, EndpointConfig endpoint)
      : store_(store), endpoint_(std::move(endpoint)) {}

  void record(const std::string& step) {
    const auto published = readPublishedRecord(store_, endpoint_);
    if (!published) {
      EXPECT_TRUE(history_.empty()) << step << ": the published record disappeared (S1)";
      return;
    }
    EXPECT_FALSE(published->addresses.empty()) << step << ": published empty (S1)";
    if (!history_.empty()) {
      EXPECT_GE(published->generation, history_.back()) << step << ": generation went down (S2)";
    }
    history_.push_back(published->generation);
  }

  [[nodiscard]] const std::vector<Generation>& history() const { return history_; }

private:
  store::Store& store_;
  const EndpointConfig endpoint_;
  std::vector<Generation> history_;
};

// Planner rounds 2..20: one backend down per round, a different one each time, so every round
// changes the desired set and yields exactly one new generation.
void planGenerations(store::Store& store,
                     Planner& planner,
                     const EndpointConfig& endpoint,
                     Monitor& monitor) {
  for (Generation g = 2; g <= 20; ++g) {
    for (std::size_t i = 0; i < endpoint.backends.size(); ++i) {
      setHealth(store, endpoint, endpoint.backends[i].address, i != g % endpoint.backends.size());
    }
    const auto planned = planner.planEndpoint(endpoint);
    ASSERT_TRUE(planned.ok());
    ASSERT_EQ(planned->generation, g);
    monitor.record("planner wrote " + std::to_string(g));
  }
}

void expectJournalNeverRegresses(store::Store& store, const std::string& zone) {
  const auto journal = store.range(journalPrefix(zone));
  ASSERT_TRUE(journal.ok());
  for (const store::KeyValue& kv : journal->kvs) {
    const auto entry = decodeJournal(kv.value);
    ASSERT_TRUE(entry.ok()) << kv.value << ": " << entry.error().message;
    EXPECT_GT(entry->new_generation, entry->old_generation) << kv.key;
  }
}

const EnactorOptions kOptions{10, std::chrono::seconds(5)};

TEST(Race2025, AStaleEnactorCannotOverwriteOrEmptyTheEndpoint) {
  store::MemoryStore store;
  testing::FixedClock clock;
  const EndpointConfig endpoint = makeEndpoint();
  Planner planner(store, {endpoint});
  Enactor a("enactor-a", store, {endpoint}, kOptions, clock);
  Enactor b("enactor-b", store, {endpoint}, kOptions, clock);
  Monitor monitor(store, endpoint);

  // Generation 1; enactor A picks it up, checks it is newer, and is delayed.
  testing::setAllHealth(store, endpoint, true);
  ASSERT_EQ(planner.planEndpoint(endpoint)->generation, 1U);
  auto held = a.prepare(endpoint);
  ASSERT_TRUE(held.ok() && held->has_value());
  ASSERT_EQ((*held)->plan.generation, 1U);
  monitor.record("A prepared 1");

  // The planner races ahead; enactor B applies the newest and cleans up behind it.
  planGenerations(store, planner, endpoint, monitor);
  ASSERT_EQ(*b.enactEndpoint(endpoint), EnactOutcome::kApplied);
  monitor.record("B applied 20 and cleaned up");
  const PublishedRecord applied = *readPublishedRecord(store, endpoint);
  EXPECT_EQ(applied.generation, 20U);
  EXPECT_FALSE(getKey(store, planKey(endpoint.name, 1))) << "clean-up deleted A's plan";

  // A finally commits its old plan: refused, because published/ moved since A looked.
  testing::LogCapture logs;
  EXPECT_EQ(*a.commit(**held), CommitOutcome::kRefused);
  monitor.record("A committed 1");
  EXPECT_EQ(readPublishedRecord(store, endpoint), applied);
  EXPECT_NE(
      logs.text().find(
          R"("msg":"stale write refused","endpoint.name":"api.example.test.","plan.generation":1,"enactor.id":"enactor-a")"),
      std::string::npos);

  // Clean-up again, then lose every plan: what is served does not depend on them (S4).
  ASSERT_TRUE(Janitor(store, {endpoint}, 10).runOnce().ok());
  monitor.record("janitor ran");
  ASSERT_TRUE(store.txn({{}, {store::Op::delPrefix(planPrefix(endpoint.name))}, {}})->succeeded);
  monitor.record("all plans deleted");
  EXPECT_EQ(readPublishedRecord(store, endpoint), applied);

  // Recovery needs no human (L1): the next plan is 21 and the once-stale enactor applies it.
  const auto next = planner.planEndpoint(endpoint);
  EXPECT_EQ(next->outcome, PlanOutcome::kCreated);
  EXPECT_EQ(next->generation, 21U);
  EXPECT_EQ(*a.enactEndpoint(endpoint), EnactOutcome::kApplied);
  monitor.record("A applied 21");
  EXPECT_EQ(readPublishedRecord(store, endpoint)->generation, 21U);
  EXPECT_EQ(*b.enactEndpoint(endpoint), EnactOutcome::kUpToDate);

  EXPECT_EQ(monitor.history().back(), 21U);
  expectJournalNeverRegresses(store, endpoint.zone);
}

// The same race with A delayed between reading its plan and reading the zone serial, so the
// serial A holds is fresh: only the published record's compare stands between A and a
// regression.
TEST(Race2025, ThePublishedCompareAloneRefusesTheStaleWrite) {
  store::MemoryStore store;
  testing::InterposingStore slow(store);
  testing::FixedClock clock;
  const EndpointConfig endpoint = makeEndpoint();
  Planner planner(store, {endpoint});
  Enactor a("enactor-a", slow, {endpoint}, kOptions, clock);
  Enactor b("enactor-b", store, {endpoint}, kOptions, clock);
  Monitor monitor(store, endpoint);

  testing::setAllHealth(store, endpoint, true);
  ASSERT_EQ(planner.planEndpoint(endpoint)->generation, 1U);
  bool delayed = false;
  slow.before_get = [&](std::string_view key) {
    if (key == serialKey(endpoint.zone) && !std::exchange(delayed, true)) {
      planGenerations(store, planner, endpoint, monitor);
      ASSERT_EQ(*b.enactEndpoint(endpoint), EnactOutcome::kApplied);
      monitor.record("B applied 20 while A was delayed");
    }
  };
  auto held = a.prepare(endpoint);
  ASSERT_TRUE(delayed);
  ASSERT_TRUE(held.ok() && held->has_value());
  ASSERT_EQ((*held)->plan.generation, 1U);

  EXPECT_EQ(*a.commit(**held), CommitOutcome::kRefused);
  monitor.record("A committed 1");
  EXPECT_EQ(readPublishedRecord(store, endpoint)->generation, 20U);
  EXPECT_EQ(*a.enactEndpoint(endpoint), EnactOutcome::kUpToDate);
  expectJournalNeverRegresses(store, endpoint.zone);
}

}  // namespace
}  // namespace holdfast::control
