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
            "p.yaml:1:10: timeout: must be from 10ms and not longer than the interval (1s), "
            "got '2s'"},
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

TEST(ProbeConfig, ReadsConnectChecksAndFailureRatios) {
  auto config = parseProbeConfig(R"(timeout: 300ms
failure_ratio: {above: 0.4, window: 30}
checks:
  - name: web.example.test
    resolvers: [127.0.0.1]
    connect: {tcp: 443}
  - name: api.example.test
    resolvers: [127.0.0.1]
    connect:
      http: {port: 8080, path: /healthz, expect_status: 200-204}
      timeout: 800ms
      max_addresses: 3
    expect: {failure_ratio: {above: 0.1}}
  - name: plain.example.test
    resolvers: [127.0.0.1]
)",
                                 "p.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const auto& checks = config->options.checks;
  ASSERT_EQ(checks.size(), 3U);

  ASSERT_TRUE(checks[0].connect.has_value());
  EXPECT_EQ(checks[0].connect->health.kind, control::HealthCheckConfig::Kind::kTcp);
  EXPECT_EQ(checks[0].connect->health.port, 443);
  EXPECT_EQ(checks[0].connect->health.timeout.count(), 300);  // the probe's timeout
  EXPECT_EQ(checks[0].connect->max_addresses, probe::kDefaultConnectAddresses);
  EXPECT_EQ(checks[0].failure_ratio.above, 0.4);
  EXPECT_EQ(checks[0].failure_ratio.window, 30U);

  const auto& http = checks[1].connect->health;
  EXPECT_EQ(http.kind, control::HealthCheckConfig::Kind::kHttp);
  EXPECT_EQ(http.port, 8080);
  EXPECT_EQ(http.http_path, "/healthz");
  EXPECT_EQ(http.http_status_min, 200);
  EXPECT_EQ(http.http_status_max, 204);
  EXPECT_EQ(http.timeout.count(), 800);
  EXPECT_EQ(checks[1].connect->max_addresses, 3U);
  EXPECT_EQ(checks[1].failure_ratio.above, 0.1);  // its own threshold, the default's window
  EXPECT_EQ(checks[1].failure_ratio.window, 30U);

  EXPECT_FALSE(checks[2].connect.has_value());
}

