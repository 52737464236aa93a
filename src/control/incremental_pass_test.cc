// Tests of incremental passes: a change to one endpoint makes the planner and the enactors visit
// only that endpoint, while full passes (first, periodic, on error, on request) visit them all.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "control/enactor.h"
#include "control/pass_scope.h"
#include "control/planner.h"
#include "control/test_support_internal.h"
#include "control/worker_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::InterposingStore;
using testing::makeEndpoint;
using testing::makePlan;
using testing::putPlan;
using testing::readPublishedRecord;
using testing::setAllHealth;
using testing::setHealth;

const std::string kA = "a.example.test.";
const std::string kB = "b.example.test.";
const std::string kC = "c.example.test.";

PassScope changed(std::set<std::string> keys) {
  return PassScope{false, std::move(keys)};
}

TEST(PassScopeTest, MapsEveryControlPlaneKeyToItsEndpoint) {
  EXPECT_EQ(endpointOfKey(healthKey(kA, "127.0.0.2")), kA);
  EXPECT_EQ(endpointOfKey(healthKey(kA, "2001:db8::1")), kA);
  EXPECT_EQ(endpointOfKey(healthPrefix(kA)), kA);
  EXPECT_EQ(endpointOfKey(latestKey(kA)), kA);
  EXPECT_EQ(endpointOfKey(planKey(kA, 7)), kA);
  EXPECT_EQ(endpointOfKey(planPrefix(kA)), kA);
  EXPECT_EQ(endpointOfKey(publishedKey(kA)), kA);
  EXPECT_EQ(endpointOfKey(pausedKey(kA)), kA);
  EXPECT_EQ(endpointOfKey(kPausedKey), std::nullopt);
  EXPECT_EQ(endpointOfKey(serialKey("example.test.")), std::nullopt);
  EXPECT_EQ(endpointOfKey("health/"), std::nullopt);
  EXPECT_EQ(endpointOfKey("published/"), std::nullopt);
}

TEST(PassScopeTest, NamesTheEndpointsOrAsksForAFullPass) {
  EXPECT_EQ(endpointsOf(PassScope::everything()), std::nullopt);
  EXPECT_EQ(endpointsOf(changed(
                {healthKey(kA, "127.0.0.2"), healthKey(kA, "127.0.0.3"), publishedKey(kB)})),
            (std::set<std::string>{kA, kB}));
  EXPECT_EQ(endpointsOf(changed({latestKey(kA), std::string(kPausedKey)})), std::nullopt);
  EXPECT_EQ(endpointsOf(changed({})), std::set<std::string>{});
}

// Records the endpoint every store read names (zone serial and journal reads name none).
class IncrementalPassTest : public ::testing::Test {
protected:
  IncrementalPassTest() {
    for (const std::string& name : {kA, kB, kC}) {
      endpoints_.push_back(makeEndpoint(name));
    }
    store_.before_get = [this](std::string_view key) { note(key); };
    store_.before_range = [this](std::string_view prefix) { note(prefix); };
  }

  void note(std::string_view key) {
    const std::lock_guard lock(mu_);
    if (auto name = endpointOfKey(key)) {
      read_.insert(*name);
    }
  }

  std::set<std::string> takeRead() {
    const std::lock_guard lock(mu_);
    return std::exchange(read_, {});
  }

  Generation latestGeneration(const std::string& name) {
    const auto kv = testing::getKey(inner_, latestKey(name));
    return kv ? decodeLatest(kv->value)->generation : 0;
  }

  Generation publishedGeneration(const EndpointConfig& endpoint) {
    const auto record = readPublishedRecord(inner_, endpoint);
    return record ? record->generation : 0;
  }

  Enactor makeEnactor() {
    return Enactor("enactor-1", store_, endpoints_, EnactorOptions{10, std::chrono::seconds(5)},
                   clock_);
  }

  store::MemoryStore inner_;
  InterposingStore store_{inner_};
  testing::FixedClock clock_;
  std::vector<EndpointConfig> endpoints_;
  std::mutex mu_;
  std::set<std::string> read_;  // guarded by mu_
};

