// Tests for SnapshotBuilder: zones, managed addresses, serial offsets and zone lookup.
#include "zone/snapshot_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::makeQuery;
using testing::ParsedResponse;
using testing::zoneFromText;

constexpr const char* kZone = R"($TTL 300
@        SOA   ns1 hostmaster 100 7200 900 1209600 60
         NS    ns1
ns1      A     192.0.2.53
api      A     198.51.100.1
api      AAAA  2001:db8::1
www      CNAME api
)";

const dns::Name kApex = dns::Name::fromText("example.test.").value();

class SnapshotBuilderTest : public ::testing::Test {
protected:
  SnapshotBuilderTest() {
    EXPECT_TRUE(builder_.addZone(zoneFromText("example.test.", kZone)).ok());
  }

  std::shared_ptr<const Snapshot> build() {
    auto snapshot = builder_.build();
    EXPECT_TRUE(snapshot.ok()) << snapshot.error().toString();
    return snapshot.ok() ? snapshot.value() : std::make_shared<const Snapshot>();
  }

  SnapshotBuilder builder_;
};

TEST_F(SnapshotBuilderTest, RefusesDuplicateZones) {
  const Status status = builder_.addZone(zoneFromText("EXAMPLE.test.", kZone));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(status.error().message, "zone EXAMPLE.test. is already added");
}

TEST_F(SnapshotBuilderTest, ManagedAddressesReplaceStaticOnes) {
  ASSERT_TRUE(
      builder_.setAddresses("api.example.test", KNOT_RRTYPE_A, 30, {"192.0.2.10", "192.0.2.11"})
          .ok());
  const auto snapshot = build();

  const ParsedResponse a(ask(*snapshot, makeQuery("api.example.test.", KNOT_RRTYPE_A)));
  EXPECT_THAT(a.answer(), ElementsAre("api.example.test. 30 A 192.0.2.10",
                                      "api.example.test. 30 A 192.0.2.11"));
  // The static AAAA at the same name stays.
  const ParsedResponse aaaa(ask(*snapshot, makeQuery("api.example.test.", KNOT_RRTYPE_AAAA)));
  EXPECT_THAT(aaaa.answer(), ElementsAre("api.example.test. 300 AAAA 2001:db8::1"));
}

TEST_F(SnapshotBuilderTest, LaterManagedSetWins) {
  ASSERT_TRUE(builder_.setAddresses("api.example.test.", KNOT_RRTYPE_A, 30, {"192.0.2.10"}).ok());
  ASSERT_TRUE(builder_.setAddresses("API.example.test.", KNOT_RRTYPE_A, 40, {"192.0.2.20"}).ok());
  const auto snapshot = build();
  const ParsedResponse a(ask(*snapshot, makeQuery("api.example.test.", KNOT_RRTYPE_A)));
  EXPECT_THAT(a.answer(), ElementsAre("api.example.test. 40 A 192.0.2.20"));
}

TEST_F(SnapshotBuilderTest, ManagedNamesMayBeNewAndCreateEmptyNonTerminals) {
  ASSERT_TRUE(
      builder_.setAddresses("db.eu.new.example.test.", KNOT_RRTYPE_AAAA, 30, {"2001:db8::5"}).ok());
  const auto snapshot = build();
  const ParsedResponse exact(
      ask(*snapshot, makeQuery("db.eu.new.example.test.", KNOT_RRTYPE_AAAA)));
  EXPECT_THAT(exact.answer(), ElementsAre("db.eu.new.example.test. 30 AAAA 2001:db8::5"));
  const ParsedResponse ent(ask(*snapshot, makeQuery("eu.new.example.test.", KNOT_RRTYPE_A)));
  EXPECT_EQ(ent.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(ent.answer(), IsEmpty());
  EXPECT_EQ(ent.authority().size(), 1u);
}

TEST_F(SnapshotBuilderTest, RefusesAnEmptyAddressList) {
  // S1: an empty managed RRset is never published.
  const Status status = builder_.setAddresses("api.example.test.", KNOT_RRTYPE_A, 30, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, Errc::kInvalidArgument);

  // The static data is still served.
  const auto snapshot = build();
  const ParsedResponse a(ask(*snapshot, makeQuery("api.example.test.", KNOT_RRTYPE_A)));
  EXPECT_THAT(a.answer(), ElementsAre("api.example.test. 300 A 198.51.100.1"));
}

TEST_F(SnapshotBuilderTest, RefusesBadManagedInput) {
  EXPECT_EQ(builder_.setAddresses("api.example.test.", KNOT_RRTYPE_A, 30, {"2001:db8::1"})
                .error()
                .message,
            "invalid IPv4 address '2001:db8::1' for api.example.test.");
  EXPECT_FALSE(builder_.setAddresses("api.example.test.", KNOT_RRTYPE_AAAA, 30, {"10.0.0.1"}).ok());
  EXPECT_FALSE(builder_.setAddresses("api.example.test.", KNOT_RRTYPE_TXT, 30, {"10.0.0.1"}).ok());
  EXPECT_EQ(builder_.setAddresses("a..b", KNOT_RRTYPE_A, 30, {"10.0.0.1"}).error().code,
            Errc::kInvalidArgument);

  const Status outside = builder_.setAddresses("api.other.test.", KNOT_RRTYPE_A, 30, {"10.0.0.1"});
  EXPECT_EQ(outside.error().code, Errc::kNotFound);
  EXPECT_EQ(outside.error().message, "no zone encloses api.other.test.");

  const Status cname = builder_.setAddresses("WWW.example.test.", KNOT_RRTYPE_A, 30, {"10.0.0.1"});
  ASSERT_FALSE(cname.ok());
  EXPECT_EQ(cname.error().message,
            "WWW.example.test. holds a CNAME; address records cannot be added beside it");
}

TEST_F(SnapshotBuilderTest, ManagedAddressesGoToTheClosestZone) {
  ASSERT_TRUE(builder_
                  .addZone(zoneFromText("sub.example.test.",
                                        "$TTL 60\n@ SOA ns h 5 7200 900 1209600 60\n@ NS ns\n"))
                  .ok());
  ASSERT_TRUE(builder_.setAddresses("x.sub.example.test.", KNOT_RRTYPE_A, 30, {"10.1.1.1"}).ok());
  const auto snapshot = build();

  const Zone* sub = snapshot->findZone(dns::Name::fromText("x.sub.example.test.")->wire());
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->apex().toText(), "sub.example.test.");
  EXPECT_NE(sub->findNode(dns::Name::fromText("x.sub.example.test.")->wire()), nullptr);
  const Zone* parent = snapshot->zone(kApex);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->findNode(dns::Name::fromText("x.sub.example.test.")->wire()), nullptr);
  EXPECT_EQ(snapshot->zoneCount(), 2u);
}

