// Tests for the answer algorithm: positive, negative, CNAME and error answers.
#include "zone/answer.h"

#include <random>
#include <string>
#include <vector>

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
using testing::QueryOptions;
using testing::zoneFromText;

constexpr const char* kExampleZone = R"($TTL 3600
@         IN SOA   ns1 hostmaster 2024010101 7200 900 1209600 300
          IN NS    ns1
ns1       IN A     192.0.2.53
www       IN A     192.0.2.1
www       IN A     192.0.2.2
www       IN TXT   "web"
alias     IN CNAME www
chain1    IN CNAME chain2
chain2    IN CNAME alias
loop1     IN CNAME loop2
loop2     IN CNAME loop1
dangling  IN CNAME nowhere
empty     IN CNAME nothing-here-either.
external  IN CNAME www.elsewhere.example.
cross     IN CNAME www.other.test.
a.b.deep  IN TXT   "deep"
)";

constexpr const char* kOtherZone = R"($TTL 600
@    IN SOA ns1.other.test. hostmaster.other.test. 7 7200 900 1209600 60
@    IN NS  ns1.other.test.
www  IN A   203.0.113.1
)";

class AnswerTest : public ::testing::Test {
protected:
  AnswerTest() {
    snapshot_ = testing::snapshotOf(zoneFromText("example.test.", kExampleZone),
                                    zoneFromText("other.test.", kOtherZone));
  }

  ParsedResponse query(std::string_view name,
                       std::uint16_t type,
                       Transport transport = Transport::kUdp) {
    ParsedResponse response(ask(*snapshot_, makeQuery(name, type), transport));
    EXPECT_TRUE(response.parsed());
    return response;
  }

  std::shared_ptr<const Snapshot> snapshot_;
};

const std::string kNegativeSoa =
    "example.test. 300 SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 900 "
    "1209600 300";

TEST_F(AnswerTest, ExactMatchIsAuthoritative) {
  const auto response = query("www.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_EQ(response.id(), 0x4242);
  EXPECT_TRUE(response.aa());
  EXPECT_TRUE(response.rd());
  EXPECT_FALSE(response.ra());
  EXPECT_FALSE(response.tc());
  EXPECT_THAT(response.answer(), ElementsAre("www.example.test. 3600 A 192.0.2.1",
                                             "www.example.test. 3600 A 192.0.2.2"));
  EXPECT_THAT(response.authority(), IsEmpty());
  EXPECT_FALSE(response.hasEdns());
}

TEST_F(AnswerTest, RecursionDesiredIsCopiedNotSet) {
  QueryOptions options;
  options.recursion_desired = false;
  const ParsedResponse response(
      ask(*snapshot_, makeQuery("www.example.test.", KNOT_RRTYPE_A, options)));
  EXPECT_FALSE(response.rd());
  EXPECT_FALSE(response.ra());
}

// Found by a first-user trial: a query's RCODE bits came back in the answer (NXDOMAIN with an
// answer record). A query carries no RCODE of meaning; the answer has its own.
TEST_F(AnswerTest, TheQuerysRcodeBitsAreNotCopied) {
  const std::size_t answers = query("www.example.test.", KNOT_RRTYPE_A).answer().size();
  ASSERT_GT(answers, 0u);
  for (const std::uint8_t rcode : {1, 2, 3, 5, 15}) {
    auto wire = makeQuery("www.example.test.", KNOT_RRTYPE_A);
    wire[3] = static_cast<std::uint8_t>(wire[3] | rcode);
    const ParsedResponse response(ask(*snapshot_, wire));
    EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR) << int{rcode};
    EXPECT_EQ(response.answer().size(), answers) << int{rcode};
  }
}

TEST_F(AnswerTest, PreservesTheCaseOfTheQuestion) {
  const auto query_wire = makeQuery("wWw.ExAmPlE.tEsT.", KNOT_RRTYPE_A);
  const ParsedResponse response(ask(*snapshot_, query_wire));
  EXPECT_EQ(response.questionName(), "wWw.ExAmPlE.tEsT.");
  EXPECT_THAT(response.answer(), ElementsAre("wWw.ExAmPlE.tEsT. 3600 A 192.0.2.1",
                                             "wWw.ExAmPlE.tEsT. 3600 A 192.0.2.2"));

  // The question bytes are copied as received and each owner points back at them.
  const auto& wire = response.wire();
  const std::size_t question_end = query_wire.size();
  EXPECT_TRUE(std::equal(query_wire.begin() + KNOT_WIRE_HEADER_SIZE, query_wire.end(),
                         wire.begin() + KNOT_WIRE_HEADER_SIZE));
  EXPECT_EQ(wire[question_end], 0xc0);
  EXPECT_EQ(wire[question_end + 1], KNOT_WIRE_HEADER_SIZE);
}

