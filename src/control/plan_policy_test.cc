// Tests of decidePlan: fail-open, frozen, panic threshold, minimum-healthy floor, change budget.
#include "control/plan_policy.h"

#include <gtest/gtest.h>

#include "control/ip_address.h"

namespace holdfast::control {
namespace {

// Ten backends 10.0.0.1 .. 10.0.0.10 under the default policy.
EndpointConfig tenBackends() {
  EndpointConfig endpoint;
  endpoint.name = "api.example.test.";
  endpoint.zone = "example.test.";
  for (int i = 1; i <= 10; ++i) {
    endpoint.backends.push_back(BackendConfig{"10.0.0." + std::to_string(i)});
  }
  return endpoint;
}

Observations onlyHealthy(const EndpointConfig& endpoint, const std::vector<std::string>& healthy) {
  Observations observed;
  for (const BackendConfig& backend : endpoint.backends) {
    observed[backend.address] =
        std::find(healthy.begin(), healthy.end(), backend.address) != healthy.end();
  }
  return observed;
}

std::vector<std::string> all(const EndpointConfig& endpoint) {
  std::vector<std::string> out;
  for (const BackendConfig& backend : endpoint.backends) {
    out.push_back(backend.address);
  }
  return sortedAddresses(out);
}

TEST(ChangeBudgetTest, AllowsAShareRoundedDownButAlwaysOne) {
  const ChangeBudget half{ChangeBudget::Unit::kPercent, 50};
  EXPECT_EQ(half.allowed(10), 5U);
  EXPECT_EQ(half.allowed(3), 1U);
  EXPECT_EQ(half.allowed(1), 1U);
  EXPECT_EQ(half.allowed(0), 1U);
  const ChangeBudget two{ChangeBudget::Unit::kCount, 2};
  EXPECT_EQ(two.allowed(10), 2U);
  EXPECT_EQ(two.allowed(1), 1U);
  EXPECT_EQ((ChangeBudget{ChangeBudget::Unit::kPercent, 100}).allowed(7), 7U);
  EXPECT_EQ(ChangeBudget{}.allowed(10), 5U) << "the default is half";
}

TEST(DecidePlanTest, WaitsUntilEveryBackendWasObserved) {
  const EndpointConfig endpoint = tenBackends();
  Observations observed = onlyHealthy(endpoint, {"10.0.0.1"});
  observed.erase("10.0.0.7");
  EXPECT_FALSE(decidePlan(endpoint, observed, nullptr));
}

TEST(DecidePlanTest, DroppingNineOfTenIsSteppedDownOverSeveralPlans) {
  const EndpointConfig endpoint = tenBackends();
  const Observations observed = onlyHealthy(endpoint, {"10.0.0.1"});
  std::vector<std::string> published = all(endpoint);
  std::vector<std::size_t> sizes;
  for (int plans = 0; plans < 10 && published.size() > 1; ++plans) {
    const auto decision = decidePlan(endpoint, observed, &published);
    ASSERT_TRUE(decision);
    const AddressDiff diff = diffAddresses(published, decision->addresses);
    EXPECT_LE(diff.removed.size(), endpoint.policy.max_remove.allowed(published.size()));
    EXPECT_TRUE(diff.added.empty());
    EXPECT_NE(std::find(decision->addresses.begin(), decision->addresses.end(), "10.0.0.1"),
              decision->addresses.end())
        << "the healthy backend is never the one stepped out";
    published = decision->addresses;
    sizes.push_back(published.size());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{5, 3, 2, 1}));
  EXPECT_EQ(published, std::vector<std::string>{"10.0.0.1"});
}

TEST(DecidePlanTest, TheReasonSaysWhatWasHeldBack) {
  const EndpointConfig endpoint = tenBackends();
  const std::vector<std::string> published = all(endpoint);
  const auto decision = decidePlan(endpoint, onlyHealthy(endpoint, {"10.0.0.1"}), &published);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->held_back, 4U);
  EXPECT_EQ(decision->reason, "1 of 10 healthy; step-down: removing 5 of 9 now (change budget)");
}

TEST(DecidePlanTest, HoldModePlansTheWholeChange) {
  EndpointConfig endpoint = tenBackends();
  endpoint.policy.over_budget = OverBudget::kHold;
  const std::vector<std::string> published = all(endpoint);
  const auto decision = decidePlan(endpoint, onlyHealthy(endpoint, {"10.0.0.1"}), &published);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->addresses, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(decision->held_back, 0U);
}

TEST(DecidePlanTest, AdditionsAreNeverHeldBack) {
  const EndpointConfig endpoint = tenBackends();
  const std::vector<std::string> published{"10.0.0.1"};
  const auto decision = decidePlan(endpoint, onlyHealthy(endpoint, all(endpoint)), &published);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->addresses, all(endpoint));
}

