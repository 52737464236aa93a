// The resolver's answer counters: one block per thread, summed for readers.
#include "resolver/stats.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

TEST(ResolverStatsTest, EachThreadCountsInABlockOfItsOwnAndReadersSeeTheSum) {
  ResolverStats stats;
  std::vector<std::uint8_t> reply = testing::makeQuery("a.test.", kTypeA, 1, false);
  reply[2] |= 0x80;         // a response, NOERROR
  const std::size_t t = 0;  // UDP
  const std::size_t q = qtypeBucket(kTypeA);

  std::vector<const HotCounters*> blocks(2);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      blocks[i] = &stats.local();
      for (int n = 0; n < 1000; ++n) {
        ResolverStats::add(stats.local().queries);
        stats.recordAnswer(ClientTransport::kUdp, reply, 300us);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }

  EXPECT_NE(blocks[0], blocks[1]);
  EXPECT_EQ(blocks[0]->answers[t][0][q].load(), 1000u);
  EXPECT_EQ(blocks[1]->answers[t][0][q].load(), 1000u);
  const HotTotals totals = stats.hot();
  EXPECT_EQ(totals.queries, 2000u);
  EXPECT_EQ(totals.answers[t][0][q], 2000u);
  EXPECT_EQ(totals.latency_buckets[2], 2000u);  // 300 us: the 500 us bucket
  EXPECT_EQ(totals.latency_sum_us, 600'000u);
  const auto snapshot = stats.snapshot();
  EXPECT_EQ(snapshot.front(), (std::pair<std::string, std::uint64_t>{"queries", 2000}));
}

}  // namespace
}  // namespace holdfast::resolver
