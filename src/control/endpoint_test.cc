// Tests of endpoint configuration validation and its field-named messages.
#include "control/endpoint.h"

#include <gtest/gtest.h>

#include "control/test_support_internal.h"

namespace holdfast::control {
namespace {

using testing::makeEndpoint;

void expectConfigError(const Status& status, std::string_view prefix) {
  ASSERT_FALSE(status.ok()) << "expected an error starting with " << prefix;
  EXPECT_EQ(status.error().code, Errc::kConfig);
  EXPECT_TRUE(status.error().message.starts_with(prefix)) << status.error().message;
}

TEST(EndpointValidate, AcceptsAValidEndpoint) {
  EXPECT_TRUE(validate(makeEndpoint()).ok());

  EndpointConfig v6 = makeEndpoint("v6.example.test.", {"::1", "2001:db8::1"});
  v6.rrtype = kTypeAaaa;
  EXPECT_TRUE(validate(v6).ok());

  EndpointConfig apex = makeEndpoint("example.test.");
  EXPECT_TRUE(validate(apex).ok());
}

TEST(EndpointValidate, NamesTheField) {
  EndpointConfig endpoint = makeEndpoint("api.example.test");
  expectConfigError(validate(endpoint), "name: 'api.example.test' must be fully qualified");

  endpoint = makeEndpoint("Api.example.test.");
  expectConfigError(validate(endpoint), "name: 'Api.example.test.' must be lowercase");

  endpoint = makeEndpoint("api..example.test.");
  expectConfigError(validate(endpoint), "name: 'api..example.test.' has an empty label");

  endpoint = makeEndpoint("api/x.example.test.");
  expectConfigError(validate(endpoint), "name: 'api/x.example.test.' contains '/'");

  endpoint = makeEndpoint("api.other.test.");
  expectConfigError(validate(endpoint), "name: 'api.other.test.' is not inside zone");

  endpoint = makeEndpoint();
  endpoint.zone = "";
  expectConfigError(validate(endpoint), "zone: is empty");

  endpoint = makeEndpoint();
  endpoint.rrtype = 5;
  expectConfigError(validate(endpoint), "rrtype: 5 is not supported");

  endpoint = makeEndpoint();
  endpoint.ttl_seconds = 0x80000000U;
  expectConfigError(validate(endpoint), "ttl_seconds:");
}

TEST(EndpointValidate, ChecksBackends) {
  expectConfigError(validate(makeEndpoint("api.example.test.", {})), "backends: needs at least");
  expectConfigError(validate(makeEndpoint("api.example.test.", {"127.0.0.2", "::1"})),
                    "backends[1].address: '::1' is not an IPv4 address");
  expectConfigError(validate(makeEndpoint("api.example.test.", {"127.0.0.2", "127.0.0.2"})),
                    "backends[1].address: '127.0.0.2' duplicates backends[0]");

  EndpointConfig v6 = makeEndpoint("v6.example.test.", {"::0001"});
  v6.rrtype = kTypeAaaa;
  expectConfigError(validate(v6),
                    "backends[0].address: '::0001' is not in canonical form; write '::1'");

  // Addresses no client can connect to are not backends (found by a first-user trial: fail-open
  // published them).
  expectConfigError(validate(makeEndpoint("api.example.test.", {"127.0.0.2", "0.0.0.0"})),
                    "backends[1].address: '0.0.0.0' is the unspecified address");
  expectConfigError(validate(makeEndpoint("api.example.test.", {"255.255.255.255"})),
                    "backends[0].address: '255.255.255.255' is the broadcast address");
  expectConfigError(validate(makeEndpoint("api.example.test.", {"224.0.0.1"})),
                    "backends[0].address: '224.0.0.1' is a multicast address");
  EXPECT_TRUE(validate(makeEndpoint("api.example.test.", {"223.255.255.255"})).ok());
  for (const char* address : {"::", "ff02::1"}) {
    EndpointConfig bad = makeEndpoint("v6.example.test.", {address});
    bad.rrtype = kTypeAaaa;
    expectConfigError(validate(bad), "backends[0].address: '" + std::string(address) + "' is ");
  }
}

TEST(EndpointValidate, ChecksTheHealthCheck) {
  EndpointConfig endpoint = makeEndpoint();
  endpoint.check.port = 0;
  expectConfigError(validate(endpoint), "check.port:");

  endpoint = makeEndpoint();
  endpoint.check.http_path = "health";
  expectConfigError(validate(endpoint), "check.http_path: must start with '/'");

  endpoint = makeEndpoint();
  endpoint.check.http_path = "/a b";
  expectConfigError(validate(endpoint), "check.http_path:");

  endpoint = makeEndpoint();
  endpoint.check.timeout = endpoint.check.interval + std::chrono::milliseconds(1);
  expectConfigError(validate(endpoint), "check.timeout: must not exceed check.interval");

  endpoint = makeEndpoint();
  endpoint.check.interval = std::chrono::milliseconds(0);
  expectConfigError(validate(endpoint), "check.interval:");

  endpoint = makeEndpoint();
  endpoint.check.rise = 0;
  expectConfigError(validate(endpoint), "check.rise:");

  endpoint = makeEndpoint();
  endpoint.check.fall = 0;
  expectConfigError(validate(endpoint), "check.fall:");
}

TEST(EndpointValidate, ChecksTheSet) {
  EXPECT_TRUE(validate(std::vector<EndpointConfig>{makeEndpoint("a.example.test."),
                                                   makeEndpoint("b.example.test.")})
                  .ok());
  expectConfigError(validate(std::vector<EndpointConfig>{makeEndpoint(), makeEndpoint()}),
                    "endpoints[1].name: 'api.example.test.' is already configured by endpoints[0]");

  EndpointConfig broken = makeEndpoint();
  broken.check.fall = 0;
  expectConfigError(validate(std::vector<EndpointConfig>{makeEndpoint("a.example.test."), broken}),
                    "endpoints[1].check.fall:");
}

TEST(ControlOptionsValidate, NamesTheField) {
  EXPECT_TRUE(validate(ControlOptions{}).ok());
  expectConfigError(validate(ControlOptions{0, 10, std::chrono::milliseconds(1)}), "enactors:");
  expectConfigError(validate(ControlOptions{3, -1, std::chrono::milliseconds(1)}), "keep_plans:");
  expectConfigError(validate(ControlOptions{3, 10, std::chrono::milliseconds(0)}),
                    "janitor_interval:");
}

}  // namespace
}  // namespace holdfast::control
