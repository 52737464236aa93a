// Tests for synthesized answers: wildcards (RFC 4592) and DNAME (RFC 6672).
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "zone/answer.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::makeQuery;
using testing::ParsedResponse;
using testing::zoneFromText;

constexpr const char* kZone = R"($TTL 3600
@             SOA   ns1 hostmaster 1 7200 900 1209600 300
@             NS    ns1
ns1           A     192.0.2.53
www           A     192.0.2.1
*             TXT   "apex wildcard"
*.wild        A     192.0.2.200
*.wild        MX    10 mail.wild
exists.wild   TXT   "real"
a.ent.wild    TXT   "below an empty non-terminal"
*.cn          CNAME www
*.loop        CNAME x.loop
*.sub         A     192.0.2.201
sub           NS    ns.elsewhere.test.
d             DNAME target.test.
dn            DNAME www
chain         CNAME q.d
long          DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.test.
)";

constexpr const char* kTargetZone = R"($TTL 600
@     SOA   ns1.target.test. hostmaster.target.test. 1 7200 900 1209600 60
@     NS    ns1.target.test.
ns1   A     198.51.100.53
www   A     198.51.100.1
)";

class SynthesisTest : public ::testing::Test {
protected:
  SynthesisTest()
      : snapshot_(testing::snapshotOf(zoneFromText("example.test.", kZone),
                                      zoneFromText("target.test.", kTargetZone))) {}

  ParsedResponse query(std::string_view name,
                       std::uint16_t type,
                       Transport transport = Transport::kUdp) {
    ParsedResponse response(ask(*snapshot_, makeQuery(name, type), transport));
    EXPECT_TRUE(response.parsed());
    return response;
  }

  std::shared_ptr<const Snapshot> snapshot_;
};

const std::string kSoa =
    "example.test. 300 SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300";