TEST_F(IncrementalPassTest, PlannerPlansOnlyTheEndpointThatChanged) {
  for (const EndpointConfig& endpoint : endpoints_) {
    setAllHealth(inner_, endpoint, true);
  }
  Planner planner(store_, endpoints_);
  ASSERT_TRUE(planner.planScope(PassScope::everything()).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kB, kC}));
  ASSERT_EQ(latestGeneration(kA), 1U);

  // B's health changes too, but only A's key is in the scope: only A is visited.
  setHealth(inner_, endpoints_[0], "127.0.0.3", false);
  setHealth(inner_, endpoints_[1], "127.0.0.3", false);
  ASSERT_TRUE(planner.planScope(changed({healthKey(kA, "127.0.0.3")})).ok());
  EXPECT_EQ(takeRead(), std::set<std::string>{kA});
  EXPECT_EQ(latestGeneration(kA), 2U);
  EXPECT_EQ(latestGeneration(kB), 1U);

  // A published record names its endpoint too; unconfigured names are skipped.
  ASSERT_TRUE(
      planner.planScope(changed({publishedKey(kC), publishedKey("gone.example.test.")})).ok());
  EXPECT_EQ(takeRead(), std::set<std::string>{kC});
  EXPECT_EQ(latestGeneration(kB), 1U);

  // The full pass heals what the incremental ones did not visit.
  ASSERT_TRUE(planner.planScope(PassScope::everything()).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kB, kC}));
  EXPECT_EQ(latestGeneration(kB), 2U);
}

TEST_F(IncrementalPassTest, PlannerRetriesAFailedEndpointInTheNextPass) {
  for (const EndpointConfig& endpoint : endpoints_) {
    setAllHealth(inner_, endpoint, true);
  }
  Planner planner(store_, endpoints_);
  store_.failing_txns.store(1);
  EXPECT_FALSE(planner.planScope(changed({healthKey(kA, "127.0.0.2")})).ok());
  EXPECT_EQ(latestGeneration(kA), 0U);
  EXPECT_EQ(takeRead(), std::set<std::string>{kA});

  ASSERT_TRUE(planner.planScope(changed({healthKey(kB, "127.0.0.2")})).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kB}));
  EXPECT_EQ(latestGeneration(kA), 1U);
  EXPECT_EQ(latestGeneration(kB), 1U);

  ASSERT_TRUE(planner.planScope(changed({healthKey(kB, "127.0.0.2")})).ok());
  EXPECT_EQ(takeRead(), std::set<std::string>{kB}) << "a retry is made once it succeeded";
}

TEST_F(IncrementalPassTest, EnactorEnactsOnlyTheEndpointThatChanged) {
  for (const EndpointConfig& endpoint : endpoints_) {
    putPlan(inner_, makePlan(endpoint, 1, {"127.0.0.2", "127.0.0.3"}));
  }
  Enactor enactor = makeEnactor();
  ASSERT_TRUE(enactor.runScope(PassScope::everything()).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kB, kC}));
  ASSERT_EQ(publishedGeneration(endpoints_[0]), 1U);

  putPlan(inner_, makePlan(endpoints_[0], 2, {"127.0.0.2"}));
  putPlan(inner_, makePlan(endpoints_[1], 2, {"127.0.0.2"}));
  ASSERT_TRUE(enactor.runScope(changed({latestKey(kA), planKey(kA, 2)})).ok());
  EXPECT_EQ(takeRead(), std::set<std::string>{kA});
  EXPECT_EQ(publishedGeneration(endpoints_[0]), 2U);
  EXPECT_EQ(publishedGeneration(endpoints_[1]), 1U);

  // A lifted pause of one endpoint names it.
  ASSERT_TRUE(enactor.runScope(changed({pausedKey(kB)})).ok());
  EXPECT_EQ(takeRead(), std::set<std::string>{kB});
  EXPECT_EQ(publishedGeneration(endpoints_[1]), 2U);

  // The global pause concerns every endpoint: a full pass.
  putPlan(inner_, makePlan(endpoints_[2], 2, {"127.0.0.2"}));
  ASSERT_TRUE(enactor.runScope(changed({std::string(kPausedKey)})).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kB, kC}));
  EXPECT_EQ(publishedGeneration(endpoints_[2]), 2U);
}

TEST_F(IncrementalPassTest, EnactorRetriesAFailedEndpointInTheNextPass) {
  for (const EndpointConfig& endpoint : endpoints_) {
    putPlan(inner_, makePlan(endpoint, 1, {"127.0.0.2"}));
  }
  Enactor enactor = makeEnactor();
  store_.failing_txns.store(1);
  EXPECT_FALSE(enactor.runScope(changed({latestKey(kA)})).ok());
  EXPECT_EQ(publishedGeneration(endpoints_[0]), 0U);
  EXPECT_EQ(takeRead(), std::set<std::string>{kA});

  ASSERT_TRUE(enactor.runScope(changed({latestKey(kC)})).ok());
  EXPECT_EQ(takeRead(), (std::set<std::string>{kA, kC}));
  EXPECT_EQ(publishedGeneration(endpoints_[0]), 1U);
  EXPECT_EQ(publishedGeneration(endpoints_[1]), 0U);
  EXPECT_EQ(publishedGeneration(endpoints_[2]), 1U);
}

