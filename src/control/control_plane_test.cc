// Tests of the wired control plane: validation at start, health to published, clean stop.
#include "control/control_plane.h"

#include <gtest/gtest.h>

#include "control/test_support_internal.h"
#include "store/memory_store.h"

namespace holdfast::control {
namespace {

using testing::makeEndpoint;
using testing::readPublishedRecord;

EndpointConfig fastEndpoint() {
  EndpointConfig endpoint = makeEndpoint();
  endpoint.check.interval = std::chrono::milliseconds(5);
  endpoint.check.timeout = std::chrono::milliseconds(5);
  return endpoint;
}

TEST(ControlPlane, RefusesToStartWithABadConfiguration) {
  store::MemoryStore store;
  testing::FakeProber prober;
  EndpointConfig broken = fastEndpoint();
  broken.backends.clear();
  ControlPlane plane(store, {broken}, ControlOptions{}, {&prober, nullptr});
  const Status status = plane.start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "endpoints[0].backends: needs at least one backend (S1: an endpoint is never empty)");
  EXPECT_FALSE(plane.running());

  ControlPlane no_enactors(store, {fastEndpoint()}, ControlOptions{0, 10, std::chrono::seconds(1)},
                           {&prober, nullptr});
  EXPECT_FALSE(no_enactors.start().ok());
}

TEST(ControlPlane, TurnsHealthIntoPublishedRecords) {
  store::MemoryStore store;
  testing::FakeProber prober;
  testing::FixedClock clock;
  const EndpointConfig endpoint = fastEndpoint();
  for (const BackendConfig& backend : endpoint.backends) {
    prober.set(backend.address, true);
  }
  ControlPlane plane(store, {endpoint}, ControlOptions{3, 2, std::chrono::milliseconds(10)},
                     {&prober, &clock});
  ASSERT_TRUE(plane.start().ok());
  EXPECT_FALSE(plane.start().ok()) << "already running";
  EXPECT_EQ(plane.enactors().size(), 3U);

  EXPECT_TRUE(testing::eventually([&] {
    const auto published = readPublishedRecord(store, endpoint);
    return published && published->addresses.size() == 3;
  }));

  prober.set("127.0.0.3", false);
  EXPECT_TRUE(testing::eventually([&] {
    const auto published = readPublishedRecord(store, endpoint);
    return published && published->addresses == std::vector<std::string>{"127.0.0.2", "127.0.0.4"};
  }));

  // Every backend down: fail open, all three are served again.
  prober.set("127.0.0.2", false);
  prober.set("127.0.0.4", false);
  EXPECT_TRUE(testing::eventually([&] {
    const auto published = readPublishedRecord(store, endpoint);
    return published && published->addresses.size() == 3;
  }));

  plane.stop();
  EXPECT_FALSE(plane.running());
  const int probes = prober.probes();
  const store::Revision revision = *store.currentRevision();
  plane.stop();
  EXPECT_EQ(prober.probes(), probes);
  EXPECT_EQ(*store.currentRevision(), revision) << "nothing runs after stop()";
}

}  // namespace
}  // namespace holdfast::control
