// Scanning and writing DNS messages, including hostile input.
#include "resolver/message.h"

#include <gtest/gtest.h>

#include "resolver/reply.h"
#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using testing::makeQuery;
using testing::makeReply;
using testing::ReplySpec;
using testing::TestRecord;

TEST(MessageTest, ScansQueryAndLowercasesTheQuestion) {
  const auto query = makeQuery("WWW.Example.TEST.", kTypeAaaa, 77, true);
  auto info = scanMessage(query, ScanDepth::kRecords);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->id, 77);
  EXPECT_EQ(info->qtype, kTypeAaaa);
  EXPECT_EQ(nameToText(info->qnameWire()), "www.example.test.");
  EXPECT_TRUE(info->edns.present);
  EXPECT_EQ(info->edns.payload, 1232);
}

TEST(MessageTest, ScansRecordsAndTtlOffsets) {
  const auto query = makeQuery("a.test.", kTypeA, 1);
  ReplySpec spec;
  spec.answers = {TestRecord{kTypeA, 42, {1, 2, 3, 4}}};
  const auto reply = makeReply(query, spec);
  auto info = scanMessage(reply, ScanDepth::kRecords);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->records.size(), 2u);  // A and OPT
  EXPECT_EQ(info->records[0].ttl, 42u);
  EXPECT_EQ(readU32(reply, info->records[0].ttl_offset), 42u);
  EXPECT_EQ(info->records[1].type, kTypeOpt);
}

TEST(MessageTest, CheckedScanReadsEdnsWithoutKeepingRecords) {
  const auto query = makeQuery("a.test.", kTypeA, 1, true);
  auto info = scanMessage(query, ScanDepth::kChecked);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_TRUE(info->records.empty());
  EXPECT_EQ(info->records.capacity(), 0u);
  EXPECT_TRUE(info->edns.present);
  EXPECT_EQ(info->edns.payload, 1232);
  EXPECT_EQ(info->opt_start, query.size() - 11);

  // Records are still checked: one cut short is an error, as with kRecords.
  auto cut = query;
  cut.pop_back();
  EXPECT_FALSE(scanMessage(cut, ScanDepth::kChecked).ok());
}

TEST(MessageTest, RejectsHostileInput) {
  const auto query = makeQuery("a.test.", kTypeA, 1);

  // Shorter than a header; every cut of a valid message.
  for (std::size_t n = 0; n < query.size(); ++n) {
    const std::span<const std::uint8_t> cut(query.data(), n);
    EXPECT_FALSE(scanMessage(cut, ScanDepth::kRecords).ok()) << n;
  }

  // A pointer to itself in the question.
  std::vector<std::uint8_t> loop(query.begin(), query.begin() + 12);
  loop[5] = 1;
  loop.insert(loop.end(), {0xc0, 12, 0, 1, 0, 1});
  EXPECT_FALSE(scanMessage(loop, ScanDepth::kQuestion).ok());

  // A label type reserved by RFC 6891.
  std::vector<std::uint8_t> label(query.begin(), query.begin() + 12);
  label.insert(label.end(), {0x40, 0, 0, 1, 0, 1});
  EXPECT_FALSE(scanMessage(label, ScanDepth::kQuestion).ok());

  // Two questions.
  std::vector<std::uint8_t> two = query;
  two[5] = 2;
  EXPECT_FALSE(scanMessage(two, ScanDepth::kQuestion).ok());

  // A record count far beyond the bytes.
  std::vector<std::uint8_t> counts = query;
  counts[6] = 0xff;
  counts[7] = 0xff;
  EXPECT_FALSE(scanMessage(counts, ScanDepth::kRecords).ok());
}

TEST(MessageTest, RejectsOptOutsideAdditionalOrTwice) {
  const auto query = makeQuery("a.test.", kTypeA, 1, true);
  std::vector<std::uint8_t> twice = query;
  twice[11] = 2;
  twice.insert(twice.end(), query.end() - kOptBytes, query.end());
  EXPECT_FALSE(scanMessage(twice, ScanDepth::kRecords).ok());
}

TEST(MessageTest, NameLongerThan255IsRejected) {
  std::string name;
  for (int i = 0; i < 5; ++i) {
    name += std::string(60, 'a') + ".";
  }
  const auto query = makeQuery(name, kTypeA, 1);
  EXPECT_FALSE(scanMessage(query, ScanDepth::kQuestion).ok());
}

TEST(MessageTest, WritesUpstreamQueryWithEdns) {
  const auto qname = testing::wireName("x.test.");
  std::array<std::uint8_t, kMaxUpstreamQueryBytes> out;
  const std::size_t n = writeUpstreamQuery(qname, kTypeA, kClassIn,
                                           UpstreamQueryOptions{4242, true, true, false}, out);
  auto info = scanMessage(std::span(out.data(), n), ScanDepth::kRecords);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->id, 4242);
  EXPECT_TRUE(info->recursionDesired());
  EXPECT_TRUE(info->edns.dnssec_ok);
  EXPECT_EQ(info->edns.payload, kEdnsPayload);
}

TEST(MessageTest, ErrorReplyKeepsQuestionAndEdns) {
  const auto query = makeQuery("Mixed.Test.", kTypeA, 9, true);
  auto info = scanMessage(query, ScanDepth::kRecords);
  auto client = makeClientQuery(query, *info, ClientTransport::kUdp);
  ASSERT_TRUE(client.ok());
  std::array<std::uint8_t, 600> out;
  const std::size_t n = writeErrorReply(*client, kRcodeBadVers, out);
  auto reply = scanMessage(std::span(out.data(), n), ScanDepth::kRecords);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->rcode(), kRcodeBadVers);
  EXPECT_EQ(out[13], 'M');
}

}  // namespace
}  // namespace holdfast::resolver
