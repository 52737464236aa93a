// Tests of the janitor: retention, the published generation is sacred, publishes abort it.
#include "control/janitor.h"

#include <gtest/gtest.h>

#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::getKey;
using testing::makeEndpoint;
using testing::makePlan;
using testing::putPlan;

class JanitorTest : public ::testing::Test {
protected:
  void addPlans(Generation from, Generation to) {
    for (Generation g = from; g <= to; ++g) {
      putPlan(store_, makePlan(endpoint_, g, {"127.0.0.2"}));
    }
  }

  void publish(Generation generation) {
    ASSERT_TRUE(store_
                    .put(publishedKey(endpoint_.name),
                         encodePublished(
                             {generation, "example.test.", kTypeA, 30, {"127.0.0.2"}, "enactor-1"}))
                    .ok());
  }

  [[nodiscard]] bool hasPlan(Generation generation) {
    return getKey(store_, planKey(endpoint_.name, generation)).has_value();
  }

  store::MemoryStore store_;
  const EndpointConfig endpoint_ = makeEndpoint();
};

TEST_F(JanitorTest, DeletesNothingWhileNothingIsPublished) {
  addPlans(1, 30);
  Janitor janitor(store_, {endpoint_}, 10);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 0U);

  ASSERT_TRUE(store_.put(publishedKey(endpoint_.name), "corrupt").ok());
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 0U);
  EXPECT_EQ(store_.range(planPrefix(endpoint_.name))->kvs.size(), 31U);
}

TEST_F(JanitorTest, KeepsTheLastKGenerations) {
  addPlans(1, 22);
  publish(20);
  Janitor janitor(store_, {endpoint_}, 10);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 9U);
  for (Generation g = 1; g <= 22; ++g) {
    EXPECT_EQ(hasPlan(g), g >= 10) << g;
  }
  EXPECT_TRUE(getKey(store_, latestKey(endpoint_.name)));
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 0U);
}

TEST_F(JanitorTest, NeverDeletesThePublishedGenerationOrNewer) {
  addPlans(1, 7);
  publish(5);
  Janitor janitor(store_, {endpoint_}, 0);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 4U);
  for (Generation g = 1; g <= 7; ++g) {
    EXPECT_EQ(hasPlan(g), g >= 5) << g;
  }
}

TEST_F(JanitorTest, APublishBetweenReadAndTxnAbortsIt) {
  addPlans(1, 21);
  publish(20);
  Janitor janitor(store_, {endpoint_}, 10);
  auto cleanup = janitor.prepare(endpoint_);
  ASSERT_TRUE(cleanup.ok() && cleanup->has_value());
  EXPECT_EQ((*cleanup)->doomed.size(), 9U);

  publish(21);
  EXPECT_EQ(*janitor.commit(**cleanup), CleanupOutcome::kAborted);
  for (Generation g = 1; g <= 21; ++g) {
    EXPECT_TRUE(hasPlan(g)) << g;
  }
}

TEST_F(JanitorTest, RefusesACleanupInsideTheRetention) {
  addPlans(1, 20);
  publish(20);
  Janitor janitor(store_, {endpoint_}, 10);
  const auto revision = getKey(store_, publishedKey(endpoint_.name))->mod_revision;
  auto refused = janitor.commit(Cleanup{endpoint_.name, 20, revision, {3, 10}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kInternal);
  EXPECT_TRUE(hasPlan(3));
}

TEST_F(JanitorTest, BoundsDeletesPerTransaction) {
  addPlans(1, 250);
  publish(250);
  Janitor janitor(store_, {endpoint_}, 0);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), Janitor::kMaxDeletesPerTxn);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), Janitor::kMaxDeletesPerTxn);
  EXPECT_EQ(*janitor.cleanEndpoint(endpoint_), 49U);
  EXPECT_TRUE(hasPlan(250));
}

TEST_F(JanitorTest, RunsPeriodically) {
  addPlans(1, 12);
  publish(12);
  Janitor janitor(store_, {endpoint_}, 2);
  janitor.start(std::chrono::milliseconds(5));
  EXPECT_TRUE(testing::eventually([&] { return !hasPlan(9); }));
  janitor.stop();
  janitor.stop();
  EXPECT_TRUE(hasPlan(10));
}

}  // namespace
}  // namespace holdfast::control
