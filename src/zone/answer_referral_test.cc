// Tests for zone cuts (RFC 1034 section 4.3.2 step 3b, RFC 4035 section 3.1.4.1, RFC 9471) and
// additional section processing (RFC 1034 section 4.3.2 step 6).
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone/answer.h"
#include "zone/snapshot_builder.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::makeQuery;
using testing::ParsedResponse;
using testing::QueryOptions;
using ::testing::UnorderedElementsAre;
using testing::zoneFromText;

constexpr const char* kZone = R"($TTL 3600
@          SOA   ns1 hostmaster 1 7200 900 1209600 300
@          NS    ns1
@          NS    ns.sub
@          MX    10 mail
@          MX    20 mail
@          MX    30 host.wild
ns1        A     192.0.2.53
ns1        AAAA  2001:db8::53
mail       A     192.0.2.25
sub        NS    ns.sub
sub        NS    ns1
sub        NS    ns.elsewhere.test.
sub        DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub     A     192.0.2.100
ns.sub     AAAA  2001:db8::100
deep.sub   TXT   "occluded"
alias.sub  CNAME www
unsigned   NS    ns.elsewhere.test.
*.wild     A     192.0.2.200
www        A     192.0.2.1
to-sub     CNAME x.deep.sub
_sip._udp  SRV   10 5 5060 mail
_sip._tcp  SRV   10 5 5060 nowhere
)";

class ReferralTest : public ::testing::Test {
protected:
  ReferralTest() : snapshot_(testing::snapshotOf(zoneFromText("example.test.", kZone))) {}

  ParsedResponse query(std::string_view name, std::uint16_t type) {
    ParsedResponse response(ask(*snapshot_, makeQuery(name, type)));
    EXPECT_TRUE(response.parsed());
    return response;
  }

  std::shared_ptr<const Snapshot> snapshot_;
};

const char* const kSubNs[] = {"sub.example.test. 3600 NS ns.sub.example.test.",
                              "sub.example.test. 3600 NS ns1.example.test.",
                              "sub.example.test. 3600 NS ns.elsewhere.test."};

// RFC 1034 section 4.3.2 step 3b: NS of the cut in authority, glue in additional, AA clear.
TEST_F(ReferralTest, NamesBelowACutGetAReferralRfc1034Step3b) {
  for (const char* name : {"x.sub.example.test.", "a.b.sub.example.test.", "sub.example.test."}) {
    const auto response = query(name, KNOT_RRTYPE_A);
    EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR) << name;
    EXPECT_FALSE(response.aa()) << name;
    EXPECT_THAT(response.answer(), IsEmpty()) << name;
    EXPECT_THAT(response.authority(), UnorderedElementsAre(kSubNs[0], kSubNs[1], kSubNs[2]));
    EXPECT_THAT(response.additional(),
                UnorderedElementsAre("ns.sub.example.test. 3600 A 192.0.2.100",
                                     "ns.sub.example.test. 3600 AAAA 2001:db8::100",
                                     "ns1.example.test. 3600 A 192.0.2.53",
                                     "ns1.example.test. 3600 AAAA 2001:db8::53"))
        << name;
  }
}

// Data below a cut is not authoritative: glue, occluded names and CNAMEs all refer.
TEST_F(ReferralTest, NothingBelowACutIsAnsweredRfc1034Section4_2_1) {
  for (const char* name : {"ns.sub.example.test.", "deep.sub.example.test.",
                           "alias.sub.example.test.", "nope.deep.sub.example.test."}) {
    for (const std::uint16_t type : {KNOT_RRTYPE_A, KNOT_RRTYPE_TXT, KNOT_RRTYPE_CNAME}) {
      const auto response = query(name, type);
      EXPECT_FALSE(response.aa()) << name;
      EXPECT_THAT(response.answer(), IsEmpty()) << name;
      EXPECT_EQ(response.authority().size(), 3u) << name;
    }
  }
}

TEST_F(ReferralTest, NsAndAnyAtTheCutAreReferrals) {
  for (const std::uint16_t type : {KNOT_RRTYPE_NS, KNOT_RRTYPE_ANY, KNOT_RRTYPE_SOA}) {
    const auto response = query("sub.example.test.", type);
    EXPECT_FALSE(response.aa());
    EXPECT_THAT(response.answer(), IsEmpty());
    EXPECT_EQ(response.authority().size(), 3u);
  }
}