// RFC 4592 section 3.3.1: the wildcard's RRset, owned by the name asked for.
TEST_F(SynthesisTest, WildcardSynthesizesWithTheQueryNameRfc4592Section3_3_1) {
  const auto response = query("Host.Wild.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_TRUE(response.aa());
  EXPECT_THAT(response.answer(), ElementsAre("Host.Wild.example.test. 3600 A 192.0.2.200"));

  // Any depth below the closest encloser.
  EXPECT_THAT(query("a.b.c.wild.example.test.", KNOT_RRTYPE_A).answer(),
              ElementsAre("a.b.c.wild.example.test. 3600 A 192.0.2.200"));
  EXPECT_THAT(query("other.example.test.", KNOT_RRTYPE_TXT).answer(),
              ElementsAre("other.example.test. 3600 TXT \"apex wildcard\""));
}

// RFC 4592 section 2.2.1: the wildcard owner itself is an ordinary name.
TEST_F(SynthesisTest, TheWildcardOwnerAnswersForItself) {
  EXPECT_THAT(query("*.wild.example.test.", KNOT_RRTYPE_A).answer(),
              ElementsAre("*.wild.example.test. 3600 A 192.0.2.200"));
}

// RFC 4592 section 2.2.2 and 3.3.1: a name that exists, or an empty non-terminal, is never
// matched by a wildcard, and neither is anything below one.
TEST_F(SynthesisTest, ExistingNamesAndEmptyNonTerminalsBlockTheWildcardRfc4592Section2_2) {
  const auto existing = query("exists.wild.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(existing.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(existing.answer(), IsEmpty());
  EXPECT_THAT(existing.authority(), ElementsAre(kSoa));

  const auto ent = query("ent.wild.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(ent.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(ent.answer(), IsEmpty());

  // Below an existing name or an ENT the closest encloser is that name: no wildcard there.
  for (const char* name : {"x.exists.wild.example.test.", "x.ent.wild.example.test."}) {
    const auto below = query(name, KNOT_RRTYPE_A);
    EXPECT_EQ(below.rcode(), KNOT_RCODE_NXDOMAIN) << name;
    EXPECT_THAT(below.authority(), ElementsAre(kSoa));
  }
}

// NODATA from a wildcard: NOERROR with the SOA (RFC 4592 section 3.3.1, RFC 2308 section 2.2).
TEST_F(SynthesisTest, WildcardWithoutTheTypeIsNodata) {
  const auto response = query("x.wild.example.test.", KNOT_RRTYPE_AAAA);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_TRUE(response.aa());
  EXPECT_THAT(response.answer(), IsEmpty());
  EXPECT_THAT(response.authority(), ElementsAre(kSoa));
}

TEST_F(SynthesisTest, WildcardCnameIsSynthesizedAndFollowed) {
  const auto response = query("anything.cn.example.test.", KNOT_RRTYPE_A);
  EXPECT_TRUE(response.aa());
  EXPECT_THAT(response.answer(),
              ElementsAre("anything.cn.example.test. 3600 CNAME www.example.test.",
                          "www.example.test. 3600 A 192.0.2.1"));

  // A wildcard CNAME whose target the same wildcard covers: the target's own (synthesized)
  // CNAME points back at it, a loop that ends when the name comes back (RFC 1034 section 3.6.2).
  const auto loop = query("a.loop.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(loop.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(loop.answer(), ElementsAre("a.loop.example.test. 3600 CNAME x.loop.example.test.",
                                         "x.loop.example.test. 3600 CNAME x.loop.example.test."));
}

TEST_F(SynthesisTest, WildcardAnyOverTcpAndMxAdditionals) {
  const auto any = query("q.wild.example.test.", KNOT_RRTYPE_ANY, Transport::kTcp);
  EXPECT_THAT(any.answer(), ElementsAre("q.wild.example.test. 3600 A 192.0.2.200",
                                        "q.wild.example.test. 3600 MX 10 mail.wild.example.test."));
  // The MX target is itself covered by the wildcard.
  EXPECT_THAT(any.additional(), ElementsAre("mail.wild.example.test. 3600 A 192.0.2.200"));
}

// A wildcard never reaches across a zone cut (RFC 4592 section 2.2.1 and RFC 1034 step 3b).
TEST_F(SynthesisTest, WildcardBelowACutIsAReferral) {
  const auto response = query("x.sub.example.test.", KNOT_RRTYPE_A);
  EXPECT_FALSE(response.aa());
  EXPECT_THAT(response.answer(), IsEmpty());
  EXPECT_THAT(response.authority(), ElementsAre("sub.example.test. 3600 NS ns.elsewhere.test."));
}

// RFC 6672 section 3.1: the DNAME, then a CNAME from the query name to the substituted name, with
// the DNAME's TTL, then the target followed (here into the other zone).
TEST_F(SynthesisTest, DnameSynthesizesACnameRfc6672Section3_1) {
  const auto response = query("WWW.D.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_TRUE(response.aa());
  // The DNAME owner is compressed against the question, so it takes the question's case; the
  // synthesized name is lowercase.
  EXPECT_THAT(response.answer(), ElementsAre("D.example.test. 3600 DNAME target.test.",
                                             "WWW.D.example.test. 3600 CNAME www.target.test.",
                                             "www.target.test. 600 A 198.51.100.1"));

  // The end of the chain decides the rcode (RFC 6604).
  const auto missing = query("nope.d.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(missing.rcode(), KNOT_RCODE_NXDOMAIN);
  EXPECT_EQ(missing.answer().size(), 2u);
  ASSERT_EQ(missing.authority().size(), 1u);
  EXPECT_THAT(missing.authority()[0], ::testing::StartsWith("target.test. 60 SOA"));
}

// RFC 6672 section 2.3: the DNAME owner itself is not redirected.
TEST_F(SynthesisTest, DnameOwnerAnswersForItself) {
  EXPECT_THAT(query("d.example.test.", KNOT_RRTYPE_DNAME).answer(),
              ElementsAre("d.example.test. 3600 DNAME target.test."));
  const auto a = query("d.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(a.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(a.answer(), IsEmpty());
}

TEST_F(SynthesisTest, DnameInsideTheZoneAndBehindACname) {
  EXPECT_THAT(query("x.dn.example.test.", KNOT_RRTYPE_A).answer(),
              ElementsAre("dn.example.test. 3600 DNAME www.example.test.",
                          "x.dn.example.test. 3600 CNAME x.www.example.test."));
  EXPECT_THAT(query("chain.example.test.", KNOT_RRTYPE_A).answer(),
              ElementsAre("chain.example.test. 3600 CNAME q.d.example.test.",
                          "d.example.test. 3600 DNAME target.test.",
                          "q.d.example.test. 3600 CNAME q.target.test."));
}

// A DNAME whose target lies below itself keeps rewriting to new names: the chain limit ends it,
// the DNAME written once. One that maps a name onto itself is a loop that ends at once.
TEST_F(SynthesisTest, DnameChainsEndAtTheLimitOrAtALoop) {
  auto snapshot = testing::snapshotOf(
      zoneFromText("loop.test.",
                   "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\ngrow DNAME a.grow.loop.test.\n"
                   "self DNAME self.loop.test.\n"));
  const ParsedResponse grow(ask(*snapshot, makeQuery("x.grow.loop.test.", KNOT_RRTYPE_A)));
  EXPECT_EQ(grow.rcode(), KNOT_RCODE_NOERROR);
  ASSERT_EQ(grow.answer().size(), 1 + kMaxCnameChain);
  EXPECT_EQ(grow.answer()[0], "grow.loop.test. 60 DNAME a.grow.loop.test.");

  const ParsedResponse self(ask(*snapshot, makeQuery("x.self.loop.test.", KNOT_RRTYPE_A)));
  EXPECT_EQ(self.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(self.answer(), ElementsAre("self.loop.test. 60 DNAME self.loop.test.",
                                         "x.self.loop.test. 60 CNAME x.self.loop.test."));
}

// RFC 6672 section 2.2: a substituted name over 255 octets is YXDOMAIN, the DNAME alone answers.
TEST_F(SynthesisTest, DnameOverflowIsYxdomainRfc6672Section2_2) {
  // The target is 198 octets: a first label of 63 octets makes 262.
  const std::string name = std::string(63, 'b') + ".long.example.test.";
  const auto response = query(name, KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_YXDOMAIN);
  EXPECT_TRUE(response.aa());
  ASSERT_EQ(response.answer().size(), 1u);
  EXPECT_THAT(response.answer()[0], ::testing::StartsWith("long.example.test. 3600 DNAME"));

  // A short label fits; the target lies outside our zones, so the chain ends there.
  const auto fits = query("x.long.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(fits.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_EQ(fits.answer().size(), 2u);
}

}  // namespace
}  // namespace holdfast::zone