TEST(DecidePlanTest, FailsOpenOrFreezesWhenNothingIsHealthy) {
  EndpointConfig endpoint = tenBackends();
  const std::vector<std::string> published{"10.0.0.3"};
  auto open = decidePlan(endpoint, onlyHealthy(endpoint, {}), &published);
  ASSERT_TRUE(open);
  EXPECT_EQ(open->mode, PlanMode::kFailOpen);
  EXPECT_TRUE(open->failOpen());
  EXPECT_EQ(open->addresses, all(endpoint));

  endpoint.policy.fail_open = false;
  auto frozen = decidePlan(endpoint, onlyHealthy(endpoint, {}), &published);
  ASSERT_TRUE(frozen);
  EXPECT_EQ(frozen->mode, PlanMode::kFrozen);
  EXPECT_TRUE(frozen->addresses.empty());
}

TEST(DecidePlanTest, PanicThresholdIgnoresHealth) {
  EndpointConfig endpoint = tenBackends();
  endpoint.policy.panic_percent = 60;
  // 6 of 10 down is not more than 60%: health counts.
  auto calm = decidePlan(
      endpoint, onlyHealthy(endpoint, {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}), nullptr);
  EXPECT_EQ(calm->mode, PlanMode::kHealthy);
  EXPECT_EQ(calm->addresses.size(), 4U);
  // 7 of 10 down: more likely a checker or network fault; serve every backend.
  auto panic =
      decidePlan(endpoint, onlyHealthy(endpoint, {"10.0.0.1", "10.0.0.2", "10.0.0.3"}), nullptr);
  EXPECT_EQ(panic->mode, PlanMode::kPanic);
  EXPECT_TRUE(panic->failOpen());
  EXPECT_EQ(panic->addresses, all(endpoint));
  EXPECT_EQ(panic->reason, "7 of 10 down, above the panic threshold: ignoring health, serving all");
}

TEST(DecidePlanTest, PanicAlsoCoversEveryBackendDownEvenWithFailOpenOff) {
  EndpointConfig endpoint = tenBackends();
  endpoint.policy.panic_percent = 60;
  endpoint.policy.fail_open = false;
  // More down must never mean fewer served: 10 of 10 down is above 60% as much as 9 of 10.
  auto nine = decidePlan(endpoint, onlyHealthy(endpoint, {"10.0.0.1"}), nullptr);
  auto ten = decidePlan(endpoint, onlyHealthy(endpoint, {}), nullptr);
  EXPECT_EQ(nine->mode, PlanMode::kPanic);
  EXPECT_EQ(ten->mode, PlanMode::kPanic);
  EXPECT_EQ(ten->addresses, all(endpoint));
  EXPECT_EQ(ten->reason, "10 of 10 down, above the panic threshold: ignoring health, serving all");
}

TEST(DecidePlanTest, TheFloorKeepsPublishedUnhealthyBackendsFirst) {
  EndpointConfig endpoint = tenBackends();
  endpoint.policy.min_healthy = 3;
  endpoint.policy.max_remove = ChangeBudget{ChangeBudget::Unit::kPercent, 100};
  const std::vector<std::string> published{"10.0.0.1", "10.0.0.9"};
  auto decision = decidePlan(endpoint, onlyHealthy(endpoint, {"10.0.0.1"}), &published);
  ASSERT_TRUE(decision);
  EXPECT_EQ(decision->mode, PlanMode::kFloor);
  // 10.0.0.9 was serving; 10.0.0.2 is next in configuration order.
  EXPECT_EQ(decision->addresses, (std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.9"}));
}

TEST(DecidePlanTest, PolicyValidationNamesTheField) {
  EndpointConfig endpoint = tenBackends();
  endpoint.check.port = 80;
  ASSERT_TRUE(validate(endpoint).ok());
  endpoint.policy.max_remove = ChangeBudget{ChangeBudget::Unit::kCount, 0};
  EXPECT_EQ(validate(endpoint).error().message.rfind("policy.max_remove", 0), 0U);
  endpoint.policy.max_remove = ChangeBudget{ChangeBudget::Unit::kPercent, 101};
  EXPECT_EQ(validate(endpoint).error().message.rfind("policy.max_remove", 0), 0U);
  endpoint.policy.max_remove = ChangeBudget{};
  endpoint.policy.min_healthy = 11;
  EXPECT_EQ(validate(endpoint).error().message.rfind("policy.min_healthy", 0), 0U);
  endpoint.policy.min_healthy = 1;
  endpoint.policy.panic_percent = 101;
  EXPECT_EQ(validate(endpoint).error().message.rfind("policy.panic_threshold", 0), 0U);
}

}  // namespace
}  // namespace holdfast::control
