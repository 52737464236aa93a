// Tests of the probe's alert rules: expectations, the for-duration and de-duplication.
#include "probe/probe_rules.h"

#include <gtest/gtest.h>

namespace holdfast::probe {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

ProbeCheck check() {
  ProbeCheck c;
  c.name = "api.example.test.";
  c.connect = ConnectCheck{};
  c.connect->health.port = 443;
  c.contains = {"192.0.2.1"};
  c.max_latency = milliseconds(100);
  return c;
}

const ResolverTarget kResolver{"127.0.0.1:5300", "127.0.0.1", 5300};

Observation answer(std::vector<std::string> addresses, milliseconds latency = milliseconds(5)) {
  Observation o;
  o.answered = true;
  o.addresses = std::move(addresses);
  o.latency = latency;
  return o;
}

bool firing(const AlertTracker& alerts, const std::string& name) {
  for (const auto& [n, subject] : alerts.firing()) {
    if (n == name && subject == "api.example.test.@127.0.0.1:5300") {
      return true;
    }
  }
  return false;
}

TEST(ProbeRules, ANameThatHadAddressesAndNowHasNoneFiresNameEmptied) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  const auto t = Clock::now();
  rules.observe(check(), kResolver, answer({"192.0.2.1", "192.0.2.2"}), t);
  EXPECT_TRUE(alerts.firing().empty());

  rules.observe(check(), kResolver, answer({}), t + milliseconds(1));
  EXPECT_TRUE(firing(alerts, kAlertNameEmptied));
  EXPECT_FALSE(firing(alerts, kAlertEmptyAnswer));
  EXPECT_TRUE(firing(alerts, kAlertAddressMissing));

  rules.observe(check(), kResolver, answer({"192.0.2.1"}), t + milliseconds(2));
  EXPECT_TRUE(alerts.firing().empty());
}

TEST(ProbeRules, AnEmptyAnswerFromTheStartIsEmptyAnswerNotNameEmptied) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  rules.observe(check(), kResolver, answer({}), Clock::now());
  EXPECT_TRUE(firing(alerts, kAlertEmptyAnswer));
  EXPECT_FALSE(firing(alerts, kAlertNameEmptied));
}

TEST(ProbeRules, FiresOnlyAfterTheConditionHeldForTheDuration) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(1000), alerts);
  const auto t = Clock::now();
  rules.observe(check(), kResolver, answer({"192.0.2.1"}), t);
  rules.observe(check(), kResolver, answer({}), t + milliseconds(100));
  rules.observe(check(), kResolver, answer({}), t + milliseconds(900));
  EXPECT_FALSE(firing(alerts, kAlertNameEmptied));
  rules.observe(check(), kResolver, answer({}), t + milliseconds(1100));
  EXPECT_TRUE(firing(alerts, kAlertNameEmptied));

  // A good answer in between starts the duration over.
  AlertTracker other(nullptr);
  ProbeRules flapping(milliseconds(1000), other);
  flapping.observe(check(), kResolver, answer({"192.0.2.1"}), t);
  flapping.observe(check(), kResolver, answer({}), t + milliseconds(100));
  flapping.observe(check(), kResolver, answer({"192.0.2.1"}), t + milliseconds(600));
  flapping.observe(check(), kResolver, answer({}), t + milliseconds(700));
  flapping.observe(check(), kResolver, answer({}), t + milliseconds(1500));
  EXPECT_FALSE(firing(other, kAlertNameEmptied));
}

TEST(ProbeRules, SlowAndUnreachableResolvers) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  const auto t = Clock::now();
  rules.observe(check(), kResolver, answer({"192.0.2.1"}, milliseconds(250)), t);
  EXPECT_TRUE(firing(alerts, kAlertSlowAnswer));
  rules.observe(check(), kResolver, answer({"192.0.2.1"}, milliseconds(20)), t);
  EXPECT_FALSE(firing(alerts, kAlertSlowAnswer));

  Observation lost;
  lost.error = "no answer within 1000 ms";
  rules.observe(check(), kResolver, lost, t);
  EXPECT_TRUE(firing(alerts, kAlertUnreachable));
  EXPECT_FALSE(firing(alerts, kAlertNameEmptied));  // no answer says nothing about the name
  rules.observe(check(), kResolver, answer({"192.0.2.1"}), t);
  EXPECT_TRUE(alerts.firing().empty());
}

