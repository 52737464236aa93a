// Checks that answering does not allocate on the C++ heap: the hot path uses the snapshot's
// precomputed tables and a stack arena only.
#include <vector>

#include <gtest/gtest.h>

#include "common/alloc_counting.h"
#include "zone/answer.h"
#include "zone/snapshot_builder.h"
#include "zone/test_support_internal.h"

namespace holdfast::zone {
namespace {

using holdfast::testing::allocationCount;

TEST(AnswerAllocationTest, AnsweringDoesNotAllocate) {
  SnapshotBuilder builder;
  ASSERT_TRUE(builder
                  .addZone(testing::zoneFromText(
                      "example.test.",
                      "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n@ MX 10 mail\nns A 192.0.2.53\n"
                      "mail A 192.0.2.25\nwww A 192.0.2.1\nalias CNAME www\na.b TXT \"x\"\n"
                      "sub NS ns.sub\nns.sub A 192.0.2.2\n*.wild A 192.0.2.3\n"
                      "*.wc CNAME www\nd DNAME example.test.\n"))
                  .ok());
  ASSERT_TRUE(builder.setServerIdentity({"nsid", "id", "version"}).ok());
  const auto snapshot = builder.build().value();
  testing::QueryOptions edns;
  edns.edns_payload = 1232;
  testing::QueryOptions nsid = edns;
  nsid.nsid = true;
  testing::QueryOptions chaos;
  chaos.qclass = KNOT_CLASS_CH;
  const std::vector<std::vector<std::uint8_t>> queries = {
      testing::makeQuery("www.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("WWW.example.test.", KNOT_RRTYPE_A, edns),
      testing::makeQuery("alias.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("b.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("none.example.test.", KNOT_RRTYPE_A, edns),
      testing::makeQuery("www.elsewhere.test.", KNOT_RRTYPE_A),
      testing::makeQuery("example.test.", KNOT_RRTYPE_MX, nsid),
      testing::makeQuery("x.sub.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("x.wild.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("x.wc.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("www.d.example.test.", KNOT_RRTYPE_A),
      testing::makeQuery("id.server.", KNOT_RRTYPE_TXT, chaos),
  };
  std::vector<std::uint8_t> out(512);

  // The counter sees allocations at all.
  const std::size_t start = allocationCount();
  out.reserve(1024);
  ASSERT_GT(allocationCount(), start);

  for (const auto& query : queries) {
    const std::size_t before = allocationCount();
    EXPECT_GT(answerQuery(*snapshot, query, out, Transport::kUdp), 0u);
    EXPECT_EQ(allocationCount(), before);
  }
}

}  // namespace
}  // namespace holdfast::zone
