// Tests of the blast-radius policy in the configuration: defaults, inheritance, errors.
#include <gtest/gtest.h>

#include "config/config.h"

namespace holdfast::config {
namespace {

std::string configWith(const std::string& control_policy, const std::string& endpoint_policy) {
  return "zones:\n  - {name: example.test, file: example.test.zone}\n"
         "control:\n  enactors: 3\n" +
         control_policy +
         "endpoints:\n"
         "  - name: api.example.test\n"
         "    backends: [127.0.0.2, 127.0.0.3, 127.0.0.4]\n"
         "    check: {kind: tcp, port: 80}\n" +
         endpoint_policy;
}

Result<Config> parse(const std::string& text) {
  return parseConfig(text, "test.yaml", "/etc/hf");
}

void expectError(const std::string& text, const std::string& fragment) {
  const auto config = parse(text);
  ASSERT_FALSE(config.ok()) << "accepted:\n" << text;
  EXPECT_NE(config.error().message.find(fragment), std::string::npos) << config.error().message;
}

TEST(PolicyConfigTest, DefaultsAreHalfPerPublishSteppedDownAndFailOpen) {
  const auto config = parse(configWith("", ""));
  ASSERT_TRUE(config.ok()) << config.error().message;
  const control::EndpointPolicy& policy = config->endpoints[0].policy;
  EXPECT_EQ(policy, control::EndpointPolicy{});
  EXPECT_EQ(policy.max_remove.unit, control::ChangeBudget::Unit::kPercent);
  EXPECT_EQ(policy.max_remove.value, 50U);
  EXPECT_EQ(policy.over_budget, control::OverBudget::kStep);
  EXPECT_TRUE(policy.fail_open);
  EXPECT_EQ(policy.min_healthy, 1U);
  EXPECT_EQ(policy.panic_percent, 0U);
}

TEST(PolicyConfigTest, TheControlPolicyIsTheDefaultAndEndpointsOverrideKeyByKey) {
  const auto config =
      parse(configWith("  policy: {max_remove: 1, over_budget: hold, panic_threshold: 60%}\n",
                       "    policy: {max_remove: 30%, fail_open: false, min_healthy: 2}\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->control.policy.max_remove,
            (control::ChangeBudget{control::ChangeBudget::Unit::kCount, 1}));
  const control::EndpointPolicy& policy = config->endpoints[0].policy;
  EXPECT_EQ(policy.max_remove, (control::ChangeBudget{control::ChangeBudget::Unit::kPercent, 30}));
  EXPECT_EQ(policy.over_budget, control::OverBudget::kHold);
  EXPECT_FALSE(policy.fail_open);
  EXPECT_EQ(policy.min_healthy, 2U);
  EXPECT_EQ(policy.panic_percent, 60U);
}

TEST(PolicyConfigTest, PanicThresholdCanBeOff) {
  const auto config = parse(
      configWith("  policy: {panic_threshold: 40%}\n", "    policy: {panic_threshold: off}\n"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->endpoints[0].policy.panic_percent, 0U);
}

TEST(PolicyConfigTest, ErrorsNameTheFieldAndLine) {
  expectError(configWith("", "    policy: {max_remove: 0}\n"),
              "test.yaml:9:26: endpoints[0].policy.max_remove: must allow at least one");
  expectError(configWith("", "    policy: {max_remove: 150%}\n"),
              "endpoints[0].policy.max_remove: expected a count such as 3 or a share");
  expectError(configWith("", "    policy: {max_remove: many}\n"), "policy.max_remove");
  expectError(configWith("", "    policy: {over_budget: maybe}\n"),
              "endpoints[0].policy.over_budget: expected step or hold");
  expectError(configWith("", "    policy: {fail_open: yes}\n"),
              "endpoints[0].policy.fail_open: expected true or false");
  for (const char* bad : {"50", "0%", "on", "false", "150%"}) {
    expectError(configWith("", std::string("    policy: {panic_threshold: ") + bad + "}\n"),
                "endpoints[0].policy.panic_threshold: expected a share from 1% to 100% such as "
                "50%, or off");
  }
  expectError(configWith("", "    policy: {min_healthy: 4}\n"),
              "endpoints[0]: policy.min_healthy: must not exceed the number of backends (3)");
  expectError(configWith("  policy: {colour: blue}\n", ""), "control.policy.colour: unknown key");
}

}  // namespace
}  // namespace holdfast::config
