// Tests for SnapshotHolder: publication and concurrent readers.
#include "zone/snapshot_holder.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "zone/snapshot_builder.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

std::shared_ptr<const Snapshot> snapshotWithSerialOffset(std::uint32_t offset) {
  SnapshotBuilder builder;
  EXPECT_TRUE(builder
                  .addZone(testing::zoneFromText(
                      "example.test.",
                      "$TTL 60\n@ SOA ns h 1 7200 900 1209600 60\n@ NS ns\nwww A 192.0.2.1\n"))
                  .ok());
  EXPECT_TRUE(builder.addSerialOffset("example.test.", offset).ok());
  auto snapshot = builder.build();
  EXPECT_TRUE(snapshot.ok());
  return snapshot.value();
}

std::uint32_t servedSerial(const SnapshotHolder& holder) {
  const auto snapshot = holder.load();
  const Zone* zone = snapshot->zone(dns::Name::fromText("example.test.").value());
  return zone == nullptr ? 0 : zone->serial();
}

TEST(SnapshotHolderTest, StartsEmptyAndNeverHoldsNull) {
  SnapshotHolder holder;
  ASSERT_NE(holder.load(), nullptr);
  EXPECT_EQ(holder.load()->zoneCount(), 0u);
  holder.store(nullptr);
  ASSERT_NE(holder.load(), nullptr);

  const SnapshotHolder from_null(nullptr);
  EXPECT_NE(from_null.load(), nullptr);
}

TEST(SnapshotHolderTest, StorePublishesAndReadersKeepTheirCopy) {
  SnapshotHolder holder(snapshotWithSerialOffset(0));
  const auto before = holder.load();
  holder.store(snapshotWithSerialOffset(1));
  EXPECT_EQ(servedSerial(holder), 2u);
  EXPECT_EQ(before->zone(dns::Name::fromText("example.test.").value())->serial(), 1u);
}

TEST(SnapshotHolderTest, ReadersSeeSerialsOnlyGrowWhilePublishing) {
  constexpr int kPublishes = 200;
  std::vector<std::shared_ptr<const Snapshot>> snapshots;
  for (int i = 0; i < kPublishes; ++i) {
    snapshots.push_back(snapshotWithSerialOffset(static_cast<std::uint32_t>(i)));
  }
  SnapshotHolder holder(snapshots[0]);
  std::atomic<bool> done = false;
  std::atomic<int> regressions = 0;

  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      std::uint32_t last = 0;
      const auto query = testing::makeQuery("www.example.test.", KNOT_RRTYPE_A);
      std::vector<std::uint8_t> out(512);
      while (!done.load()) {
        const auto snapshot = holder.load();
        const std::uint32_t serial =
            snapshot->zone(dns::Name::fromText("example.test.").value())->serial();
        if (serial < last) {
          ++regressions;
        }
        last = serial;
        EXPECT_GT(answerQuery(*snapshot, query, out, Transport::kUdp), 0u);
      }
    });
  }
  for (int i = 1; i < kPublishes; ++i) {
    holder.store(snapshots[static_cast<std::size_t>(i)]);
  }
  done = true;
  for (auto& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(regressions.load(), 0);
  EXPECT_EQ(servedSerial(holder), static_cast<std::uint32_t>(kPublishes));
}

}  // namespace
}  // namespace holdfast::zone
