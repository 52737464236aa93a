// Tests for ZoneRecords: the canonical sort key and the order records are grouped in.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns/name.h"
#include "dns/zone_file_records_internal.h"

namespace holdfast::dns {
namespace {

std::vector<std::uint8_t> keyOf(const std::string& text, std::size_t skip_labels) {
  std::vector<std::uint8_t> key;
  appendCanonicalKey(Name::fromText(text).value().wire(), skip_labels, key);
  return key;
}

// Names whose canonical order is tricky: case, label octets 0, 1 and 2 (the escape and its
// neighbours), labels that are prefixes of others, and more labels against longer labels.
const std::vector<std::string> kTrickyNames = {"example.",
                                               "a.example.",
                                               "A.example.",
                                               "yljkjljk.a.example.",
                                               "Z.a.example.",
                                               "zABC.a.EXAMPLE.",
                                               "z.example.",
                                               "\\001.z.example.",
                                               "*.z.example.",
                                               "\\200.z.example.",
                                               "\\000.z.example.",
                                               "\\002.z.example.",
                                               "\\001\\001.z.example.",
                                               "\\000\\002.z.example.",
                                               "\\001\\000.z.example.",
                                               "za.example.",
                                               "z\\000.example.",
                                               "z\\001a.example.",
                                               "a.b.example.",
                                               "ab.example.",
                                               "b.example.",
                                               "\\255.example."};

TEST(CanonicalKeyTest, OrdersAsCompareCanonical) {
  for (const std::string& a : kTrickyNames) {
    for (const std::string& b : kTrickyNames) {
      const Name name_a = Name::fromText(a).value();
      const Name name_b = Name::fromText(b).value();
      const auto expected = compareCanonical(name_a.wire(), name_b.wire());
      const auto key_a = keyOf(a, 0);
      const auto key_b = keyOf(b, 0);
      const auto actual = std::lexicographical_compare_three_way(key_a.begin(), key_a.end(),
                                                                 key_b.begin(), key_b.end());
      EXPECT_EQ(actual, expected) << a << " vs " << b;
    }
  }
}

TEST(CanonicalKeyTest, SkipsTheApexLabels) {
  EXPECT_TRUE(keyOf("example.test.", 2).empty());
  EXPECT_EQ(keyOf("WWW.example.test.", 2), (std::vector<std::uint8_t>{'w', 'w', 'w', 0}));
  EXPECT_EQ(keyOf("a.b.example.test.", 2), (std::vector<std::uint8_t>{'b', 0, 'a', 0}));
  EXPECT_EQ(keyOf("\\000\\001.example.test.", 2), (std::vector<std::uint8_t>{1, 1, 1, 2, 0}));
}

class ZoneRecordsTest : public ::testing::Test {
protected:
  void add(const std::string& owner, std::uint16_t type, std::uint64_t line) {
    const std::uint8_t rdata[] = {static_cast<std::uint8_t>(line)};
    records_.add(Name::fromText(owner).value().wire(), type, 300, rdata, line);
  }

  // "owner/type/line" in sorted order.
  std::vector<std::string> sorted() const {
    std::vector<std::string> out;
    for (const std::uint32_t index : records_.sortedOrder()) {
      const ZoneRecord& record = records_.record(index);
      out.push_back(Name::fromWire(records_.owner(index)).value().toText() + "/" +
                    std::to_string(record.type) + "/" + std::to_string(record.line));
    }
    return out;
  }

  ZoneRecords records_{2};  // apex example.test.
};

TEST_F(ZoneRecordsTest, SortsByOwnerThenTypeThenFileOrder) {
  add("www.example.test.", 28, 1);
  add("example.test.", 2, 2);
  add("WWW.example.test.", 1, 3);
  add("a.www.example.test.", 1, 4);
  add("www.example.test.", 1, 5);
  add("example.test.", 6, 6);
  add("b.example.test.", 1, 7);
  add("Www.example.test.", 28, 8);
  EXPECT_EQ(sorted(),
            (std::vector<std::string>{"example.test./2/2", "example.test./6/6",
                                      "b.example.test./1/7", "WWW.example.test./1/3",
                                      "www.example.test./1/5", "www.example.test./28/1",
                                      "Www.example.test./28/8", "a.www.example.test./1/4"}));
}

TEST_F(ZoneRecordsTest, ComparesOwnersIgnoringCaseAndFindsDescendants) {
  add("example.test.", 6, 1);
  add("www.example.test.", 1, 2);
  add("WWW.Example.Test.", 1, 3);
  add("x.www.example.test.", 1, 4);
  add("wwwx.example.test.", 1, 5);
  EXPECT_TRUE(records_.ownerIsApex(0));
  EXPECT_FALSE(records_.ownerIsApex(1));
  EXPECT_TRUE(records_.sameOwner(1, 2));
  EXPECT_FALSE(records_.sameOwner(1, 3));
  EXPECT_TRUE(records_.ownerAtOrBelow(3, 1));
  EXPECT_TRUE(records_.ownerAtOrBelow(2, 1));
  EXPECT_FALSE(records_.ownerAtOrBelow(4, 1));  // a longer label, not a child
  EXPECT_FALSE(records_.ownerAtOrBelow(1, 3));
  EXPECT_TRUE(records_.ownerAtOrBelow(4, 0));
  // The owner as written, and the rdata of each record.
  EXPECT_EQ(Name::fromWire(records_.owner(2)).value().toText(), "WWW.Example.Test.");
  ASSERT_EQ(records_.rdata(4).size(), 1u);
  EXPECT_EQ(records_.rdata(4)[0], 5);
}

}  // namespace
}  // namespace holdfast::dns
