// Tests for the `resolver:` configuration section: defaults, every field, errors by field.
#include "config/resolver_config.h"

#include <gtest/gtest.h>

#include "common/cores.h"
#include "config/config.h"

namespace holdfast::config {
namespace {

using namespace std::chrono_literals;

Result<Config> parse(const std::string& text) {
  return parseConfig(text, "r.yaml", "/etc/hf");
}

void expectError(const std::string& text, const std::string& prefix) {
  const auto config = parse(text);
  ASSERT_FALSE(config.ok()) << "accepted:\n" << text;
  EXPECT_EQ(config.error().message.substr(0, prefix.size()), prefix) << config.error().message;
}

TEST(ResolverConfigTest, MinimalUsesSafeDefaults) {
  const auto config = parse("resolver:\n  upstreams: [127.0.0.1]\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_TRUE(config->resolver.has_value());
  const resolver::ResolverOptions& r = *config->resolver;
  EXPECT_EQ(r.listen, std::vector<std::string>{"127.0.0.1:5354"});
  EXPECT_EQ(r.allow, resolver::kDefaultAllow);
  EXPECT_EQ(r.upstreams.at(0).port, 53);
  EXPECT_TRUE(r.forwarder.stale.enabled);
  EXPECT_EQ(r.forwarder.stale.window, 24h);
  EXPECT_EQ(r.forwarder.stale.answer_ttl, 30s);
  EXPECT_EQ(r.forwarder.stale.client_timeout, 1800ms);
  // One worker per core this process may run on.
  EXPECT_EQ(r.threads, std::min(availableCores(), resolver::kMaxResolverThreads));
}

TEST(ResolverConfigTest, ReadsEverySection) {
  const auto config = parse(R"(resolver:
  listen: ["127.0.0.1:5399", "[::1]:5399"]
  threads: 3
  allow: [10.0.0.0/8]
  upstreams:
    - 127.0.0.1:5300
    - {address: "[::1]:53", tcp_only: true}
  client_deadline: 2s
  max_attempts: 3
  cache: {max_bytes: 1048576, min_ttl: 5s, max_ttl: 1h, max_negative_ttl: 10m, prefetch: false}
  serve_stale: {enabled: true, window: 2h, answer_ttl: 10s, client_timeout: 500ms,
                failure_recheck: 5s}
  breaker: {failures: 3, window: 5s, probe_initial: 200ms, probe_max: 4s}
  retry_budget: {percent: 10, min_per_second: 5}
  last_known_good:
    - api.example.test
    - {pattern: "*.svc.example.test", protect: false}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const resolver::ResolverOptions& r = *config->resolver;
  EXPECT_EQ(r.listen.size(), 2u);
  EXPECT_EQ(r.threads, 3u);
  EXPECT_TRUE(r.upstreams.at(1).tcp_only);
  EXPECT_EQ(r.forwarder.client_deadline, 2s);
  EXPECT_EQ(r.forwarder.max_attempts, 3);
  EXPECT_EQ(r.cache_bytes, 1048576u);
  EXPECT_EQ(r.forwarder.ttl.min_ttl, 5s);
  EXPECT_EQ(r.forwarder.ttl.max_negative_ttl, 600s);
  EXPECT_FALSE(r.forwarder.prefetch);
  EXPECT_EQ(r.forwarder.stale.window, 2h);
  EXPECT_EQ(r.forwarder.stale.failure_recheck, 5s);
  EXPECT_EQ(r.pool.breaker.failure_threshold, 3);
  EXPECT_EQ(r.pool.breaker.probe_initial, 200ms);
  EXPECT_DOUBLE_EQ(r.pool.retry_budget.ratio, 0.1);
  ASSERT_EQ(r.last_known_good.size(), 2u);
  EXPECT_FALSE(r.last_known_good[1].protect);
}

TEST(ResolverConfigTest, ErrorsNameFileLineAndField) {
  expectError("resolver:\n  listen: 127.0.0.1:5354\n",
              "r.yaml:2:3: resolver.upstreams: at least one upstream is required");
  expectError("resolver:\n  upstreams: [127.0.0.1, dns.example]\n",
              "r.yaml:2:26: resolver.upstreams[1]: 'dns.example' is not an IP address");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  allow: [10.0.0.0/40]\n",
              "r.yaml:3:10: resolver.allow:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  serve_stale: {windw: 1h}\n",
              "r.yaml:3:17: resolver.serve_stale.windw: unknown key");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  serve_stale: {answer_ttl: 1500ms}\n",
              "r.yaml:3:29: resolver.serve_stale.answer_ttl: must be whole seconds");
  expectError(
      "resolver:\n  upstreams: [127.0.0.1]\n  breaker: {probe_initial: 2s, probe_max: 1s}\n",
      "r.yaml:3:12: resolver.breaker.probe_max: must not be below probe_initial");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  last_known_good: [\"a.*.test\"]\n",
              "r.yaml:3:21: resolver.last_known_good[0].pattern:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  cache: {max_bytes: 12}\n",
              "r.yaml:3:22: resolver.cache.max_bytes: 12 is out of range");
}

}  // namespace
}  // namespace holdfast::config

