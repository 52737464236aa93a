// Answer counters: buckets from the wire, latency buckets, and counts through a running server.
#include "server/query_stats.h"

#include <gtest/gtest.h>

#include "server/server.h"
#include "server/test_support.h"

namespace holdfast::server {
namespace {

using namespace std::chrono_literals;

// A message with one question for a.test: `flags_low` is the byte holding RA, Z and RCODE.
std::vector<std::uint8_t> message(std::uint16_t id, std::uint8_t rcode, std::uint16_t qtype) {
  std::vector<std::uint8_t> m{static_cast<std::uint8_t>(id >> 8),
                              static_cast<std::uint8_t>(id),
                              0x00,
                              rcode,
                              0,
                              1,
                              0,
                              0,
                              0,
                              0,
                              0,
                              0,
                              1,
                              'a',
                              4,
                              't',
                              'e',
                              's',
                              't',
                              0};
  m.push_back(static_cast<std::uint8_t>(qtype >> 8));
  m.push_back(static_cast<std::uint8_t>(qtype));
  m.push_back(0);
  m.push_back(1);
  return m;
}

std::uint64_t total(const std::array<std::uint64_t, kLatencyBuckets>& buckets) {
  std::uint64_t n = 0;
  for (const std::uint64_t b : buckets) {
    n += b;
  }
  return n;
}

TEST(QueryStatsTest, BucketsAndNames) {
  EXPECT_STREQ(qtypeBucketName(qtypeBucket(1)), "A");
  EXPECT_STREQ(qtypeBucketName(qtypeBucket(28)), "AAAA");
  EXPECT_STREQ(qtypeBucketName(qtypeBucket(257)), "CAA");
  EXPECT_STREQ(qtypeBucketName(qtypeBucket(99)), "other");
  EXPECT_EQ(rcodeName(0), "NOERROR");
  EXPECT_EQ(rcodeName(3), "NXDOMAIN");
  EXPECT_EQ(rcodeName(5), "REFUSED");
  EXPECT_EQ(rcodeName(12), "RCODE12");
  EXPECT_EQ(latencyBucket(0ns), 0u);
  EXPECT_EQ(latencyBucket(10us), 0u);
  EXPECT_EQ(latencyBucket(11us), 1u);
  EXPECT_EQ(latencyBucket(1s), kLatencyBoundsNs.size() - 1);
  EXPECT_EQ(latencyBucket(2s), kLatencyBoundsNs.size());
  EXPECT_EQ(latencyBucket(-5ns), 0u);
}

TEST(QueryStatsTest, CountsByRcodeAndQtypeFromTheWire) {
  QueryCounters counters;
  counters.countAnswer(message(1, 0x80, 1));   // RA set, NOERROR, A
  counters.countAnswer(message(2, 0x03, 28));  // NXDOMAIN, AAAA
  counters.countAnswer(message(3, 0x03, 28));
  counters.countAnswer(message(4, 0x05, 99));  // REFUSED, unlisted type
  std::vector<std::uint8_t> no_question = message(5, 0x01, 1);
  no_question[5] = 0;
  counters.countAnswer(no_question);                       // FORMERR, no question: other
  counters.countAnswer(std::vector<std::uint8_t>(11, 0));  // too short: not counted
  const std::vector<std::uint8_t> cut = message(6, 0x02, 1);
  counters.countAnswer(std::span(cut).first(15));  // question cut short

  const QueryStats stats = counters.snapshot();
  const std::size_t other = kCountedQtypes.size();
  EXPECT_EQ(stats.answers[0][qtypeBucket(1)], 1u);
  EXPECT_EQ(stats.answers[3][qtypeBucket(28)], 2u);
  EXPECT_EQ(stats.answers[5][other], 1u);
  EXPECT_EQ(stats.answers[1][other], 1u);
  EXPECT_EQ(stats.answers[2][other], 1u);
  std::uint64_t all = 0;
  for (const auto& row : stats.answers) {
    for (const std::uint64_t n : row) {
      all += n;
    }
  }
  EXPECT_EQ(all, 6u);
}

TEST(QueryStatsTest, LatencyBucketsSumAndAdding) {
  QueryCounters counters;
  counters.countLatency(5us);
  counters.countLatency(300us, 4);
  counters.countLatency(3s);
  counters.countLatency(1ms, 0);
  QueryStats stats = counters.snapshot();
  EXPECT_EQ(stats.latency[0], 1u);
  EXPECT_EQ(stats.latency[latencyBucket(300us)], 4u);
  EXPECT_EQ(stats.latency[kLatencyBoundsNs.size()], 1u);
  EXPECT_EQ(total(stats.latency), 6u);
  EXPECT_EQ(stats.latency_sum_ns, 5'000ull + 4 * 300'000ull + 3'000'000'000ull);

  stats += counters.snapshot();
  EXPECT_EQ(total(stats.latency), 12u);
  EXPECT_EQ(stats.latency_sum_ns, 2 * (5'000ull + 4 * 300'000ull + 3'000'000'000ull));
}

// EchoHandler sends each query back with QR set, so a query's RCODE and QTYPE are its answer's.
TEST(QueryStatsTest, ServerCountsAnswersPerTransport) {
  test::EchoHandler handler;
  ServerOptions options;
  options.listen = {"127.0.0.1:0"};
  auto server = Server::start(options, handler);
  ASSERT_TRUE(server.ok()) << server.error().toString();

  test::UdpClient udp((*server)->udpEndpoints()[0]);
  for (std::uint16_t id = 1; id <= 3; ++id) {
    udp.send(message(id, 0x03, 28));
    ASSERT_TRUE(udp.receive(test::kReplyTimeout).has_value());
  }
  test::TcpClient tcp((*server)->tcpEndpoints()[0]);
  ASSERT_TRUE(tcp.sendMessage(message(7, 0x05, 1)));
  ASSERT_EQ(tcp.readMessage(test::kReplyTimeout).status, test::ReadStatus::kMessage);
  ASSERT_TRUE(tcp.sendMessage(message(test::EchoHandler::kDropId, 0x00, 1)));
  ASSERT_TRUE(tcp.sendMessage(message(8, 0x00, 1)));
  ASSERT_EQ(tcp.readMessage(test::kReplyTimeout).status, test::ReadStatus::kMessage);

  // Latency is counted once the answer has been handed over, just after the client may see it.
  ASSERT_TRUE(test::waitFor(
      [&] {
        const ServerStats s = (*server)->stats();
        return total(s.udp_queries.latency) == 3 && total(s.tcp_queries.latency) == 2;
      },
      test::kReplyTimeout));
  const ServerStats stats = (*server)->stats();
  EXPECT_EQ(stats.udp_queries.answers[3][qtypeBucket(28)], 3u);
  EXPECT_EQ(stats.tcp_queries.answers[3][qtypeBucket(28)], 0u);
  EXPECT_EQ(stats.tcp_queries.answers[5][qtypeBucket(1)], 1u);
  EXPECT_EQ(stats.tcp_queries.answers[0][qtypeBucket(1)], 1u);  // the dropped one is not counted
  EXPECT_EQ(stats.udp_queries.answers[5][qtypeBucket(1)], 0u);

  (*server)->stop();
  EXPECT_EQ((*server)->stats().udp_queries.answers[3][qtypeBucket(28)], 3u);
}

}  // namespace
}  // namespace holdfast::server
