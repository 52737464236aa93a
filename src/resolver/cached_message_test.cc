// Building cacheable answers: OPT removal, positive and negative lifetimes (RFC 2308).
#include "resolver/cached_message.h"

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;
using testing::makeQuery;
using testing::makeReply;
using testing::ReplySpec;
using testing::TestRecord;

Result<CachedMessage> build(const ReplySpec& spec, const TtlPolicy& policy = {}) {
  const auto query = makeQuery("a.test.", kTypeA, 1, true);
  const auto reply = makeReply(query, spec);
  auto info = scanMessage(reply, ScanDepth::kRecords);
  EXPECT_TRUE(info.ok());
  return makeCachedMessage(reply, *info, policy);
}

TEST(CachedMessageTest, DropsOptAndUsesSmallestTtl) {
  ReplySpec spec;
  spec.answers = {TestRecord{kTypeA, 300, {1, 1, 1, 1}}, TestRecord{kTypeA, 60, {2, 2, 2, 2}}};
  auto m = build(spec);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, AnswerKind::kPositive);
  EXPECT_EQ(m->lifetime, 60s);
  EXPECT_EQ(m->ttls.size(), 2u);
  auto info = scanMessage(m->wire, ScanDepth::kRecords);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->edns.present);
  EXPECT_EQ(info->arcount, 0);
}

TEST(CachedMessageTest, ClampsToPolicy) {
  ReplySpec spec;
  spec.answers = {TestRecord{kTypeA, 5, {1, 1, 1, 1}}};
  TtlPolicy policy;
  policy.min_ttl = 30s;
  EXPECT_EQ(build(spec, policy)->lifetime, 30s);
  spec.answers[0].ttl = 999999;
  policy.max_ttl = 3600s;
  EXPECT_EQ(build(spec, policy)->lifetime, 3600s);
}

TEST(CachedMessageTest, NegativeLifetimeIsSoaMinimumOrTtl) {
  ReplySpec nx;
  nx.rcode = kRcodeNxDomain;
  nx.soa = std::make_pair(300u, 45u);
  auto m = build(nx);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, AnswerKind::kNxDomain);
  EXPECT_EQ(m->lifetime, 45s);
  EXPECT_EQ(m->ttls[0], 45u);

  nx.soa = std::make_pair(20u, 45u);
  EXPECT_EQ(build(nx)->lifetime, 20s);

  TtlPolicy capped;
  capped.max_negative_ttl = 10s;
  EXPECT_EQ(build(nx, capped)->lifetime, 10s);
}

TEST(CachedMessageTest, NegativeWithoutSoaIsNotCacheable) {
  ReplySpec nodata;
  auto m = build(nodata);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, AnswerKind::kNoData);
  EXPECT_EQ(m->lifetime, 0s);
}

TEST(CachedMessageTest, RefusesServfail) {
  EXPECT_FALSE(build(ReplySpec{.rcode = kRcodeServFail}).ok());
}

}  // namespace
}  // namespace holdfast::resolver