TEST(ProbeRules, LatencyAnomalyAgainstTheRollingMedian) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  ProbeCheck c = check();
  c.max_latency.reset();
  c.anomaly_factor = 3.0;
  const auto t = Clock::now();
  // Too few samples for a baseline: even a slow answer is not an anomaly yet.
  rules.observe(c, kResolver, answer({"192.0.2.1"}, milliseconds(500)), t);
  EXPECT_FALSE(firing(alerts, kAlertLatencyAnomaly));
  for (int i = 0; i < 8; ++i) {
    rules.observe(c, kResolver, answer({"192.0.2.1"}, milliseconds(10)), t);
  }
  EXPECT_FALSE(firing(alerts, kAlertLatencyAnomaly));
  // 25 ms is within the floor of the 10 ms median; 45 ms is over three times it and the floor.
  rules.observe(c, kResolver, answer({"192.0.2.1"}, milliseconds(25)), t);
  EXPECT_FALSE(firing(alerts, kAlertLatencyAnomaly));
  rules.observe(c, kResolver, answer({"192.0.2.1"}, milliseconds(45)), t);
  EXPECT_TRUE(firing(alerts, kAlertLatencyAnomaly));
  rules.observe(c, kResolver, answer({"192.0.2.1"}, milliseconds(12)), t);
  EXPECT_FALSE(firing(alerts, kAlertLatencyAnomaly));
}

bool firingAt(const AlertTracker& alerts, const std::string& name, const std::string& subject) {
  for (const auto& [n, s] : alerts.firing()) {
    if (n == name && s == subject) {
      return true;
    }
  }
  return false;
}

Observation failed(std::uint16_t rcode) {
  Observation o;
  o.answered = rcode != 0;  // 0 here stands for a timeout
  o.rcode = rcode;
  return o;
}

TEST(ProbeRules, FailureRatioIsJudgedOnlyOnceTheWindowIsFull) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  ProbeCheck c = check();
  c.failure_ratio = {0.3, 5};
  const auto t = Clock::now();
  for (int i = 0; i < 4; ++i) {
    rules.observe(c, kResolver, failed(0), t);
  }
  EXPECT_FALSE(firing(alerts, kAlertFailureRatio));  // four of four, but the window holds five
  rules.observe(c, kResolver, answer({"192.0.2.1"}), t);
  EXPECT_TRUE(firing(alerts, kAlertFailureRatio));  // 4/5 = 80% > 30%
}

TEST(ProbeRules, FailureRatioFiresAboveTheThresholdAndResolvesAtOrBelowIt) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  ProbeCheck c = check();
  c.failure_ratio = {0.3, 10};
  const auto t = Clock::now();
  // Three failures of ten (SERVFAIL, REFUSED and a timeout count alike) is not above 30%.
  for (int i = 0; i < 7; ++i) {
    rules.observe(c, kResolver, answer({"192.0.2.1"}), t);
  }
  rules.observe(c, kResolver, failed(2), t);
  rules.observe(c, kResolver, failed(5), t);
  rules.observe(c, kResolver, failed(0), t);
  EXPECT_FALSE(firing(alerts, kAlertFailureRatio));

  // A fourth failure pushes out a success: four of ten.
  rules.observe(c, kResolver, failed(2), t);
  EXPECT_TRUE(firing(alerts, kAlertFailureRatio));

  // NXDOMAIN is an answer, not a failure. Six of them push out the six remaining successes;
  // the seventh pushes out the first failure: three of ten again.
  Observation nxdomain = answer({});
  nxdomain.rcode = 3;
  for (int i = 0; i < 6; ++i) {
    rules.observe(c, kResolver, nxdomain, t);
  }
  EXPECT_TRUE(firing(alerts, kAlertFailureRatio));
  rules.observe(c, kResolver, nxdomain, t);
  EXPECT_FALSE(firing(alerts, kAlertFailureRatio));
  EXPECT_EQ(rules.lastSummary(kAlertFailureRatio, "api.example.test.@127.0.0.1:5300"),
            "3 of the last 10 queries failed (30%, limit 30%)");
}

TEST(ProbeRules, FailureRatioSummaryCarriesTheRatioAndWindow) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  ProbeCheck c = check();
  c.failure_ratio = {0.5, 5};
  const auto t = Clock::now();
  for (int i = 0; i < 5; ++i) {
    rules.observe(c, kResolver, failed(0), t);
  }
  EXPECT_TRUE(firing(alerts, kAlertFailureRatio));
  EXPECT_EQ(rules.lastSummary(kAlertFailureRatio, "api.example.test.@127.0.0.1:5300"),
            "5 of the last 5 queries failed (100%, limit 50%)");
}