TEST_F(AnswerTest, NodataCarriesTheSoaWithTheNegativeTtl) {
  const auto response = query("www.example.test.", KNOT_RRTYPE_AAAA);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_TRUE(response.aa());
  EXPECT_THAT(response.answer(), IsEmpty());
  EXPECT_THAT(response.authority(), ElementsAre(kNegativeSoa));
}

TEST_F(AnswerTest, NxdomainCarriesTheSoaWithTheNegativeTtl) {
  const auto response = query("nope.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NXDOMAIN);
  EXPECT_TRUE(response.aa());
  EXPECT_THAT(response.answer(), IsEmpty());
  EXPECT_THAT(response.authority(), ElementsAre(kNegativeSoa));

  const auto below = query("x.www.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(below.rcode(), KNOT_RCODE_NXDOMAIN);
}

TEST_F(AnswerTest, NegativeTtlIsTheSoaTtlWhenSmallerThanMinimum) {
  // RFC 2308 section 3: min(SOA TTL 600, MINIMUM 60) for other.test., and a zone where the TTL
  // is the smaller of the two.
  const auto other = query("nope.other.test.", KNOT_RRTYPE_A);
  ASSERT_EQ(other.authority().size(), 1u);
  EXPECT_EQ(other.authority()[0].substr(0, 15), "other.test. 60 ");

  auto snapshot = testing::snapshotOf(zoneFromText(
      "low.test.", "low.test. 30 IN SOA ns hostmaster 1 7200 900 1209600 900\nlow.test. NS ns\n"));
  const ParsedResponse response(ask(*snapshot, makeQuery("x.low.test.", KNOT_RRTYPE_A)));
  ASSERT_EQ(response.authority().size(), 1u);
  EXPECT_EQ(response.authority()[0].substr(0, 13), "low.test. 30 ");
}

TEST_F(AnswerTest, EmptyNonTerminalsAreNodata) {
  for (const char* name : {"deep.example.test.", "b.deep.example.test."}) {
    const auto response = query(name, KNOT_RRTYPE_A);
    EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR) << name;
    EXPECT_THAT(response.answer(), IsEmpty());
    EXPECT_THAT(response.authority(), ElementsAre(kNegativeSoa));
  }
  EXPECT_THAT(query("a.b.deep.example.test.", KNOT_RRTYPE_TXT).answer(),
              ElementsAre("a.b.deep.example.test. 3600 TXT \"deep\""));
}

TEST_F(AnswerTest, ApexAnswersSoaAndNs) {
  EXPECT_THAT(query("example.test.", KNOT_RRTYPE_SOA).answer(),
              ElementsAre("example.test. 3600 SOA ns1.example.test. hostmaster.example.test. "
                          "2024010101 7200 900 1209600 300"));
  // Names in rdata are compressed against the question, so they take its case too.
  EXPECT_THAT(query("EXAMPLE.test.", KNOT_RRTYPE_NS).answer(),
              ElementsAre("EXAMPLE.test. 3600 NS ns1.EXAMPLE.test."));
}

TEST_F(AnswerTest, RefusesNamesOutsideOurZones) {
  for (const char* name : {"www.unknown.test.", "test.", ".", "example.test.evil."}) {
    const auto response = query(name, KNOT_RRTYPE_A);
    EXPECT_EQ(response.rcode(), KNOT_RCODE_REFUSED) << name;
    EXPECT_FALSE(response.aa());
    EXPECT_THAT(response.answer(), IsEmpty());
    EXPECT_THAT(response.authority(), IsEmpty());
  }
}

TEST_F(AnswerTest, FollowsCnameChains) {
  EXPECT_THAT(
      query("alias.example.test.", KNOT_RRTYPE_A).answer(),
      ElementsAre("alias.example.test. 3600 CNAME www.example.test.",
                  "www.example.test. 3600 A 192.0.2.1", "www.example.test. 3600 A 192.0.2.2"));
  const auto chain = query("chain1.example.test.", KNOT_RRTYPE_TXT);
  EXPECT_EQ(chain.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_TRUE(chain.aa());
  EXPECT_THAT(chain.answer(), ElementsAre("chain1.example.test. 3600 CNAME chain2.example.test.",
                                          "chain2.example.test. 3600 CNAME alias.example.test.",
                                          "alias.example.test. 3600 CNAME www.example.test.",
                                          "www.example.test. 3600 TXT \"web\""));
}

TEST_F(AnswerTest, CnameQueriesGetTheCnameOnly) {
  EXPECT_THAT(query("alias.example.test.", KNOT_RRTYPE_CNAME).answer(),
              ElementsAre("alias.example.test. 3600 CNAME www.example.test."));
}

TEST_F(AnswerTest, CnameChainEndsGiveTheRightRcode) {
  const auto nodata = query("alias.example.test.", KNOT_RRTYPE_AAAA);
  EXPECT_EQ(nodata.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_EQ(nodata.answer().size(), 1u);
  EXPECT_THAT(nodata.authority(), ElementsAre(kNegativeSoa));

  // RFC 6604: the rcode describes the last name of the chain.
  const auto dangling = query("dangling.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(dangling.rcode(), KNOT_RCODE_NXDOMAIN);
  EXPECT_TRUE(dangling.aa());
  EXPECT_THAT(dangling.answer(),
              ElementsAre("dangling.example.test. 3600 CNAME nowhere.example.test."));
  EXPECT_THAT(dangling.authority(), ElementsAre(kNegativeSoa));

  // A target outside every zone is left to the client.
  const auto external = query("external.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(external.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(external.answer(),
              ElementsAre("external.example.test. 3600 CNAME www.elsewhere.example."));
  EXPECT_THAT(external.authority(), IsEmpty());
}

TEST_F(AnswerTest, CnameChainsCrossZonesOfTheSnapshot) {
  EXPECT_THAT(query("cross.example.test.", KNOT_RRTYPE_A).answer(),
              ElementsAre("cross.example.test. 3600 CNAME www.other.test.",
                          "www.other.test. 600 A 203.0.113.1"));
}

TEST_F(AnswerTest, CnameLoopsStop) {
  const auto response = query("loop1.example.test.", KNOT_RRTYPE_A);
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(response.answer(), ElementsAre("loop1.example.test. 3600 CNAME loop2.example.test.",
                                             "loop2.example.test. 3600 CNAME loop1.example.test."));
}

TEST_F(AnswerTest, LongCnameChainsAreCut) {
  std::string text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n";
  for (int i = 0; i < 12; ++i) {
    text += "c" + std::to_string(i) + " CNAME c" + std::to_string(i + 1) + "\n";
  }
  text += "c12 A 192.0.2.9\n";
  auto snapshot = testing::snapshotOf(zoneFromText("long.test.", text));
  const ParsedResponse response(ask(*snapshot, makeQuery("c0.long.test.", KNOT_RRTYPE_A)));
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_EQ(response.answer().size(), kMaxCnameChain);
  EXPECT_THAT(response.authority(), IsEmpty());

  // The name the last alias leads to is still answered when it holds the data.
  const auto last = "c" + std::to_string(12 - kMaxCnameChain) + ".long.test.";
  const ParsedResponse full(ask(*snapshot, makeQuery(last, KNOT_RRTYPE_A)));
  ASSERT_EQ(full.answer().size(), kMaxCnameChain + 1);
  EXPECT_EQ(full.answer().back(), "c12.long.test. 60 A 192.0.2.9");
}

// With QTYPE CNAME the CNAME synthesized from a DNAME is the answer and is not chased.
TEST_F(AnswerTest, CnameQueryBelowADnameGetsTheSynthesizedCname) {
  auto snapshot = testing::snapshotOf(zoneFromText(
      "d.test.", "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nd DNAME t.d.test.\nx.t CNAME y\n"));
  const ParsedResponse response(ask(*snapshot, makeQuery("x.d.d.test.", KNOT_RRTYPE_CNAME)));
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(response.answer(),
              ElementsAre("d.d.test. 60 DNAME t.d.test.", "x.d.d.test. 60 CNAME x.t.d.test."));
  EXPECT_THAT(response.authority(), IsEmpty());
}

TEST_F(AnswerTest, AnyGivesOneRRsetOverUdpAndAllOverTcp) {
  EXPECT_THAT(
      query("www.example.test.", KNOT_RRTYPE_ANY).answer(),
      ElementsAre("www.example.test. 3600 A 192.0.2.1", "www.example.test. 3600 A 192.0.2.2"));
  EXPECT_EQ(query("www.example.test.", KNOT_RRTYPE_ANY, Transport::kTcp).answer().size(), 3u);
  const auto ent = query("deep.example.test.", KNOT_RRTYPE_ANY);
  EXPECT_EQ(ent.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(ent.authority(), ElementsAre(kNegativeSoa));
}

TEST_F(AnswerTest, RefusesOtherClasses) {
  QueryOptions options;
  options.qclass = KNOT_CLASS_CH;
  const ParsedResponse response(
      ask(*snapshot_, makeQuery("www.example.test.", KNOT_RRTYPE_A, options)));
  EXPECT_EQ(response.rcode(), KNOT_RCODE_REFUSED);
  EXPECT_FALSE(response.aa());
  EXPECT_THAT(response.answer(), IsEmpty());
}

TEST_F(AnswerTest, ZoneTransfersAreNotImplemented) {
  EXPECT_EQ(query("example.test.", KNOT_RRTYPE_AXFR, Transport::kTcp).rcode(), KNOT_RCODE_NOTIMPL);
  EXPECT_EQ(query("example.test.", KNOT_RRTYPE_IXFR).rcode(), KNOT_RCODE_NOTIMPL);
}

TEST_F(AnswerTest, OtherOpcodesAreNotImplemented) {
  auto wire = makeQuery("example.test.", KNOT_RRTYPE_SOA);
  knot_wire_set_opcode(wire.data(), KNOT_OPCODE_NOTIFY);
  const ParsedResponse response(ask(*snapshot_, wire));
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOTIMPL);
  EXPECT_EQ(knot_wire_get_opcode(response.wire().data()), KNOT_OPCODE_NOTIFY);
  EXPECT_EQ(response.id(), 0x4242);
}

TEST_F(AnswerTest, NothingIsSentForResponsesOrRunts) {
  auto wire = makeQuery("www.example.test.", KNOT_RRTYPE_A);
  knot_wire_set_qr(wire.data());
  EXPECT_TRUE(ask(*snapshot_, wire).empty());
  for (std::size_t size = 0; size < KNOT_WIRE_HEADER_SIZE; ++size) {
    EXPECT_TRUE(ask(*snapshot_, std::vector<std::uint8_t>(size, 0)).empty());
  }
}

TEST_F(AnswerTest, WrongQuestionCountIsFormerr) {
  for (const std::uint16_t count : {0, 2}) {
    auto wire = makeQuery("www.example.test.", KNOT_RRTYPE_A);
    knot_wire_set_qdcount(wire.data(), count);
    const auto response = ask(*snapshot_, wire);
    ASSERT_EQ(response.size(), KNOT_WIRE_HEADER_SIZE);
    EXPECT_EQ(knot_wire_get_rcode(response.data()), KNOT_RCODE_FORMERR);
    EXPECT_NE(knot_wire_get_qr(response.data()), 0);
    EXPECT_EQ(knot_wire_get_qdcount(response.data()), 0);
  }
}

TEST_F(AnswerTest, MalformedQueriesGetFormerrAndNeverCrash) {
  const auto good = makeQuery("www.example.test.", KNOT_RRTYPE_A, {.edns_payload = 1232});

  // Every truncation of a good query.
  for (std::size_t size = KNOT_WIRE_HEADER_SIZE; size < good.size(); ++size) {
    const std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<long>(size));
    const auto response = ask(*snapshot_, cut);
    ASSERT_EQ(response.size(), KNOT_WIRE_HEADER_SIZE) << size;
    EXPECT_EQ(knot_wire_get_rcode(response.data()), KNOT_RCODE_FORMERR);
  }

  // Random bytes behind a plausible header, and random corruptions of the good query.
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> wire = good;
    if (round % 2 == 0) {
      wire.resize(KNOT_WIRE_HEADER_SIZE + random() % 300);
      for (std::size_t i = KNOT_WIRE_HEADER_SIZE; i < wire.size(); ++i) {
        wire[i] = static_cast<std::uint8_t>(random());
      }
    } else {
      for (int flips = 0; flips < 3; ++flips) {
        wire[random() % wire.size()] = static_cast<std::uint8_t>(random());
      }
    }
    for (const Transport transport : {Transport::kUdp, Transport::kTcp}) {
      std::vector<std::uint8_t> out(600);
      const std::size_t size = answerQuery(*snapshot_, wire, out, transport);
      EXPECT_LE(size, out.size());
    }
  }
}

}  // namespace
}  // namespace holdfast::zone