// RFC 4035 section 3.1.4.1: DS lives on the parent side of the cut and is answered from there.
TEST_F(ReferralTest, DsAtTheCutIsAnsweredByTheParentRfc4035Section3_1_4_1) {
  const auto ds = query("sub.example.test.", KNOT_RRTYPE_DS);
  EXPECT_TRUE(ds.aa());
  EXPECT_EQ(ds.rcode(), KNOT_RCODE_NOERROR);
  ASSERT_EQ(ds.answer().size(), 1u);
  EXPECT_THAT(ds.answer()[0], ::testing::StartsWith("sub.example.test. 3600 DS 12345 13 2"));

  const auto none = query("unsigned.example.test.", KNOT_RRTYPE_DS);
  EXPECT_TRUE(none.aa());
  EXPECT_EQ(none.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(none.answer(), IsEmpty());
  ASSERT_EQ(none.authority().size(), 1u);
  EXPECT_THAT(none.authority()[0], ::testing::StartsWith("example.test. 300 SOA"));

  // Below the cut, DS belongs to the child: a referral.
  EXPECT_FALSE(query("x.sub.example.test.", KNOT_RRTYPE_DS).aa());
}

TEST_F(ReferralTest, DsForTheApexOfAChildZoneWeServeComesFromTheParent) {
  auto snapshot = testing::snapshotOf(
      zoneFromText("example.test.", kZone),
      zoneFromText("sub.example.test.",
                   "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nwww A 192.0.2.7\n"));
  const ParsedResponse ds(ask(*snapshot, makeQuery("sub.example.test.", KNOT_RRTYPE_DS)));
  EXPECT_TRUE(ds.aa());
  ASSERT_EQ(ds.answer().size(), 1u);
  EXPECT_THAT(ds.answer()[0], ::testing::StartsWith("sub.example.test. 3600 DS"));

  // Everything else at and below the child apex comes from the child zone.
  const ParsedResponse child(ask(*snapshot, makeQuery("www.sub.example.test.", KNOT_RRTYPE_A)));
  EXPECT_TRUE(child.aa());
  EXPECT_THAT(child.answer(), ElementsAre("www.sub.example.test. 60 A 192.0.2.7"));
}

// An alias that leads below a cut ends in a referral; AA stays, set by the alias.
TEST_F(ReferralTest, CnameIntoADelegationEndsInAReferral) {
  const auto response = query("to-sub.example.test.", KNOT_RRTYPE_A);
  EXPECT_TRUE(response.aa());
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(response.answer(),
              ElementsAre("to-sub.example.test. 3600 CNAME x.deep.sub.example.test."));
  EXPECT_EQ(response.authority().size(), 3u);
}

// RFC 1034 section 4.3.2 step 6: addresses of in-zone NS, MX and SRV targets, once each, from
// wildcards too.
TEST_F(ReferralTest, AdditionalSectionHoldsTargetAddresses) {
  const auto ns = query("example.test.", KNOT_RRTYPE_NS);
  EXPECT_THAT(ns.additional(),
              UnorderedElementsAre("ns1.example.test. 3600 A 192.0.2.53",
                                   "ns1.example.test. 3600 AAAA 2001:db8::53",
                                   "ns.sub.example.test. 3600 A 192.0.2.100",
                                   "ns.sub.example.test. 3600 AAAA 2001:db8::100"));

  const auto mx = query("example.test.", KNOT_RRTYPE_MX);
  EXPECT_THAT(mx.additional(), UnorderedElementsAre("mail.example.test. 3600 A 192.0.2.25",
                                                    "host.wild.example.test. 3600 A 192.0.2.200"));

  EXPECT_THAT(query("_sip._udp.example.test.", KNOT_RRTYPE_SRV).additional(),
              ElementsAre("mail.example.test. 3600 A 192.0.2.25"));
  EXPECT_THAT(query("_sip._tcp.example.test.", KNOT_RRTYPE_SRV).additional(), IsEmpty());
  EXPECT_THAT(query("www.example.test.", KNOT_RRTYPE_A).additional(), IsEmpty());
}

// Additional records that do not fit are left out without TC; in-domain glue of a referral must
// fit or the response is truncated (RFC 9471 section 3.1).
TEST(ReferralSizeTest, OptionalAdditionalIsDroppedRequiredGlueTruncates) {
  std::string text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
  for (int i = 0; i < 20; ++i) {
    const std::string host = "host-with-a-long-name-" + std::to_string(i);
    text += "@ NS " + host + "\n" + host + " A 192.0.2." + std::to_string(i + 10) + "\n" + host +
            " AAAA 2001:db8::" + std::to_string(i + 10) + "\n";
    text += "big NS " + host + ".big\n" + host + ".big A 192.0.2." + std::to_string(i + 10) + "\n" +
            host + ".big AAAA 2001:db8::" + std::to_string(i + 10) + "\n";
  }
  auto snapshot = testing::snapshotOf(zoneFromText("size.test.", text));

  QueryOptions edns;
  edns.edns_payload = kEdnsUdpPayload;
  const ParsedResponse ns(ask(*snapshot, makeQuery("size.test.", KNOT_RRTYPE_NS, edns)));
  EXPECT_FALSE(ns.tc());
  EXPECT_EQ(ns.answer().size(), 21u);
  EXPECT_GT(ns.additional().size(), 0u);
  EXPECT_LT(ns.additional().size(), 41u);
  EXPECT_LE(ns.wire().size(), kEdnsUdpPayload);

  const ParsedResponse referral(ask(*snapshot, makeQuery("x.big.size.test.", KNOT_RRTYPE_A, edns)));
  EXPECT_TRUE(referral.tc());
  EXPECT_THAT(referral.authority(), IsEmpty());

  const ParsedResponse tcp(
      ask(*snapshot, makeQuery("x.big.size.test.", KNOT_RRTYPE_A), Transport::kTcp));
  EXPECT_FALSE(tcp.tc());
  EXPECT_EQ(tcp.authority().size(), 20u);
  EXPECT_EQ(tcp.additional().size(), 40u);
}

// Found by a first-user trial: when an optional additional record did not fit, libknot's
// compression state kept pointing into the part of the buffer the failed write had used, and
// the next record's name compression looped for ever on those stale octets (one query spun a
// worker at 100% CPU). Every payload size must give an answer that fits.
TEST(ReferralSizeTest, AdditionalRecordsThatDoNotFitNeverStallTheAnswer) {
  const auto check = [](int targets, std::optional<std::uint16_t> payload) {
    std::string text = "$TTL 300\n@ SOA ns. h. 1 1 1 1 1\n@ NS ns\nns A 127.0.0.1\n";
    for (int i = 1; i <= targets; ++i) {
      const std::string host = "mx" + std::to_string(i);
      text += "mx MX " + std::to_string(i) + " " + host + "\n" + host + " A 10.2.0." +
              std::to_string(i) + "\n" + host + " AAAA 2001:db8::2:" + std::to_string(i) + "\n";
    }
    auto snapshot = testing::snapshotOf(zoneFromText("m.test.", text));
    QueryOptions options;
    options.edns_payload = payload;
    const ParsedResponse mx(ask(*snapshot, makeQuery("mx.m.test.", KNOT_RRTYPE_MX, options)));
    EXPECT_FALSE(mx.tc()) << targets;
    EXPECT_EQ(mx.answer().size(), static_cast<std::size_t>(targets));
    EXPECT_GT(mx.additional().size(), 0u) << targets;
    EXPECT_LE(mx.wire().size(), std::max<std::size_t>(payload.value_or(512), 512)) << targets;
  };
  check(9, std::nullopt);
  check(9, 512);
  check(12, 513);
  check(39, 1232);
}

TEST(ReferralManagedTest, ManagedNamesAtOrBelowACutAreRefused) {
  SnapshotBuilder builder;
  ASSERT_TRUE(builder.addZone(zoneFromText("example.test.", kZone)).ok());
  for (const char* name : {"sub.example.test.", "x.sub.example.test."}) {
    const Status status = builder.setAddresses(name, KNOT_RRTYPE_A, 30, {"192.0.2.9"});
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.error().code, Errc::kInvalidArgument);
    EXPECT_THAT(status.error().message, ::testing::HasSubstr("delegation sub.example.test."));
  }
}

}  // namespace
}  // namespace holdfast::zone
