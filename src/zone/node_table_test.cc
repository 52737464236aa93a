// Tests for NodeTable: inserts, lookups, growth and colliding hashes.
#include "zone/node_table.h"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns/name.h"

namespace holdfast::zone {
namespace {

std::vector<std::uint8_t> lowerWireOf(const std::string& text) {
  const dns::Name name = dns::Name::fromText(text).value().toLower();
  return {name.wire().begin(), name.wire().end()};
}

// Every name lands on the same slot and tag: only probing and the name comparison tell them
// apart.
std::uint64_t collidingHash(std::span<const std::uint8_t>) noexcept {
  return 0x1234567800000007ULL;
}

// Two tags, same slot: names differ in the high half of the hash only.
std::uint64_t twoTagHash(std::span<const std::uint8_t> wire) noexcept {
  return (static_cast<std::uint64_t>(wire.size() % 2) << 32) | 3;
}

TEST(NodeTableTest, InsertsOnceAndFindsByName) {
  NodeTable table;
  EXPECT_EQ(table.find(lowerWireOf("www.example.test.")), nullptr);

  const auto www = lowerWireOf("www.example.test.");
  auto [node, added] = table.insert(www);
  ASSERT_NE(node, nullptr);
  EXPECT_TRUE(added);
  auto [again, added_again] = table.insert(www);
  EXPECT_EQ(again, node);
  EXPECT_FALSE(added_again);

  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(www), &table.nodes()[0]);
  const auto stored = table.name(table.nodes()[0]);
  EXPECT_EQ(std::vector<std::uint8_t>(stored.begin(), stored.end()), www);
  EXPECT_EQ(table.find(lowerWireOf("ww.example.test.")), nullptr);
  EXPECT_EQ(table.find(lowerWireOf("example.test.")), nullptr);
}

TEST(NodeTableTest, GrowsAndKeepsEveryName) {
  NodeTable table;
  constexpr int kCount = 5000;  // many rehashes from the smallest table
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(table.insert(lowerWireOf("h" + std::to_string(i) + ".example.test.")).second);
  }
  ASSERT_EQ(table.size(), static_cast<std::size_t>(kCount));
  std::set<const Node*> seen;
  for (int i = 0; i < kCount; ++i) {
    const auto wire = lowerWireOf("h" + std::to_string(i) + ".example.test.");
    const Node* node = table.find(wire);
    ASSERT_NE(node, nullptr) << i;
    const auto stored = table.name(*node);
    EXPECT_EQ(std::vector<std::uint8_t>(stored.begin(), stored.end()), wire);
    seen.insert(node);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(table.find(lowerWireOf("h5000.example.test.")), nullptr);
}

TEST(NodeTableTest, CollidingHashesAreToldApartByName) {
  for (const NodeTable::Hash hash : {&collidingHash, &twoTagHash}) {
    NodeTable table(hash);
    const std::vector<std::string> names = {"a.test.", "b.test.",   "ab.test.",    "test.",
                                            ".",       "x.a.test.", "\\000.test.", "*.test."};
    for (const std::string& name : names) {
      EXPECT_TRUE(table.insert(lowerWireOf(name)).second) << name;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      EXPECT_EQ(table.find(lowerWireOf(names[i])), &table.nodes()[i]) << names[i];
      EXPECT_FALSE(table.insert(lowerWireOf(names[i])).second) << names[i];
    }
    EXPECT_EQ(table.find(lowerWireOf("c.test.")), nullptr);
    EXPECT_EQ(table.find(lowerWireOf("a.a.test.")), nullptr);
    EXPECT_EQ(table.size(), names.size());
  }
}

TEST(NodeTableTest, ReserveAndShrinkKeepLookups) {
  NodeTable table;
  table.reserve(100, 2000);
  for (int i = 0; i < 100; ++i) {
    table.insert(lowerWireOf("n" + std::to_string(i) + ".test."));
  }
  table.shrinkToFit();
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(table.find(lowerWireOf("n" + std::to_string(i) + ".test.")), nullptr);
  }
}

TEST(NodeTableTest, HashDependsOnEveryOctet) {
  const auto a = lowerWireOf("abcdefghijklmnop.test.");
  auto b = a;
  for (std::size_t i = 0; i < a.size(); ++i) {
    b[i] ^= 0x20;
    EXPECT_NE(hashWireName(a), hashWireName(b)) << i;
    b[i] = a[i];
  }
}

}  // namespace
}  // namespace holdfast::zone
