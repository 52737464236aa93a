// Tests for the publisher: store contents become the served snapshot.
#include "server/publisher.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "dns/name.h"
#include "dns/zone_file.h"
#include "store/memory_store.h"

namespace holdfast::server {
namespace {

constexpr const char* kZone = R"($ORIGIN example.test.
$TTL 300
@ IN SOA ns1 hostmaster 100 3600 600 604800 60
@ IN NS ns1
ns1 IN A 127.0.0.1
)";

std::vector<dns::ZoneContents> zones() {
  auto origin = dns::Name::fromText("example.test.");
  auto contents = dns::parseZoneText(kZone, *origin, "test");
  EXPECT_TRUE(contents.ok()) << contents.error().message;
  std::vector<dns::ZoneContents> out;
  out.push_back(std::move(contents).value());
  return out;
}

control::PublishedRecord record(control::Generation generation,
                                std::vector<std::string> addresses) {
  return control::PublishedRecord{generation, "example.test.",      1,
                                  30,         std::move(addresses), "enactor-1"};
}

std::vector<std::string> servedAddresses(const zone::SnapshotHolder& holder, const char* name) {
  auto owner = dns::Name::fromText(name);
  const auto snapshot = holder.load();
  const zone::Zone* zone = snapshot->findZone(owner->wire());
  if (zone == nullptr) {
    return {};
  }
  const zone::Node* node = zone->findNode(owner->wire());
  if (node == nullptr || node->find(1) == nullptr) {
    return {};
  }
  std::vector<std::string> out;
  const dns::RRset& rrset = *node->find(1);
  for (std::uint16_t i = 0; i < rrset.count(); ++i) {
    const auto rdata = rrset.rdata(i);
    out.push_back(std::to_string(rdata[0]) + "." + std::to_string(rdata[1]) + "." +
                  std::to_string(rdata[2]) + "." + std::to_string(rdata[3]));
  }
  return out;
}

std::uint32_t servedSerial(const zone::SnapshotHolder& holder) {
  const auto snapshot = holder.load();
  return snapshot->zone(*dns::Name::fromText("example.test."))->serial();
}

TEST(PublisherTest, PublishesStaticZoneAndEndpoints) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test."}, holder);
  ASSERT_TRUE(store
                  .put(control::publishedKey("api.example.test."),
                       control::encodePublished(record(3, {"127.0.0.2", "127.0.0.3"})))
                  .ok());
  ASSERT_TRUE(
      store
          .put(control::serialKey("example.test."), control::encodeSerial(control::SerialRecord{5}))
          .ok());
  const auto revision = publisher.publishOnce();
  ASSERT_TRUE(revision.ok()) << revision.error().message;
  EXPECT_EQ(*revision, 2);
  EXPECT_EQ(servedAddresses(holder, "api.example.test."),
            (std::vector<std::string>{"127.0.0.2", "127.0.0.3"}));
  EXPECT_EQ(servedAddresses(holder, "ns1.example.test."), (std::vector<std::string>{"127.0.0.1"}));
  EXPECT_EQ(servedSerial(holder), 105U);
}

TEST(PublisherTest, CorruptRecordKeepsLastGoodAddresses) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test."}, holder);
  const std::string key = control::publishedKey("api.example.test.");
  ASSERT_TRUE(store.put(key, control::encodePublished(record(1, {"127.0.0.2"}))).ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  ASSERT_TRUE(store.put(key, "{not json").ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), (std::vector<std::string>{"127.0.0.2"}));
  // An empty address list is refused by the decoder (S1): still the last good set.
  ASSERT_TRUE(store
                  .put(key, R"({"generation":2,"zone":"example.test.","rrtype":1,"ttl":30,)"
                            R"("addresses":[],"applied_by":"x"})")
                  .ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), (std::vector<std::string>{"127.0.0.2"}));
}

TEST(PublisherTest, RecordOutsideEveryZoneIsSkipped) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test."}, holder);
  ASSERT_TRUE(store
                  .put(control::publishedKey("api.other.test."),
                       control::encodePublished(record(1, {"127.0.0.9"})))
                  .ok());
  ASSERT_TRUE(store
                  .put(control::publishedKey("api.example.test."),
                       control::encodePublished(record(1, {"127.0.0.2"})))
                  .ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), (std::vector<std::string>{"127.0.0.2"}));
}

TEST(PublisherTest, UnconfiguredEndpointIsNotServed) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test."}, holder);
  ASSERT_TRUE(store
                  .put(control::publishedKey("old.example.test."),
                       control::encodePublished(record(4, {"127.0.0.7"})))
                  .ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  EXPECT_TRUE(servedAddresses(holder, "old.example.test.").empty());
}

TEST(PublisherTest, BackgroundThreadFollowsTheStore) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test."}, holder);
  ASSERT_TRUE(publisher.publishOnce().ok());
  publisher.start();
  ASSERT_TRUE(store
                  .put(control::publishedKey("api.example.test."),
                       control::encodePublished(record(1, {"127.0.0.4"})))
                  .ok());
  // Bounded wait for the watch to deliver the change.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (servedAddresses(holder, "api.example.test.").empty() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  publisher.stop();
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), (std::vector<std::string>{"127.0.0.4"}));
}

// Waits (bounded) until `done` holds for the served snapshot.
template <typename Done>
void waitFor(const Done& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

TEST(PublisherTest, BackgroundThreadPatchesChangesDeletesAndSerials) {
  store::MemoryStore store;
  zone::SnapshotHolder holder;
  Publisher publisher(store, zones(), {"api.example.test.", "www.example.test."}, holder);
  ASSERT_TRUE(store
                  .put(control::publishedKey("www.example.test."),
                       control::encodePublished(record(1, {"127.0.0.9"})))
                  .ok());
  ASSERT_TRUE(publisher.publishOnce().ok());
  publisher.start();

  // One transaction, as an enactor writes it: record and zone serial together.
  store::TxnRequest publish;
  publish.success.push_back(store::Op::put(control::publishedKey("api.example.test."),
                                           control::encodePublished(record(1, {"127.0.0.4"}))));
  publish.success.push_back(
      store::Op::put(control::serialKey("example.test."), control::encodeSerial({5})));
  ASSERT_TRUE(store.txn(publish).ok());
  waitFor([&] { return servedSerial(holder) == 105; });
  EXPECT_EQ(servedSerial(holder), 105U);
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), (std::vector<std::string>{"127.0.0.4"}));
  EXPECT_EQ(servedAddresses(holder, "www.example.test."), (std::vector<std::string>{"127.0.0.9"}));

  // A deleted record is withdrawn; the untouched one stays.
  ASSERT_TRUE(store.del(control::publishedKey("api.example.test.")).ok());
  waitFor([&] { return servedAddresses(holder, "api.example.test.").empty(); });
  publisher.stop();
  EXPECT_EQ(servedAddresses(holder, "api.example.test."), std::vector<std::string>{});
  EXPECT_EQ(servedAddresses(holder, "www.example.test."), (std::vector<std::string>{"127.0.0.9"}));
  EXPECT_EQ(servedSerial(holder), 105U);
}

}  // namespace
}  // namespace holdfast::server
