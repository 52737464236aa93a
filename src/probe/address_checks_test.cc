// Tests of the end-to-end connects: order, the address cap and how targets are written.
#include "probe/address_checks.h"

#include <mutex>
#include <set>

#include <gtest/gtest.h>

namespace holdfast::probe {
namespace {

// Healthy for every address except those listed; remembers what it was asked.
class FakeProber final : public control::Prober {
public:
  explicit FakeProber(std::set<std::string> down) : down_(std::move(down)) {}

  control::ProbeResult probe(const std::string& address,
                             const control::HealthCheckConfig& check) override {
    const std::lock_guard lock(mutex_);
    asked_.insert(address + "/" + std::to_string(check.port));
    if (down_.contains(address)) {
      return {false, "connect: Connection refused"};
    }
    return {true, "connected"};
  }

  [[nodiscard]] std::set<std::string> asked() const {
    const std::lock_guard lock(mutex_);
    return asked_;
  }

private:
  const std::set<std::string> down_;
  mutable std::mutex mutex_;
  std::set<std::string> asked_;
};

ConnectCheck tcp(std::uint16_t port, std::size_t max_addresses) {
  ConnectCheck check;
  check.health.port = port;
  check.max_addresses = max_addresses;
  return check;
}

TEST(AddressChecks, ProbesEveryAddressAndKeepsTheirOrder) {
  FakeProber prober({"192.0.2.2"});
  const auto results =
      probeAddresses(tcp(443, 8), {"192.0.2.1", "192.0.2.2", "2001:db8::1"}, prober);
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0].target, "192.0.2.1:443");
  EXPECT_TRUE(results[0].reachable);
  EXPECT_EQ(results[0].reason, "connected");
  EXPECT_EQ(results[1].target, "192.0.2.2:443");
  EXPECT_FALSE(results[1].reachable);
  EXPECT_EQ(results[1].reason, "connect: Connection refused");
  EXPECT_EQ(results[2].target, "[2001:db8::1]:443");
  EXPECT_TRUE(results[2].reachable);
}

TEST(AddressChecks, ProbesNoMoreThanMaxAddresses) {
  FakeProber prober({});
  const auto results = probeAddresses(tcp(80, 2), {"192.0.2.1", "192.0.2.2", "192.0.2.3"}, prober);
  ASSERT_EQ(results.size(), 2U);
  EXPECT_EQ(prober.asked(), (std::set<std::string>{"192.0.2.1/80", "192.0.2.2/80"}));
}

TEST(AddressChecks, NoAddressesMeansNoProbe) {
  FakeProber prober({});
  EXPECT_TRUE(probeAddresses(tcp(80, 8), {}, prober).empty());
  EXPECT_TRUE(prober.asked().empty());
}

}  // namespace
}  // namespace holdfast::probe