namespace holdfast::config {
namespace {

TEST(ResolverOpsConfigTest, OffByDefault) {
  const auto config = parse("resolver:\n  upstreams: [127.0.0.1]\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->resolver->ops.metrics_listen.empty());
  EXPECT_TRUE(config->resolver->ops.webhooks.empty());
  EXPECT_FALSE(config->resolver->active_probe.enabled());
  EXPECT_EQ(config->resolver->ops.data_dir, "holdfast-data");
  EXPECT_TRUE(config->resolver->ops.token_file.empty());
}

TEST(ResolverOpsConfigTest, ReadsDataDirAndTokenFile) {
  const auto config = parse(R"(resolver:
  upstreams: [127.0.0.1]
  data_dir: /var/lib/hf-resolver
  metrics: {listen: "127.0.0.1:9153", token_file: /etc/hf/resolver.token}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->resolver->ops.data_dir, "/var/lib/hf-resolver");
  EXPECT_EQ(config->resolver->ops.token_file, "/etc/hf/resolver.token");
}

TEST(ResolverOpsConfigTest, ReadsMetricsAlertsAndProbe) {
  const auto config = parse(R"(resolver:
  upstreams: [127.0.0.1]
  metrics: {listen: "127.0.0.1:9153"}
  alerts:
    webhooks: ["http://127.0.0.1:9000/hook", "http://[::1]:9001/"]
    resolve_after: 30s
  probe: {interval: 5s, name: "health.example.", type: A}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const resolver::ResolverOptions& r = *config->resolver;
  EXPECT_EQ(r.ops.metrics_listen, "127.0.0.1:9153");
  EXPECT_EQ(r.ops.webhooks.size(), 2u);
  EXPECT_EQ(r.ops.alert_resolve_after, 30s);
  EXPECT_EQ(r.active_probe.interval, 5s);
  EXPECT_EQ(r.active_probe.name, "health.example.");
  EXPECT_EQ(r.active_probe.qtype, 1);
}

TEST(ResolverOpsConfigTest, ErrorsNameFileLineAndField) {
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  metrics: {listen: \"localhost:9\"}\n",
              "r.yaml:3:21: resolver.metrics.listen:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  metrics: {}\n",
              "r.yaml:3:12: resolver.metrics.listen:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  data_dir: \"\"\n",
              "r.yaml:3:13: resolver.data_dir: must not be empty");
  expectError(
      "resolver:\n  upstreams: [127.0.0.1]\n  metrics: {listen: \"127.0.0.1:0\", token_file: []}\n",
      "r.yaml:3:48: resolver.metrics.token_file:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  alerts: {webhooks: [\"https://x/\"]}\n",
              "r.yaml:3:23: resolver.alerts.webhooks[0]:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  alerts: {resolve_after: 10ms}\n",
              "r.yaml:3:27: resolver.alerts.resolve_after:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  probe: {interval: 1ms}\n",
              "r.yaml:3:21: resolver.probe.interval:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  probe: {interval: 1s, name: \"a..b\"}\n",
              "r.yaml:3:31: resolver.probe.name:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  probe: {interval: 1s, type: MX}\n",
              "r.yaml:3:31: resolver.probe.type:");
  expectError("resolver:\n  upstreams: [127.0.0.1]\n  probe: {name: x}\n",
              "r.yaml:3:10: resolver.probe.interval:");
}

}  // namespace
}  // namespace holdfast::config