TEST(ProbeRules, FailureRatioHonoursTheForDuration) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(1000), alerts);
  ProbeCheck c = check();
  c.failure_ratio = {0.5, 5};
  const auto t = Clock::now();
  for (int i = 0; i < 5; ++i) {
    rules.observe(c, kResolver, failed(0), t + milliseconds(100 * i));
  }
  EXPECT_FALSE(firing(alerts, kAlertFailureRatio));
  rules.observe(c, kResolver, failed(0), t + milliseconds(1400));
  EXPECT_TRUE(firing(alerts, kAlertFailureRatio));
}

AddressResult reached(const std::string& target, bool reachable) {
  return AddressResult{target, reachable, reachable ? "connected" : "connect: Connection refused"};
}

TEST(ProbeRules, AnUnreachableAddressFiresAndResolvesWhenItConnectsAgain) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  const ProbeCheck c = check();
  const auto t = Clock::now();
  rules.observeConnects(c, {reached("192.0.2.1:443", true), reached("192.0.2.2:443", true)}, t);
  EXPECT_TRUE(alerts.firing().empty());

  rules.observeConnects(c, {reached("192.0.2.1:443", true), reached("192.0.2.2:443", false)}, t);
  EXPECT_TRUE(firingAt(alerts, kAlertUnreachableAddress, "api.example.test.->192.0.2.2:443"));
  EXPECT_EQ(alerts.firing().size(), 1U);
  EXPECT_EQ(rules.lastSummary(kAlertUnreachableAddress, "api.example.test.->192.0.2.2:443"),
            "192.0.2.2:443: connect: Connection refused");

  rules.observeConnects(c, {reached("192.0.2.1:443", false), reached("192.0.2.2:443", false)}, t);
  EXPECT_TRUE(firingAt(alerts, kAlertAllAddressesUnreachable, "api.example.test.->*:443"));
  EXPECT_EQ(alerts.firing().size(), 3U);

  rules.observeConnects(c, {reached("192.0.2.1:443", true), reached("192.0.2.2:443", true)}, t);
  EXPECT_TRUE(alerts.firing().empty());
}

TEST(ProbeRules, AnAddressThatLeftTheAnswerResolves) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(0), alerts);
  const ProbeCheck c = check();
  const auto t = Clock::now();
  rules.observeConnects(c, {reached("192.0.2.1:443", true), reached("192.0.2.2:443", false)}, t);
  EXPECT_TRUE(firingAt(alerts, kAlertUnreachableAddress, "api.example.test.->192.0.2.2:443"));

  rules.observeConnects(c, {reached("192.0.2.1:443", true)}, t);
  EXPECT_TRUE(alerts.firing().empty());
  EXPECT_EQ(rules.lastSummary(kAlertUnreachableAddress, "api.example.test.->192.0.2.2:443"),
            "192.0.2.2:443: no longer in the answer");

  // No address at all: nothing to connect to is not "all unreachable".
  rules.observeConnects(c, {}, t);
  EXPECT_TRUE(alerts.firing().empty());

  // A round later the departed address's summary is forgotten; one that comes back is judged.
  rules.observeConnects(c, {reached("192.0.2.3:443", false)}, t);
  EXPECT_EQ(rules.lastSummary(kAlertUnreachableAddress, "api.example.test.->192.0.2.2:443"), "");
  EXPECT_TRUE(firingAt(alerts, kAlertUnreachableAddress, "api.example.test.->192.0.2.3:443"));
}

TEST(ProbeRules, ConnectConditionsWaitForTheForDuration) {
  AlertTracker alerts(nullptr);
  ProbeRules rules(milliseconds(500), alerts);
  const ProbeCheck c = check();
  const auto t = Clock::now();
  rules.observeConnects(c, {reached("192.0.2.1:443", false)}, t);
  rules.observeConnects(c, {reached("192.0.2.1:443", false)}, t + milliseconds(400));
  EXPECT_TRUE(alerts.firing().empty());
  rules.observeConnects(c, {reached("192.0.2.1:443", false)}, t + milliseconds(500));
  EXPECT_TRUE(firingAt(alerts, kAlertUnreachableAddress, "api.example.test.->192.0.2.1:443"));
  EXPECT_TRUE(firingAt(alerts, kAlertAllAddressesUnreachable, "api.example.test.->*:443"));
}

}  // namespace
}  // namespace holdfast::probe
