// Tests for building A and AAAA RRsets from text.
#include "dns/address.h"

#include <gtest/gtest.h>

namespace holdfast::dns {
namespace {

const Name kOwner = Name::fromText("api.example.test.").value();

TEST(AddressTest, BuildsARecords) {
  auto rrset = makeAddressRRset(kOwner, KNOT_RRTYPE_A, 30, {"192.0.2.1", "192.0.2.2", "192.0.2.1"});
  ASSERT_TRUE(rrset.ok()) << rrset.error().toString();
  EXPECT_EQ(rrset->count(), 2);
  EXPECT_EQ(rrset->ttl(), 30u);
  EXPECT_EQ(rrset->rdata(0).size(), 4u);
}

TEST(AddressTest, BuildsAaaaRecords) {
  auto rrset = makeAddressRRset(kOwner, KNOT_RRTYPE_AAAA, 30, {"2001:db8::1"});
  ASSERT_TRUE(rrset.ok());
  EXPECT_EQ(rrset->rdata(0).size(), 16u);
  EXPECT_EQ(rrset->rdata(0)[15], 1);
}

TEST(AddressTest, RefusesWrongFamilyGarbageEmptyAndOtherTypes) {
  auto v6_as_a = makeAddressRRset(kOwner, KNOT_RRTYPE_A, 30, {"2001:db8::1"});
  ASSERT_FALSE(v6_as_a.ok());
  EXPECT_EQ(v6_as_a.error().message, "invalid IPv4 address '2001:db8::1' for api.example.test.");
  EXPECT_FALSE(makeAddressRRset(kOwner, KNOT_RRTYPE_AAAA, 30, {"192.0.2.1"}).ok());
  EXPECT_FALSE(makeAddressRRset(kOwner, KNOT_RRTYPE_A, 30, {"192.0.2.256"}).ok());
  EXPECT_FALSE(makeAddressRRset(kOwner, KNOT_RRTYPE_A, 30, {" 192.0.2.1"}).ok());
  EXPECT_EQ(makeAddressRRset(kOwner, KNOT_RRTYPE_A, 30, {}).error().code, Errc::kInvalidArgument);
  EXPECT_FALSE(makeAddressRRset(kOwner, KNOT_RRTYPE_TXT, 30, {"192.0.2.1"}).ok());
}

}  // namespace
}  // namespace holdfast::dns
