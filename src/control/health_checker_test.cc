// Tests of rise/fall hysteresis and of the health checker with a fake prober.
#include "control/health_checker.h"

#include <gtest/gtest.h>

#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::FakeProber;
using testing::FixedClock;
using testing::getKey;
using testing::makeEndpoint;

TEST(HealthState, FirstResultSetsTheStateDirectly) {
  HealthState up(3, 3);
  EXPECT_EQ(up.healthy(), std::nullopt);
  EXPECT_TRUE(up.observe(true));
  EXPECT_EQ(up.healthy(), true);

  HealthState down(3, 3);
  EXPECT_TRUE(down.observe(false));
  EXPECT_EQ(down.healthy(), false);
}

TEST(HealthState, AppliesRiseAndFall) {
  HealthState state(2, 3);
  ASSERT_TRUE(state.observe(true));

  EXPECT_FALSE(state.observe(false));
  EXPECT_FALSE(state.observe(false));
  EXPECT_FALSE(state.observe(true));  // a success resets the failure streak
  EXPECT_FALSE(state.observe(false));
  EXPECT_FALSE(state.observe(false));
  EXPECT_TRUE(state.observe(false));
  EXPECT_EQ(state.healthy(), false);

  EXPECT_FALSE(state.observe(true));
  EXPECT_FALSE(state.observe(false));  // a failure resets the success streak
  EXPECT_FALSE(state.observe(true));
  EXPECT_TRUE(state.observe(true));
  EXPECT_EQ(state.healthy(), true);
}

std::optional<HealthRecord> readHealth(store::Store& store, const std::string& key) {
  const auto kv = getKey(store, key);
  if (!kv) {
    return std::nullopt;
  }
  auto record = decodeHealth(kv->value);
  return record.ok() ? std::optional<HealthRecord>(*record) : std::nullopt;
}

TEST(HealthChecker, WritesTransitionsOnly) {
  store::MemoryStore store;
  FakeProber prober;
  FixedClock clock;
  EndpointConfig endpoint = makeEndpoint("api.example.test.", {"127.0.0.2", "127.0.0.3"});
  endpoint.check.fall = 2;
  prober.set("127.0.0.2", true);
  HealthChecker checker(store, {endpoint}, prober, clock);

  testing::LogCapture logs;
  checker.probeAll();
  const std::string key = healthKey(endpoint.name, "127.0.0.2");
  EXPECT_EQ(readHealth(store, key), (HealthRecord{true, FixedClock::kWallMs, "fake ok"}));
  EXPECT_EQ(readHealth(store, healthKey(endpoint.name, "127.0.0.3")),
            (HealthRecord{false, FixedClock::kWallMs, "fake down"}));
  EXPECT_NE(
      logs.text().find(
          R"("msg":"backend health changed","endpoint.name":"api.example.test.","backend.address":"127.0.0.2","health.state":"healthy","health.reason":"fake ok")"),
      std::string::npos)
      << logs.text();

  const store::Revision before = *store.currentRevision();
  checker.probeAll();
  EXPECT_EQ(*store.currentRevision(), before) << "no transition, no write";

  prober.set("127.0.0.2", false);
  checker.probeAll();
  EXPECT_EQ(readHealth(store, key)->healthy, true) << "fall is 2";
  checker.probeAll();
  EXPECT_EQ(readHealth(store, key), (HealthRecord{false, FixedClock::kWallMs, "fake down"}));
}

TEST(HealthChecker, RetriesAFailedWrite) {
  store::MemoryStore inner;
  testing::InterposingStore store(inner);
  FakeProber prober;
  FixedClock clock;
  const EndpointConfig endpoint = makeEndpoint("api.example.test.", {"127.0.0.2"});
  prober.set("127.0.0.2", true);
  HealthChecker checker(store, {endpoint}, prober, clock);

  store.failing_txns = 1;
  checker.probeAll();
  EXPECT_FALSE(getKey(inner, healthKey(endpoint.name, "127.0.0.2")));
  checker.probeAll();
  EXPECT_TRUE(getKey(inner, healthKey(endpoint.name, "127.0.0.2")));
}

TEST(HealthChecker, RunsOnThreadsAndStops) {
  store::MemoryStore store;
  FakeProber prober;
  FixedClock clock;
  EndpointConfig endpoint = makeEndpoint("api.example.test.", {"127.0.0.2", "127.0.0.3"});
  endpoint.check.interval = std::chrono::milliseconds(5);
  endpoint.check.timeout = std::chrono::milliseconds(5);
  prober.set("127.0.0.2", true);
  HealthChecker checker(store, {endpoint}, prober, clock);

  // A record may not be written yet: look at it only once it exists.
  auto state = [&](const std::string& address) {
    return readHealth(store, healthKey(endpoint.name, address));
  };
  checker.start();
  EXPECT_TRUE(testing::eventually([&] {
    const auto first = state("127.0.0.2");
    return state("127.0.0.3").has_value() && first && first->healthy;
  }));
  prober.set("127.0.0.2", false);
  EXPECT_TRUE(testing::eventually([&] {
    const auto first = state("127.0.0.2");
    return first && !first->healthy;
  }));
  checker.stop();
  const int probes = prober.probes();
  checker.stop();
  EXPECT_EQ(prober.probes(), probes) << "no probe after stop()";
}

}  // namespace
}  // namespace holdfast::control
