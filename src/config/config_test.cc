// Tests for configuration loading: defaults, every section, and errors with file:line:field.
#include "config/config.h"

#include <gtest/gtest.h>

#include "common/cores.h"

namespace holdfast::config {
namespace {

constexpr const char* kGood = R"(data_dir: /var/lib/holdfast
log:
  level: debug
  format: text
server:
  listen: ["127.0.0.1:5300", "[::1]:5300"]
  threads: 4
zones:
  - name: Example.Test
    file: zones/example.test.zone
control:
  enactors: 3
  keep_plans: 5
  janitor_interval: 2s
endpoints:
  - name: api.example.test
    type: A
    ttl: 10
    backends: [127.0.0.2, 127.0.0.3]
    check: {kind: http, port: 8080, path: /health, interval: 1s, timeout: 200ms, rise: 3, fall: 1}
)";

Result<Config> parse(const std::string& text) {
  return parseConfig(text, "test.yaml", "/etc/hf");
}

// Expects a parse error whose message starts with `prefix` (file:line:column: field).
void expectError(const std::string& text, const std::string& prefix) {
  const auto config = parse(text);
  ASSERT_FALSE(config.ok()) << "accepted:\n" << text;
  EXPECT_EQ(config.error().code, Errc::kConfig);
  EXPECT_EQ(config.error().message.substr(0, prefix.size()), prefix)
      << "full message: " << config.error().message;
}

TEST(ConfigTest, ReadsEverySection) {
  const auto config = parse(kGood);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "/var/lib/holdfast");
  EXPECT_EQ(config->log_level, log::Level::kDebug);
  EXPECT_EQ(config->log_format, log::Format::kText);
  EXPECT_EQ(config->server.listen.size(), 2U);
  EXPECT_EQ(config->server.threads, 4U);
  ASSERT_EQ(config->zones.size(), 1U);
  EXPECT_EQ(config->zones[0].name, "example.test.");
  EXPECT_EQ(config->zones[0].file, "/etc/hf/zones/example.test.zone");
  EXPECT_EQ(config->control.keep_plans, 5);
  EXPECT_EQ(config->control.janitor_interval, std::chrono::seconds(2));
  ASSERT_EQ(config->endpoints.size(), 1U);
  const auto& e = config->endpoints[0];
  EXPECT_EQ(e.name, "api.example.test.");
  EXPECT_EQ(e.zone, "example.test.");
  EXPECT_EQ(e.rrtype, 1);
  EXPECT_EQ(e.ttl_seconds, 10U);
  ASSERT_EQ(e.backends.size(), 2U);
  EXPECT_EQ(e.backends[1].address, "127.0.0.3");
  EXPECT_EQ(e.check.kind, control::HealthCheckConfig::Kind::kHttp);
  EXPECT_EQ(e.check.port, 8080);
  EXPECT_EQ(e.check.http_path, "/health");
  EXPECT_EQ(e.check.timeout, std::chrono::milliseconds(200));
  EXPECT_EQ(e.check.rise, 3);
  EXPECT_EQ(e.check.fall, 1);
}

