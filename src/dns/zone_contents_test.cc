// Tests for ZoneContents invariants and copies.
#include "dns/zone_contents.h"

#include <gtest/gtest.h>

#include "dns/zone_file.h"

namespace holdfast::dns {
namespace {

const Name kOrigin = Name::fromText("example.test.").value();

ZoneContents load(const std::string& body) {
  auto zone = parseZoneText("$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n" + body, kOrigin, "test");
  EXPECT_TRUE(zone.ok()) << zone.error().toString();
  return std::move(zone).value();
}

RRset makeRRset(const char* owner, std::uint16_t type) {
  auto rrset = RRset::create(Name::fromText(owner).value(), type, 60);
  const std::uint8_t rdata[] = {1, 'a', 0};
  EXPECT_TRUE(rrset->addRdata(rdata).ok());
  return std::move(rrset).value();
}

TEST(ZoneContentsTest, CloneCopiesEverything) {
  const ZoneContents zone = load("www A 192.0.2.1\n");
  auto copy = zone.clone();
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->origin, zone.origin);
  EXPECT_EQ(copy->soa.soaSerial(), 1u);
  ASSERT_EQ(copy->rrsets.size(), 2u);
  EXPECT_EQ(copy->rrsets[1].toText(), zone.rrsets[1].toText());
}

TEST(ZoneContentsTest, ValidatesHandMadeContents) {
  EXPECT_TRUE(validateZoneContents(load("www A 192.0.2.1\n")).ok());

  ZoneContents outside = load("");
  outside.rrsets.push_back(makeRRset("www.other.test.", KNOT_RRTYPE_CNAME));
  EXPECT_EQ(validateZoneContents(outside).error().message,
            "record owner www.other.test. is outside the zone example.test.");

  ZoneContents conflict = load("");
  conflict.rrsets.push_back(makeRRset("www.example.test.", KNOT_RRTYPE_CNAME));
  conflict.rrsets.push_back(makeRRset("www.example.test.", KNOT_RRTYPE_CAA));
  EXPECT_EQ(validateZoneContents(conflict).error().message,
            "CNAME and other data at www.example.test.");

  ZoneContents unsorted = load("");
  unsorted.rrsets.push_back(makeRRset("www.example.test.", KNOT_RRTYPE_NS));
  unsorted.rrsets.push_back(makeRRset("a.example.test.", KNOT_RRTYPE_NS));
  EXPECT_FALSE(validateZoneContents(unsorted).ok());

  ZoneContents apex_cname = load("");
  apex_cname.rrsets.push_back(makeRRset("example.test.", KNOT_RRTYPE_CNAME));
  EXPECT_FALSE(validateZoneContents(apex_cname).ok());

  ZoneContents no_ns = load("");
  no_ns.rrsets.clear();
  EXPECT_EQ(validateZoneContents(no_ns).error().message,
            "zone example.test. has no NS records at its apex");

  // RFC 6672 sections 2.3 and 2.4.
  ZoneContents dname_ns = load("");
  dname_ns.rrsets.push_back(makeRRset("d.example.test.", KNOT_RRTYPE_NS));
  dname_ns.rrsets.push_back(makeRRset("d.example.test.", KNOT_RRTYPE_DNAME));
  EXPECT_EQ(validateZoneContents(dname_ns).error().message, "DNAME and NS at d.example.test.");

  ZoneContents dname_child = load("");
  dname_child.rrsets.push_back(makeRRset("d.example.test.", KNOT_RRTYPE_DNAME));
  dname_child.rrsets.push_back(makeRRset("x.d.example.test.", KNOT_RRTYPE_TXT));
  EXPECT_EQ(validateZoneContents(dname_child).error().message,
            "record owner x.d.example.test. is below the DNAME at d.example.test.");

  ZoneContents wrong_origin = load("");
  wrong_origin.origin = Name::fromText("other.test.").value();
  EXPECT_FALSE(validateZoneContents(wrong_origin).ok());
}

}  // namespace
}  // namespace holdfast::dns