// Runs runWatchLoop on a thread and hands each pass's scope to the test.
class WatchLoopTest : public ::testing::Test {
protected:
  void start(std::chrono::milliseconds full_pass) {
    WatchLoopOptions options{
        {std::string(kHealthPrefix)}, full_pass, [this] { return request_.exchange(false); }};
    thread_ = std::jthread([this, options](std::stop_token token) {
      runWatchLoop(store_, options, token, [this](const PassScope& scope) {
        const std::lock_guard lock(mu_);
        scopes_.push_back(scope);
        cv_.notify_all();
      });
    });
  }

  // The next pass's scope (a bound on the wait keeps a broken loop from hanging the test).
  PassScope next() {
    std::unique_lock lock(mu_);
    const bool got =
        cv_.wait_for(lock, std::chrono::seconds(60), [this] { return !scopes_.empty(); });
    EXPECT_TRUE(got) << "no pass ran";
    if (!got) {
      return PassScope{false, {"(none)"}};
    }
    PassScope scope = std::move(scopes_.front());
    scopes_.pop_front();
    return scope;
  }

  void putTogether(const std::vector<std::string>& keys) {
    store::TxnRequest request;
    for (const std::string& key : keys) {
      request.success.push_back(store::Op::put(key, "x"));
    }
    ASSERT_TRUE(inner_.txn(request).ok());
  }

  store::MemoryStore inner_;
  InterposingStore store_{inner_};
  std::atomic<bool> request_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PassScope> scopes_;  // guarded by mu_
  std::jthread thread_;           // last: stopped before the rest is destroyed
};

TEST_F(WatchLoopTest, FirstPassIsFullThenOnlyTheChangedKeys) {
  ASSERT_TRUE(inner_.put(healthKey(kA, "127.0.0.9"), "before").ok());
  start(std::chrono::hours(1));
  EXPECT_TRUE(next().full);

  putTogether({healthKey(kA, "127.0.0.2"), healthKey(kB, "127.0.0.3"), latestKey(kC)});
  const PassScope scope = next();
  EXPECT_FALSE(scope.full);
  EXPECT_EQ(scope.keys,
            (std::set<std::string>{healthKey(kA, "127.0.0.2"), healthKey(kB, "127.0.0.3")}));

  putTogether({healthKey(kC, "127.0.0.2")});
  const PassScope again = next();
  EXPECT_FALSE(again.full);
  EXPECT_EQ(again.keys, std::set<std::string>{healthKey(kC, "127.0.0.2")});
}

TEST_F(WatchLoopTest, RequestAndWatchErrorGiveFullPasses) {
  start(std::chrono::hours(1));
  EXPECT_TRUE(next().full);

  request_.store(true);
  const PassScope requested = next();
  EXPECT_TRUE(requested.full);
  EXPECT_TRUE(requested.keys.empty());

  store_.failing_watches.store(1);
  EXPECT_TRUE(next().full) << "events may have been missed: everything is visited";
}

TEST_F(WatchLoopTest, AFullPassInterleavesWhatChangedDuringIt) {
  const WatchLoopOptions options{{std::string(kHealthPrefix)}, std::chrono::hours(1), {}};
  std::vector<std::string> seen;  // only the loop thread writes it until the thread is joined
  bool first = true;
  thread_ = std::jthread([&](std::stop_token token) {
    runWatchLoop(store_, options, token, [&](const PassScope& scope) {
      if (!scope.full) {
        seen.push_back("incremental " + *scope.keys.begin());
        return;
      }
      if (!first) {
        return;
      }
      first = false;
      seen.emplace_back("full begins");
      putTogether({healthKey(kA, "127.0.0.2")});
      for (std::size_t i = 1; i <= PassScope::kInterleaveEvery - 1; ++i) {
        scope.visited(i);
      }
      seen.emplace_back("before the interleave point");
      scope.visited(PassScope::kInterleaveEvery);
      seen.emplace_back("full ends");
      request_.store(true);  // marks the end: the next pass is full
      const std::lock_guard lock(mu_);
      scopes_.push_back(scope);
      cv_.notify_all();
    });
  });
  EXPECT_TRUE(next().full);
  thread_.request_stop();
  thread_.join();
  EXPECT_EQ(seen,
            (std::vector<std::string>{"full begins", "before the interleave point",
                                      "incremental " + healthKey(kA, "127.0.0.2"), "full ends"}));
}

TEST_F(WatchLoopTest, TheBackstopPassIsFull) {
  start(std::chrono::milliseconds(1));
  EXPECT_TRUE(next().full);
  EXPECT_TRUE(next().full);
  EXPECT_TRUE(next().full);
}

}  // namespace
}  // namespace holdfast::control
