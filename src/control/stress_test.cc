// Multi-threaded stress: three enactor threads, two planners and a janitor under random health
// churn, while a watcher checks every published write for S1 and S2.
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "control/enactor.h"
#include "control/janitor.h"
#include "control/planner.h"
#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::makeEndpoint;
using testing::setHealth;

// Rounds of health churn; each round changes one endpoint's health at random.
constexpr int kRounds = 400;

// Follows every write under published/ and remembers each violation it sees.
class PublishedWatcher {
public:
  explicit PublishedWatcher(store::Store& store)
      : store_(store), thread_([this](std::stop_token token) { run(token); }) {}

  void stop() {
    thread_.request_stop();
    thread_.join();
  }

  [[nodiscard]] std::vector<std::string> violations() const {
    const std::lock_guard lock(mu_);
    return violations_;
  }

  [[nodiscard]] int publishes() const { return publishes_.load(); }

private:
  void run(std::stop_token token) {
    store::Revision after = 0;
    while (!token.stop_requested()) {
      auto watched = store_.watch(kPublishedPrefix, after, std::chrono::milliseconds(20));
      if (!watched.ok()) {
        fail("watch failed: " + watched.error().toString());
        return;
      }
      for (const store::Event& event : watched->events) {
        check(event);
      }
      after = watched->revision;
    }
  }

  void check(const store::Event& event) {
    if (event.type == store::Event::Type::kDelete) {
      fail(event.kv.key + " deleted (S1)");
      return;
    }
    auto record = decodePublished(event.kv.value);
    if (!record.ok()) {
      fail(event.kv.key + " unreadable or empty (S1): " + record.error().message);
      return;
    }
    publishes_.fetch_add(1);
    Generation& last = last_[event.kv.key];
    if (record->generation <= last) {
      fail(event.kv.key + " went from " + std::to_string(last) + " to " +
           std::to_string(record->generation) + " (S2)");
    }
    last = record->generation;
  }

  void fail(std::string what) {
    const std::lock_guard lock(mu_);
    violations_.push_back(std::move(what));
  }

  store::Store& store_;
  std::map<std::string, Generation> last_;  // used by the watcher thread only
  mutable std::mutex mu_;
  std::vector<std::string> violations_;  // guarded by mu_
  std::atomic<int> publishes_{0};
  std::jthread thread_;
};

Generation latestGeneration(store::Store& store, const EndpointConfig& endpoint) {
  const auto kv = testing::getKey(store, latestKey(endpoint.name));
  return kv ? decodeLatest(kv->value)->generation : 0;
}

bool converged(store::Store& store, const std::vector<EndpointConfig>& endpoints) {
  for (const EndpointConfig& endpoint : endpoints) {
    const auto published = testing::readPublishedRecord(store, endpoint);
    if (!published || published->generation != latestGeneration(store, endpoint)) {
      return false;
    }
  }
  return true;
}

TEST(ControlStress, PublishedGenerationsOnlyRiseAndNeverEmpty) {
  store::MemoryStore store;
  testing::FixedClock clock;
  const std::vector<EndpointConfig> endpoints = {
      makeEndpoint("api.example.test.", {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"}),
      makeEndpoint("www.example.test.", {"127.0.0.6", "127.0.0.7", "127.0.0.8"})};
  for (const EndpointConfig& endpoint : endpoints) {
    testing::setAllHealth(store, endpoint, true);
  }

  PublishedWatcher watcher(store);
  std::vector<std::unique_ptr<Enactor>> enactors;
  for (int i = 1; i <= 3; ++i) {
    enactors.push_back(std::make_unique<Enactor>("enactor-" + std::to_string(i), store, endpoints,
                                                 EnactorOptions{2, std::chrono::milliseconds(20)},
                                                 clock));
    enactors.back()->start();
  }
  Planner background(store, endpoints);
  background.start();
  Janitor janitor(store, endpoints, 1);
  janitor.start(std::chrono::milliseconds(1));

  Planner churner(store, endpoints);
  std::mt19937 random(20251020);
  for (int round = 0; round < kRounds; ++round) {
    const EndpointConfig& endpoint = endpoints[random() % endpoints.size()];
    for (const BackendConfig& backend : endpoint.backends) {
      setHealth(store, endpoint, backend.address, random() % 3 != 0);
    }
    ASSERT_TRUE(churner.planEndpoint(endpoint).ok());
  }

  EXPECT_TRUE(testing::eventually([&] { return converged(store, endpoints); }));
  background.stop();
  janitor.stop();
  for (const auto& enactor : enactors) {
    enactor->stop();
  }
  watcher.stop();

  for (const std::string& violation : watcher.violations()) {
    ADD_FAILURE() << violation;
  }
  EXPECT_GE(watcher.publishes(), 2);
  for (const EndpointConfig& endpoint : endpoints) {
    const auto published = testing::readPublishedRecord(store, endpoint);
    ASSERT_TRUE(published);
    auto plan =
        decodePlan(testing::getKey(store, planKey(endpoint.name, published->generation))->value);
    EXPECT_EQ(published->addresses, plan->addresses) << "converged on the newest plan";
  }
}

}  // namespace
}  // namespace holdfast::control
