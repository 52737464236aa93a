// Tests of the enactor: newest plan wins, stale writes are refused, bad plans are skipped.
#include "control/enactor.h"

#include <gtest/gtest.h>

#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::getKey;
using testing::makeEndpoint;
using testing::makePlan;
using testing::putPlan;
using testing::readPublishedRecord;

const std::vector<std::string> kAll = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};

class EnactorTest : public ::testing::Test {
protected:
  Enactor makeEnactor(const std::string& id) {
    return Enactor(id, store_, {endpoint_}, EnactorOptions{10, std::chrono::seconds(5)}, clock_);
  }

  Generation published() {
    const auto record = readPublishedRecord(store_, endpoint_);
    return record ? record->generation : 0;
  }

  store::MemoryStore store_;
  testing::FixedClock clock_;
  const EndpointConfig endpoint_ = makeEndpoint();
};

TEST_F(EnactorTest, DoesNothingWithoutPlans) {
  Enactor enactor = makeEnactor("enactor-1");
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(*store_.currentRevision(), 0);
}

TEST_F(EnactorTest, AppliesTheNewestPlanWithAddressesInline) {
  putPlan(store_, makePlan(endpoint_, 1, {"127.0.0.2"}));
  putPlan(store_, makePlan(endpoint_, 2, {"127.0.0.4", "127.0.0.2"}));
  Enactor enactor = makeEnactor("enactor-2");
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);

  EXPECT_EQ(
      readPublishedRecord(store_, endpoint_),
      (PublishedRecord{2, "example.test.", kTypeA, 30, {"127.0.0.2", "127.0.0.4"}, "enactor-2"}));
  EXPECT_EQ(*decodeSerial(getKey(store_, serialKey("example.test."))->value), SerialRecord{1});
  EXPECT_EQ(*decodeJournal(getKey(store_, journalKey("example.test.", 1))->value),
            (JournalEntry{endpoint_.name,
                          0,
                          2,
                          {"127.0.0.2", "127.0.0.4"},
                          {},
                          "enactor-2",
                          testing::FixedClock::kWallMs}));

  const store::Revision before = *store_.currentRevision();
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(*store_.currentRevision(), before);

  putPlan(store_, makePlan(endpoint_, 3, {"127.0.0.3", "127.0.0.4"}));
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(*decodeJournal(getKey(store_, journalKey("example.test.", 2))->value),
            (JournalEntry{endpoint_.name,
                          2,
                          3,
                          {"127.0.0.3"},
                          {"127.0.0.2"},
                          "enactor-2",
                          testing::FixedClock::kWallMs}));
}

TEST_F(EnactorTest, RefusesAStaleWrite) {
  putPlan(store_, makePlan(endpoint_, 1, kAll));
  Enactor a = makeEnactor("enactor-a");
  Enactor b = makeEnactor("enactor-b");
  auto held = a.prepare(endpoint_);
  ASSERT_TRUE(held.ok() && held->has_value());
  EXPECT_EQ((*held)->plan.generation, 1U);

  putPlan(store_, makePlan(endpoint_, 2, {"127.0.0.3"}));
  ASSERT_EQ(*b.enactEndpoint(endpoint_), EnactOutcome::kApplied);

  testing::LogCapture logs;
  EXPECT_EQ(*a.commit(**held), CommitOutcome::kRefused);
  EXPECT_EQ(published(), 2U);
  EXPECT_NE(
      logs.text().find(
          R"("level":"warn","logger":"control.enactor","msg":"stale write refused","endpoint.name":"api.example.test.","plan.generation":1,"enactor.id":"enactor-a")"),
      std::string::npos)
      << logs.text();

  // Starting over finds nothing newer than 2 instead of retrying the held plan.
  EXPECT_EQ(*a.enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(published(), 2U);
}

TEST_F(EnactorTest, SkipsACorruptNewestPlan) {
  putPlan(store_, makePlan(endpoint_, 1, {"127.0.0.2"}));
  putPlan(store_, makePlan(endpoint_, 2, {"127.0.0.3"}));
  ASSERT_TRUE(store_.put(planKey(endpoint_.name, 3), "{\"generation\":3,").ok());
  ASSERT_TRUE(store_.put(latestKey(endpoint_.name), encodeLatest({3})).ok());

  Enactor enactor = makeEnactor("enactor-1");
  testing::LogCapture logs;
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published(), 2U);
  EXPECT_NE(logs.text().find("plan skipped as invalid"), std::string::npos);

  // Every other way a newest plan can be unusable, each skipped for the newest valid one.
  Plan empty = makePlan(endpoint_, 4, {});
  putPlan(store_, empty);
  Plan other_endpoint = makePlan(endpoint_, 5, {"127.0.0.2"});
  other_endpoint.endpoint = "other.example.test.";
  putPlan(store_, other_endpoint);
  Plan wrong_type = makePlan(endpoint_, 6, {"::1"});
  wrong_type.rrtype = kTypeAaaa;
  putPlan(store_, wrong_type);
  Plan wrong_generation = makePlan(endpoint_, 6, {"127.0.0.2"});
  ASSERT_TRUE(store_.put(planKey(endpoint_.name, 7), encodePlan(wrong_generation)).ok());
  ASSERT_TRUE(store_.put(latestKey(endpoint_.name), "not json").ok());
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kUpToDate);
  EXPECT_EQ(published(), 2U);

  putPlan(store_, makePlan(endpoint_, 9, {"127.0.0.4"}));
  ASSERT_TRUE(store_.put(latestKey(endpoint_.name), encodeLatest({10})).ok());  // no plan 10
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published(), 9U);
}

