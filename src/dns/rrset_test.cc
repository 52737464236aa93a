// Tests for RRset: ownership, record handling, copies and SOA fields.
#include "dns/rrset.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace holdfast::dns {
namespace {

Name name(std::string_view text) {
  return Name::fromText(text).value();
}

TEST(RRsetTest, CollectsRecordsAndDropsDuplicates) {
  auto rrset = RRset::create(name("www.example.test."), KNOT_RRTYPE_A, 300);
  ASSERT_TRUE(rrset.ok());
  const std::vector<std::uint8_t> first = {192, 0, 2, 1};
  const std::vector<std::uint8_t> second = {192, 0, 2, 2};
  ASSERT_TRUE(rrset->addRdata(first).ok());
  ASSERT_TRUE(rrset->addRdata(second).ok());
  ASSERT_TRUE(rrset->addRdata(first).ok());

  EXPECT_EQ(rrset->count(), 2);
  EXPECT_EQ(rrset->type(), KNOT_RRTYPE_A);
  EXPECT_EQ(rrset->ttl(), 300u);
  EXPECT_EQ(rrset->owner(), name("www.example.test."));
  const auto rdata = rrset->rdata(1);
  EXPECT_EQ(std::vector<std::uint8_t>(rdata.begin(), rdata.end()), second);
  const std::string text = rrset->toText();
  EXPECT_NE(text.find("www.example.test."), std::string::npos);
  EXPECT_NE(text.find("\t300\tA\t192.0.2.1\n"), std::string::npos);
  EXPECT_NE(text.find("\t300\tA\t192.0.2.2\n"), std::string::npos);
}

TEST(RRsetTest, CloneIsIndependent) {
  auto rrset = RRset::create(name("a.test."), KNOT_RRTYPE_A, 60);
  ASSERT_TRUE(rrset.ok());
  const std::vector<std::uint8_t> address = {10, 0, 0, 1};
  ASSERT_TRUE(rrset->addRdata(address).ok());
  auto copy = rrset->clone();
  ASSERT_TRUE(copy.ok());
  copy->setTtl(5);
  EXPECT_EQ(rrset->ttl(), 60u);
  EXPECT_EQ(copy->ttl(), 5u);
  EXPECT_EQ(copy->count(), 1);

  RRset moved = std::move(copy).value();
  EXPECT_EQ(moved.count(), 1);
}

TEST(RRsetTest, RejectsOversizedRdata) {
  auto rrset = RRset::create(name("a.test."), KNOT_RRTYPE_TXT, 60);
  ASSERT_TRUE(rrset.ok());
  const std::vector<std::uint8_t> huge(70000, 1);
  EXPECT_EQ(rrset->addRdata(huge).error().code, Errc::kInvalidArgument);
}

TEST(RRsetTest, ReadsAndWritesSoaFields) {
  auto soa = RRset::create(name("example.test."), KNOT_RRTYPE_SOA, 3600);
  ASSERT_TRUE(soa.ok());
  EXPECT_FALSE(soa->isWellFormedSoa());
  const std::vector<std::uint8_t> rdata = {2, 'n', 's', 0,    // primary
                                           1, 'h', 0,         // mailbox
                                           0, 0,   0,   7,    // serial
                                           0, 0,   0,   1,    // refresh
                                           0, 0,   0,   2,    // retry
                                           0, 0,   0,   3,    // expire
                                           0, 0,   0,   60};  // minimum
  ASSERT_TRUE(soa->addRdata(rdata).ok());
  ASSERT_TRUE(soa->isWellFormedSoa());
  EXPECT_EQ(soa->soaSerial(), 7u);
  EXPECT_EQ(soa->soaMinimum(), 60u);
  soa->setSoaSerial(0xfffffffe);
  EXPECT_EQ(soa->soaSerial(), 0xfffffffeu);
  EXPECT_EQ(soa->soaMinimum(), 60u);

  auto short_soa = RRset::create(name("example.test."), KNOT_RRTYPE_SOA, 3600);
  ASSERT_TRUE(short_soa->addRdata(std::span(rdata).first(10)).ok());
  EXPECT_FALSE(short_soa->isWellFormedSoa());
}

}  // namespace
}  // namespace holdfast::dns
