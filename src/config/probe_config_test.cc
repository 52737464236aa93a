// Tests of the probe configuration file.
#include "config/probe_config.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace holdfast::config {
namespace {

TEST(ProbeConfig, ReadsChecksAlertsAndWebhooks) {
  auto config = parseProbeConfig(R"(interval: 500ms
timeout: 200ms
for: 2s
checks:
  - name: API.example.test
    resolvers: [127.0.0.1:5300, "[::1]:53", 127.0.0.2]
    expect: {non_empty: true, contains: [192.0.2.1], max_latency: 150ms, latency_anomaly: 4}
notify:
  webhooks: [http://127.0.0.1:9000/alerts]
log: {level: debug, format: text}
)",
                                 "p.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const auto& o = config->options;
  EXPECT_EQ(o.interval.count(), 500);
  EXPECT_EQ(o.for_duration.count(), 2000);
  ASSERT_EQ(o.checks.size(), 1U);
  EXPECT_EQ(o.checks[0].name, "api.example.test.");
  ASSERT_EQ(o.checks[0].resolvers.size(), 3U);
  EXPECT_EQ(o.checks[0].resolvers[1].host, "::1");
  EXPECT_EQ(o.checks[0].resolvers[2].port, 53);
  EXPECT_EQ(o.checks[0].max_latency->count(), 150);
  EXPECT_EQ(*o.checks[0].anomaly_factor, 4.0);
  ASSERT_EQ(o.webhooks.size(), 1U);
  EXPECT_EQ(o.webhooks[0].port, 9000);
}

TEST(ProbeConfig, SystemMeansTheNameserversOfResolvConf) {
  const auto path = std::filesystem::temp_directory_path() / "holdfast-probe-resolv.conf";
  std::ofstream(path) << "search example\nnameserver 127.0.0.53\nnameserver ::1\n";
  auto config = parseProbeConfig("checks: [{name: a.test, resolvers: [system]}]\n", "p.yaml", path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->options.checks[0].resolvers.size(), 2U);
  EXPECT_EQ(config->options.checks[0].resolvers[0].text, "127.0.0.53");
}

TEST(ProbeConfig, ErrorsNameFileLineAndField) {
  struct Case {
    std::string text;
    std::string message;
  };

  for (const Case& c : std::vector<Case>{
           {"checks: []\n", "p.yaml:1:9: checks: expected a non-empty list of checks"},
           {"checks:\n  - {name: a.test, resolvers: [nope]}\n",
            "p.yaml:2:32: checks[0].resolvers[0]: 'nope' is not an IP address"},
           {"checks:\n  - {name: a.test, resolvers: [127.0.0.1], expect: {max_latency: soon}}\n",
            "p.yaml:2:66: checks[0].expect.max_latency:"},
           {"checks:\n  - {name: a.test, resolvers: [127.0.0.1], expect: {contains: [::1]}}\n",
            "checks[0].expect.contains[0]: '::1' is not an IPv4 address"},
           {"timeout: 2s\ninterval: 1s\nchecks: [{name: a.test, resolvers: [127.0.0.1]}]\n",
            "p.yaml:1:10: timeout: must be greater than zero and not longer than the interval"},
           {"notify: {webhooks: [https://x/]}\nchecks: [{name: a.test, resolvers: [127.0.0.1]}]\n",
            "notify.webhooks[0]:"},
           {"chekcs: []\n", "chekcs: unknown key"},
           {"checks:\n  - {name: a.test, resolvers: [127.0.0.1], expect: {latency_anomaly: 1}}\n",
            "checks[0].expect.latency_anomaly: expected a factor from 1.5 to 1000"},
       }) {
    auto config = parseProbeConfig(c.text, "p.yaml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.error().message.find(c.message), std::string::npos) << c.text << "\n"
                                                                         << config.error().message;
  }
}

}  // namespace
}  // namespace holdfast::config