TEST_F(EnactorTest, NeverPublishesEmptyOrOlder) {
  putPlan(store_, makePlan(endpoint_, 2, kAll));
  Enactor enactor = makeEnactor("enactor-1");
  auto attempt = enactor.prepare(endpoint_);
  ASSERT_TRUE(attempt.ok() && attempt->has_value());

  Attempt empty = **attempt;
  empty.plan.addresses.clear();
  const store::Revision before = *store_.currentRevision();
  auto refused = enactor.commit(empty);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kInternal);
  EXPECT_EQ(*store_.currentRevision(), before);

  ASSERT_EQ(*enactor.commit(**attempt), CommitOutcome::kApplied);
  Attempt older = **attempt;
  older.published = readPublishedRecord(store_, endpoint_);
  older.plan.generation = 1;
  EXPECT_FALSE(enactor.commit(older).ok());
  EXPECT_EQ(published(), 2U);
}

TEST_F(EnactorTest, ReplacesAnUnreadablePublishedRecordAndSerial) {
  putPlan(store_, makePlan(endpoint_, 1, kAll));
  Enactor enactor = makeEnactor("enactor-1");
  ASSERT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);

  ASSERT_TRUE(store_.put(publishedKey(endpoint_.name), "{}").ok());
  ASSERT_TRUE(store_.put(serialKey(endpoint_.zone), "???").ok());
  putPlan(store_, makePlan(endpoint_, 2, {"127.0.0.2"}));
  EXPECT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(published(), 2U);
  EXPECT_EQ(*decodeSerial(getKey(store_, serialKey("example.test."))->value), SerialRecord{2});
  EXPECT_TRUE(getKey(store_, journalKey("example.test.", 2)));
}

TEST_F(EnactorTest, RetriesWhenAnotherEndpointMovedTheZoneSerial) {
  const EndpointConfig other = makeEndpoint("www.example.test.");
  putPlan(store_, makePlan(endpoint_, 1, kAll));
  putPlan(store_, makePlan(other, 1, kAll));
  Enactor a("enactor-a", store_, {endpoint_, other}, {}, clock_);
  Enactor b("enactor-b", store_, {endpoint_, other}, {}, clock_);

  auto held = a.prepare(endpoint_);
  ASSERT_EQ(*b.enactEndpoint(other), EnactOutcome::kApplied);
  testing::LogCapture logs;
  EXPECT_EQ(*a.commit(**held), CommitOutcome::kRefused);
  EXPECT_EQ(logs.text().find("stale write refused"), std::string::npos) << "only the serial moved";
  EXPECT_EQ(*a.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  EXPECT_EQ(*decodeSerial(getKey(store_, serialKey("example.test."))->value), SerialRecord{2});
}

TEST_F(EnactorTest, RunsTheJanitorAfterAPublish) {
  for (Generation g = 1; g <= 15; ++g) {
    putPlan(store_, makePlan(endpoint_, g, kAll));
  }
  Enactor enactor = makeEnactor("enactor-1");
  ASSERT_EQ(*enactor.enactEndpoint(endpoint_), EnactOutcome::kApplied);
  for (Generation g = 1; g <= 15; ++g) {
    EXPECT_EQ(getKey(store_, planKey(endpoint_.name, g)).has_value(), g >= 5) << g;
  }
  EXPECT_TRUE(getKey(store_, latestKey(endpoint_.name)));
}

TEST_F(EnactorTest, FollowsPlansOnItsThread) {
  Enactor enactor = makeEnactor("enactor-1");
  enactor.start();
  putPlan(store_, makePlan(endpoint_, 1, kAll));
  EXPECT_TRUE(testing::eventually([&] { return published() == 1; }));
  putPlan(store_, makePlan(endpoint_, 2, {"127.0.0.2"}));
  EXPECT_TRUE(testing::eventually([&] { return published() == 2; }));
  enactor.stop();
  enactor.stop();
}

}  // namespace
}  // namespace holdfast::control