TEST(ProbeConfig, DefaultsOfHttpConnectsAndFailureRatio) {
  auto config = parseProbeConfig(
      "checks: [{name: a.test, resolvers: [127.0.0.1], connect: {http: {port: 80}}}]\n", "p.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const auto& check = config->options.checks[0];
  EXPECT_EQ(check.connect->health.http_path, "/");
  EXPECT_EQ(check.connect->health.http_status_min, 200);
  EXPECT_EQ(check.connect->health.http_status_max, 399);
  EXPECT_EQ(check.failure_ratio.above, 0.5);
  EXPECT_EQ(check.failure_ratio.window, 20U);

  // Without a timeout, a short interval caps the default one.
  auto fast = parseProbeConfig(
      "interval: 200ms\nchecks: [{name: a.test, resolvers: [127.0.0.1]}]\n", "p.yaml");
  ASSERT_TRUE(fast.ok()) << fast.error().message;
  EXPECT_EQ(fast->options.timeout.count(), 200);
}

TEST(ProbeConfig, DurationsOutOfBoundsAreRefused) {
  struct Case {
    std::string text;
    std::string message;
  };

  const std::string check = "checks: [{name: a.test, resolvers: [127.0.0.1]}]\n";
  for (const Case& c : std::vector<Case>{
           {"interval: 1ms\n" + check,
            "p.yaml:1:11: interval: must be from 100ms to 1h, got '1ms'"},
           {"interval: 0s\n" + check, "p.yaml:1:11: interval: must be from 100ms to 1h, got '0s'"},
           {"interval: 2h\n" + check, "p.yaml:1:11: interval: must be from 100ms to 1h, got '2h'"},
           {"interval: 200ms\ntimeout: 1ms\n" + check,
            "p.yaml:2:10: timeout: must be from 10ms and not longer than the interval (200ms), "
            "got '1ms'"},
           {"for: 2h\n" + check, "p.yaml:1:6: for: must be at most 1h, got '2h'"},
           {"checks:\n  - {name: a.test, resolvers: [127.0.0.1], expect: {max_latency: 0ms}}\n",
            "p.yaml:2:66: checks[0].expect.max_latency: must be greater than zero and not longer "
            "than the timeout (1s), got '0ms'"},
           {"checks:\n  - {name: a.test, resolvers: [127.0.0.1], expect: {max_latency: 5s}}\n",
            "p.yaml:2:66: checks[0].expect.max_latency: must be greater than zero"},
       }) {
    auto config = parseProbeConfig(c.text, "p.yaml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.error().message.find(c.message), std::string::npos) << c.text << "\n"
                                                                         << config.error().message;
  }
}

TEST(ProbeConfig, ConnectAndFailureRatioErrorsNameFileLineAndField) {
  struct Case {
    std::string text;
    std::string message;
  };

  const std::string head = "checks:\n  - name: a.test\n    resolvers: [127.0.0.1]\n";
  for (const Case& c : std::vector<Case>{
           {head + "    connect: {}\n",
            "p.yaml:4:14: checks[0].connect: expected exactly one of tcp (a port) or http"},
           {head + "    connect: {tcp: 443, http: {port: 80}}\n",
            "p.yaml:4:14: checks[0].connect: expected exactly one of tcp"},
           {head + "    connect: {tcp: 0}\n",
            "p.yaml:4:20: checks[0].connect.tcp: 0 is out of range [1, 65535]"},
           {head + "    connect: {tcp: https}\n",
            "p.yaml:4:20: checks[0].connect.tcp: expected an integer, got 'https'"},
           {head + "    connect: {udp: 53}\n", "p.yaml:4:15: checks[0].connect.udp: unknown key"},
           {head + "    connect: {http: {path: /}}\n",
            "p.yaml:4:21: checks[0].connect.http: port is required"},
           {head + "    connect: {http: {port: 80, path: healthz}}\n",
            "p.yaml:4:38: checks[0].connect.http.path: expected a path such as /healthz"},
           {head + "    connect: {http: {port: 80, path: \"/a b\"}}\n",
            "p.yaml:4:38: checks[0].connect.http.path: expected a path such as /healthz"},
           {head + "    connect: {http: {port: 80, expect_status: 399-200}}\n",
            "p.yaml:4:47: checks[0].connect.http.expect_status: expected a status or a range such "
            "as 200-399 (codes 100 to 599), got '399-200'"},
           {head + "    connect: {http: {port: 80, expect_status: 2xx}}\n",
            "checks[0].connect.http.expect_status: expected a status or a range"},
           {head + "    connect: {tcp: 443, timeout: 5ms}\n",
            "p.yaml:4:34: checks[0].connect.timeout: must be from 10ms to the interval (1s), "
            "got '5ms'"},
           {head + "    connect: {tcp: 443, timeout: 2s}\n",
            "checks[0].connect.timeout: must be from 10ms to the interval (1s), got '2s'"},
           {head + "    connect: {tcp: 443, max_addresses: 33}\n",
            "p.yaml:4:40: checks[0].connect.max_addresses: 33 is out of range [1, 32]"},
           {head + "    expect: {failure_ratio: {above: 0}}\n",
            "p.yaml:4:37: checks[0].expect.failure_ratio.above: expected a share of failed "
            "queries above 0 and at most 1"},
           {head + "    expect: {failure_ratio: {above: 1.5}}\n",
            "checks[0].expect.failure_ratio.above: expected a share"},
           {head + "    expect: {failure_ratio: {window: 2}}\n",
            "p.yaml:4:38: checks[0].expect.failure_ratio.window: 2 is out of range [5, 1000]"},
           {"failure_ratio: {above: half}\n" + head,
            "p.yaml:1:24: failure_ratio.above: expected a share"},
           {"failure_ratio: {threshold: 0.2}\n" + head,
            "p.yaml:1:17: failure_ratio.threshold: unknown key"},
       }) {
    auto config = parseProbeConfig(c.text, "p.yaml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.error().message.find(c.message), std::string::npos) << c.text << "\n"
                                                                         << config.error().message;
  }
}

}  // namespace
}  // namespace holdfast::config
