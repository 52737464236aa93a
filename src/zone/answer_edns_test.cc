// Tests for EDNS handling, size limits and truncation of the answer algorithm.
#include <array>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dns/arena.h"
#include "zone/answer.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using testing::ask;
using ::testing::IsEmpty;
using testing::makeQuery;
using testing::ParsedResponse;
using testing::QueryOptions;
using testing::zoneFromText;

// `count` A records at big.size.test.: each costs 16 octets in a response (owner pointer, type,
// class, TTL, length, address).
std::string zoneWithBigRRset(int count) {
  std::string text = "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n";
  for (int i = 0; i < count; ++i) {
    text += "big A 10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + "\n";
  }
  text += "small A 192.0.2.1\n";
  return text;
}

class EdnsTest : public ::testing::Test {
protected:
  EdnsTest() {
    // 40 records: 640 octets of answer, over 512 but under 1232.
    medium_ = testing::snapshotOf(zoneFromText("size.test.", zoneWithBigRRset(40)));
    // 100 records: 1600 octets, over 1232.
    large_ = testing::snapshotOf(zoneFromText("size.test.", zoneWithBigRRset(100)));
  }

  static std::vector<std::uint8_t> bigQuery(std::optional<std::uint16_t> payload) {
    QueryOptions options;
    options.edns_payload = payload;
    return makeQuery("big.size.test.", KNOT_RRTYPE_A, options);
  }

  std::shared_ptr<const Snapshot> medium_;
  std::shared_ptr<const Snapshot> large_;
};

TEST_F(EdnsTest, AnswerCarriesOurOptRecord) {
  QueryOptions options;
  options.edns_payload = 4096;
  options.dnssec_ok = true;
  const ParsedResponse response(
      ask(*medium_, makeQuery("small.size.test.", KNOT_RRTYPE_A, options)));
  ASSERT_TRUE(response.parsed());
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  ASSERT_TRUE(response.hasEdns());
  EXPECT_EQ(response.ednsPayload(), kEdnsUdpPayload);
  EXPECT_EQ(response.ednsVersion(), 0);
  EXPECT_TRUE(response.ednsDnssecOk());
  EXPECT_EQ(response.answer().size(), 1u);

  options.dnssec_ok = false;
  const ParsedResponse plain(ask(*medium_, makeQuery("small.size.test.", KNOT_RRTYPE_A, options)));
  EXPECT_FALSE(plain.ednsDnssecOk());
}

TEST_F(EdnsTest, UnknownVersionGetsBadvers) {
  QueryOptions options;
  options.edns_payload = 1232;
  options.edns_version = 1;
  const ParsedResponse response(
      ask(*medium_, makeQuery("small.size.test.", KNOT_RRTYPE_A, options)));
  ASSERT_TRUE(response.parsed());
  EXPECT_EQ(response.rcode(), KNOT_RCODE_BADVERS);
  ASSERT_TRUE(response.hasEdns());
  EXPECT_EQ(response.ednsVersion(), 0);
  EXPECT_THAT(response.answer(), IsEmpty());
}

TEST_F(EdnsTest, WithoutEdnsUdpStopsAt512) {
  const auto wire = ask(*medium_, bigQuery(std::nullopt));
  const ParsedResponse response(wire);
  ASSERT_TRUE(response.parsed());
  EXPECT_LE(wire.size(), kClassicUdpLimit);
  EXPECT_TRUE(response.tc());
  EXPECT_TRUE(response.aa());
  EXPECT_EQ(response.rcode(), KNOT_RCODE_NOERROR);
  EXPECT_THAT(response.answer(), IsEmpty());
  EXPECT_EQ(response.questionName(), "big.size.test.");
  EXPECT_FALSE(response.hasEdns());
}

TEST_F(EdnsTest, EdnsRaisesTheUdpLimitUpTo1232) {
  const ParsedResponse fits(ask(*medium_, bigQuery(4096)));
  EXPECT_FALSE(fits.tc());
  EXPECT_EQ(fits.answer().size(), 40u);
  EXPECT_GT(fits.wire().size(), kClassicUdpLimit);

  const auto wire = ask(*large_, bigQuery(4096));
  const ParsedResponse truncated(wire);
  ASSERT_TRUE(truncated.parsed());
  EXPECT_LE(wire.size(), kEdnsUdpPayload);
  EXPECT_TRUE(truncated.tc());
  EXPECT_THAT(truncated.answer(), IsEmpty());
  EXPECT_TRUE(truncated.hasEdns());  // header + question + OPT
}

TEST_F(EdnsTest, ClientPayloadLimitsTheAnswer) {
  // 600 octets of payload: the 40-record answer (about 680 octets) does not fit.
  const ParsedResponse limited(ask(*medium_, bigQuery(600)));
  EXPECT_TRUE(limited.tc());

  // A payload below 512 counts as 512 (RFC 6891 section 6.2.5).
  const auto wire =
      ask(*medium_, makeQuery("small.size.test.", KNOT_RRTYPE_A, {.edns_payload = 100}));
  const ParsedResponse small(wire);
  EXPECT_FALSE(small.tc());
  EXPECT_EQ(small.answer().size(), 1u);
}

TEST_F(EdnsTest, OutputBufferLimitsTheAnswer) {
  const auto wire = ask(*medium_, bigQuery(4096), Transport::kUdp, 300);
  const ParsedResponse response(wire);
  ASSERT_TRUE(response.parsed());
  EXPECT_LE(wire.size(), 300u);
  EXPECT_TRUE(response.tc());

  const auto tcp = ask(*large_, bigQuery(std::nullopt), Transport::kTcp, 700);
  EXPECT_LE(tcp.size(), 700u);
  EXPECT_TRUE(ParsedResponse(tcp).tc());
}

TEST_F(EdnsTest, TcpCarriesLargeAnswers) {
  const ParsedResponse response(ask(*large_, bigQuery(std::nullopt), Transport::kTcp));
  EXPECT_FALSE(response.tc());
  EXPECT_EQ(response.answer().size(), 100u);
}

TEST_F(EdnsTest, NoRoomForTheQuestionSendsNothing) {
  EXPECT_EQ(ask(*medium_, bigQuery(std::nullopt), Transport::kUdp, 20).size(), 0u);
  // Room for a header only: a malformed query still gets its FORMERR.
  EXPECT_EQ(ask(*medium_, std::vector<std::uint8_t>(13, 0), Transport::kUdp, 12).size(), 12u);
}

TEST_F(EdnsTest, TypicalAnswersStayInTheStackArena) {
  alignas(std::max_align_t) std::array<std::byte, 8192> buffer;
  dns::Arena arena(buffer);
  std::vector<std::uint8_t> out(kEdnsUdpPayload);
  const auto query = bigQuery(1232);
  EXPECT_GT(answerQuery(*medium_, query, out, Transport::kUdp, arena), 0u);
  EXPECT_EQ(arena.heapFallbacks(), 0u);
  EXPECT_LT(arena.used(), 6144u);
}

}  // namespace
}  // namespace holdfast::zone