TEST(ConfigTest, Defaults) {
  const auto config = parse("zones: []\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "holdfast-data");
  EXPECT_EQ(config->store.backend, "sqlite");
  EXPECT_EQ(config->control.enactors, 3);
  // One network worker per core this process may run on.
  EXPECT_EQ(config->server.threads, std::min<std::size_t>(availableCores(), 256));
}

TEST(ConfigTest, ErrorsNameLineAndField) {
  expectError("server:\n  threads: many\n", "test.yaml:2:12: server.threads: expected an integer");
  expectError("server:\n  listen: 127.0.0.1\n", "test.yaml:2:11: server.listen:");
  expectError("server:\n  listne: x\n", "test.yaml:2:3: server.listne: unknown key");
  expectError("log:\n  level: loud\n", "test.yaml:2:10: log.level: unknown log level");
  expectError("store:\n  backend: etcd\n", "test.yaml:2:12: store.backend: the etcd backend");
  expectError("zones:\n  - name: a..b\n    file: x\n",
              "test.yaml:2:11: zones[0].name: empty label");
  expectError("a: [\n", "test.yaml:");
  expectError("data_dir: a\ndata_dir: b\n", "test.yaml:2:1: data_dir: key given twice");
  expectError("server:\n  listen: [\"127.0.0.1:53\", \"127.0.0.1:53\"]\n",
              "test.yaml:2:28: server.listen: 127.0.0.1:53 is listed twice");
  expectError("control:\n  janitor_interval: 0s\n",
              "test.yaml:2:21: control.janitor_interval: must be greater than zero");
  expectError("server:\n  threads: 99999999999999999999\n",
              "test.yaml:2:12: server.threads: 99999999999999999999 is out of range");
}

TEST(ConfigTest, ServerIdentityIsOffByDefault) {
  const auto config = parse("zones: []\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.nsid, "");
  EXPECT_EQ(config->server.identity, "");
  EXPECT_EQ(config->server.version, "");
}

TEST(ConfigTest, ReadsServerIdentity) {
  const auto config =
      parse("server:\n  nsid: ns-7\n  identity: auth-1.example\n  version: \"holdfast x\"\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->server.nsid, "ns-7");
  EXPECT_EQ(config->server.identity, "auth-1.example");
  EXPECT_EQ(config->server.version, "holdfast x");
}

TEST(ConfigTest, ServerIdentityErrorsNameLineAndField) {
  expectError("server:\n  nsid: [a]\n", "test.yaml:2:9: server.nsid: expected a string");
  expectError("server:\n  nsid: " + std::string(129, 'n') + "\n",
              "test.yaml:2:9: server.nsid: 129 octets is longer than the 128 allowed");
  expectError("server:\n  identity: " + std::string(256, 'i') + "\n",
              "test.yaml:2:13: server.identity: 256 octets is longer than the 255 allowed");
  expectError("server:\n  version: {a: b}\n", "test.yaml:2:12: server.version: expected a string");
  expectError("server:\n  versoin: x\n", "test.yaml:2:3: server.versoin: unknown key");
}

TEST(ConfigTest, EndpointErrors) {
  const std::string zones = "zones:\n  - {name: example.test, file: z}\nendpoints:\n";
  const std::string check = "    check: {kind: tcp, port: 80}\n";
  expectError(zones + "  - name: api.other.test\n    backends: [127.0.0.2]\n" + check,
              "test.yaml:4:11: endpoints[0].name: api.other.test. is not inside any zone");
  expectError(zones + "  - name: api.example.test\n    backends: [::1]\n" + check,
              "test.yaml:5:16: endpoints[0].backends[0]: '::1' is not an IPv4 address");
  expectError(zones + "  - name: api.example.test\n    backends: [127.0.0.2, 127.0.0.2]\n" + check,
              "test.yaml:5:27: endpoints[0].backends[1]: backend 127.0.0.2 is listed twice");
  expectError(zones + "  - name: api.example.test\n    backends: []\n" + check,
              "test.yaml:5:15: endpoints[0].backends: expected a non-empty list");
  expectError(zones + "  - name: api.example.test\n    backends: [127.0.0.2]\n" +
                  "    check: {kind: icmp, port: 80}\n",
              "test.yaml:6:19: endpoints[0].check.kind: expected tcp or http");
  expectError(zones + "  - name: api.example.test\n    backends: [127.0.0.2]\n" +
                  "    check: {kind: tcp, port: 80, interval: 1s, timeout: 2s}\n",
              "test.yaml:6:12: endpoints[0].check.timeout: must not be longer");
  expectError(zones + "  - name: api.example.test\n    backends: [127.0.0.2]\n",
              "test.yaml:4:5: endpoints[0]: check is required");
  expectError(
      zones + "  - name: api.example.test\n    ttl: -1\n    backends: [127.0.0.2]\n" + check,
      "test.yaml:5:10: endpoints[0].ttl: -1 is out of range");
}

TEST(ConfigTest, DirectoryIsNotAConfigFile) {
  const auto config = loadConfig("/tmp");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message, "/tmp: is a directory, not a configuration file");
}

TEST(ConfigTest, MissingFileSaysSo) {
  const auto config = loadConfig("/nonexistent/holdfast.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("/nonexistent/holdfast.yaml: cannot open"),
            std::string::npos);
}

}  // namespace
}  // namespace holdfast::config