TEST_F(SnapshotBuilderTest, SerialOffsetsAddUp) {
  ASSERT_TRUE(builder_.addSerialOffset("example.test.", 5).ok());
  ASSERT_TRUE(builder_.addSerialOffset("Example.Test", 2).ok());
  const auto snapshot = build();
  const Zone* zone = snapshot->zone(kApex);
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->serial(), 107u);
  EXPECT_EQ(zone->negativeSoa().soaSerial(), 107u);

  const ParsedResponse soa(ask(*snapshot, makeQuery("example.test.", KNOT_RRTYPE_SOA)));
  EXPECT_THAT(soa.answer(),
              ElementsAre("example.test. 300 SOA ns1.example.test. hostmaster.example.test. 107 "
                          "7200 900 1209600 60"));
  const ParsedResponse negative(ask(*snapshot, makeQuery("none.example.test.", KNOT_RRTYPE_A)));
  EXPECT_THAT(negative.authority(),
              ElementsAre("example.test. 60 SOA ns1.example.test. hostmaster.example.test. 107 "
                          "7200 900 1209600 60"));
}

TEST_F(SnapshotBuilderTest, SerialWrapsAsRfc1982Says) {
  SnapshotBuilder builder;
  ASSERT_TRUE(
      builder
          .addZone(zoneFromText("wrap.test.",
                                "$TTL 60\n@ SOA ns h 4294967290 7200 900 1209600 60\n@ NS ns\n"))
          .ok());
  ASSERT_TRUE(builder.addSerialOffset("wrap.test.", 10).ok());
  auto snapshot = builder.build();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->zone(dns::Name::fromText("wrap.test.").value())->serial(), 4u);
}

TEST_F(SnapshotBuilderTest, RefusesBadSerialOffsets) {
  EXPECT_EQ(builder_.addSerialOffset("example.test.", 0x80000000u).error().code,
            Errc::kInvalidArgument);
  EXPECT_TRUE(builder_.addSerialOffset("example.test.", 0x7fffffffu).ok());
  EXPECT_EQ(builder_.addSerialOffset("other.test.", 1).error().code, Errc::kNotFound);
  EXPECT_EQ(builder_.addSerialOffset("a..b", 1).error().code, Errc::kInvalidArgument);
}

TEST_F(SnapshotBuilderTest, RefusesContentsBreakingInvariants) {
  dns::ZoneContents broken =
      zoneFromText("broken.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n");
  broken.origin = dns::Name::fromText("elsewhere.test.").value();
  EXPECT_EQ(builder_.addZone(std::move(broken)).error().code, Errc::kInvalidArgument);
}

TEST_F(SnapshotBuilderTest, BuildEmptiesTheBuilder) {
  const auto first = build();
  EXPECT_EQ(first->zoneCount(), 1u);
  const auto second = build();
  EXPECT_EQ(second->zoneCount(), 0u);
}

TEST(SnapshotTest, EmptySnapshotRefusesEverything) {
  const Snapshot empty;
  EXPECT_EQ(empty.zoneCount(), 0u);
  EXPECT_EQ(empty.findZone(dns::Name::fromText("example.test.")->wire()), nullptr);
  const ParsedResponse response(ask(empty, makeQuery("example.test.", KNOT_RRTYPE_SOA)));
  EXPECT_EQ(response.rcode(), KNOT_RCODE_REFUSED);
}

TEST(SnapshotTest, FindsTheClosestEnclosingZone) {
  auto snapshot =
      testing::snapshotOf(zoneFromText("test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"),
                          zoneFromText("a.b.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"));
  const auto find = [&](const char* name) -> std::string {
    const Zone* zone = snapshot->findZone(dns::Name::fromText(name)->toLower().wire());
    return zone == nullptr ? "-" : zone->apex().toText();
  };
  EXPECT_EQ(find("x.y.z.a.b.test."), "a.b.test.");
  EXPECT_EQ(find("a.b.test."), "a.b.test.");
  EXPECT_EQ(find("b.test."), "test.");
  EXPECT_EQ(find("test."), "test.");
  EXPECT_EQ(find("."), "-");
  EXPECT_EQ(find("example."), "-");
}

}  // namespace
}  // namespace holdfast::zone
