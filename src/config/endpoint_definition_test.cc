// Tests of endpoint definitions read from JSON: the file's keys, defaults and error texts.
#include "config/endpoint_definition.h"

#include <gtest/gtest.h>

namespace holdfast::config {
namespace {

Config servedZones() {
  Config config;
  config.zones.push_back({"example.test.", "example.test.zone", "test.yaml:3"});
  config.zones.push_back({"sub.example.test.", "sub.zone", "test.yaml:5"});
  config.control.policy.min_healthy = 1;
  return config;
}

// The field and reason of a definition that must be refused.
FieldError refusal(const std::string& json) {
  const auto parsed = parseEndpointDefinition(json, servedZones());
  EXPECT_FALSE(parsed.ok()) << json;
  if (parsed.ok()) {
    return {};
  }
  EXPECT_EQ(parsed.error().code, Errc::kConfig);
  return splitFieldError(parsed.error().message);
}

TEST(EndpointDefinitionTest, ReadsTheKeysOfAnEndpointsEntry) {
  const auto parsed = parseEndpointDefinition(
      R"({"name": "Web.Example.Test", "type": "AAAA", "ttl": 10, "backends": ["::1", "2001:db8::2"],
          "check": {"kind": "http", "port": 8080, "path": "/up", "interval": "2s",
                    "timeout": "300ms", "rise": 3, "fall": 1},
          "policy": {"max_remove": "1", "fail_open": false}})",
      servedZones());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->name, "web.example.test.");
  EXPECT_EQ(parsed->zone, "example.test.");
  EXPECT_EQ(parsed->rrtype, control::kTypeAaaa);
  EXPECT_EQ(parsed->ttl_seconds, 10U);
  ASSERT_EQ(parsed->backends.size(), 2U);
  EXPECT_EQ(parsed->backends[1].address, "2001:db8::2");
  EXPECT_EQ(parsed->check.kind, control::HealthCheckConfig::Kind::kHttp);
  EXPECT_EQ(parsed->check.port, 8080);
  EXPECT_EQ(parsed->check.http_path, "/up");
  EXPECT_EQ(parsed->check.interval, std::chrono::milliseconds(2000));
  EXPECT_EQ(parsed->check.rise, 3);
  EXPECT_EQ(parsed->policy.max_remove.unit, control::ChangeBudget::Unit::kCount);
  EXPECT_EQ(parsed->policy.max_remove.value, 1U);
  EXPECT_FALSE(parsed->policy.fail_open);
}

TEST(EndpointDefinitionTest, DefaultsAndTheMostSpecificZone) {
  const auto parsed = parseEndpointDefinition(
      R"({"name": "a.sub.example.test.", "zone": "sub.example.test",
          "backends": ["192.0.2.1"], "check": {"kind": "tcp", "port": 80}})",
      servedZones());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->zone, "sub.example.test.");
  EXPECT_EQ(parsed->rrtype, control::kTypeA);
  EXPECT_EQ(parsed->ttl_seconds, 30U);
  EXPECT_EQ(parsed->check.interval, std::chrono::milliseconds(1000));
}

TEST(EndpointDefinitionTest, ErrorsNameTheField) {
  const std::string check = R"("check": {"kind": "tcp", "port": 80})";

  struct Case {
    std::string json;
    std::string field;
    std::string reason;
  };

  const Case cases[] = {
      {"[1]", "body", "expected a JSON object"},
      {R"({"name": "a.example.test", "backends": ["192.0.2.1", "192.0.2.300"], )" + check + "}",
       "backends[1]", "'192.0.2.300' is not an IPv4 address"},
      {R"({"name": "a.example.test", "type": "AAAA", "backends": ["192.0.2.1"], )" + check + "}",
       "backends[0]", "'192.0.2.1' is not an IPv6 address"},
      {R"({"name": "a.other.test", "backends": ["192.0.2.1"], )" + check + "}", "name",
       "a.other.test. is not inside any zone listed under zones"},
      {R"({"name": "a.example.test", "zone": "other.test", "backends": ["192.0.2.1"], )" + check +
           "}",
       "zone",
       "'other.test.' is not a zone this server serves (zones: example.test., "
       "sub.example.test.)"},
      {R"({"name": "a.sub.example.test", "zone": "example.test", "backends": ["192.0.2.1"], )" +
           check + "}",
       "zone", "a.sub.example.test. is served by zone sub.example.test., not example.test."},
      {R"({"name": "a.example.test", )" + check + "}", "body", "backends is required"},
      {R"({"name": "a.example.test", "backends": [], )" + check + "}", "backends",
       "expected a non-empty list of backend addresses"},
      {R"({"name": "a.example.test", "backend": ["192.0.2.1"], )" + check + "}", "backend",
       "unknown key (expected one of: name, type, ttl, backends, check, policy)"},
      {R"({"name": "a.example.test", "backends": ["192.0.2.1"], "check": {"kind": "tcp", "port": 0}})",
       "check.port", "0 is out of range [1, 65535]"},
      {R"({"name": "a.example.test", "backends": ["192.0.2.1"], "policy": {"min_healthy": 2}, )" +
           check + "}",
       "policy.min_healthy", "must not exceed the number of backends (1)"},
  };
  for (const Case& c : cases) {
    const FieldError error = refusal(c.json);
    EXPECT_EQ(error.field, c.field) << c.json;
    EXPECT_EQ(error.reason, c.reason) << c.json;
  }
}

}  // namespace
}  // namespace holdfast::config
