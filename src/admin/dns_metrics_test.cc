// The authoritative server's query metrics in Prometheus text.
#include "admin/dns_metrics.h"

#include <gtest/gtest.h>

namespace holdfast::admin {
namespace {

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(DnsMetricsTest, AnswersByTransportRcodeAndQtypeAndLatency) {
  server::ServerStats stats;
  stats.udp_queries.answers[0][server::qtypeBucket(1)] = 4;
  stats.udp_queries.answers[3][server::qtypeBucket(28)] = 2;
  stats.tcp_queries.answers[5][server::qtypeBucket(99)] = 1;
  stats.udp_queries.latency[0] = 5;
  stats.udp_queries.latency[server::kLatencyBuckets - 1] = 1;
  stats.udp_queries.latency_sum_ns = 2'000'000'000;
  stats.udp.dropped = 3;

  MetricsRegistry registry;
  addDnsMetrics(registry, [&stats] { return stats; });
  const std::string text = registry.serialize();

  EXPECT_TRUE(
      has(text, R"(holdfast_dns_queries_total{transport="udp",rcode="NOERROR",qtype="A"} 4)"))
      << text;
  EXPECT_TRUE(
      has(text, R"(holdfast_dns_queries_total{transport="udp",rcode="NXDOMAIN",qtype="AAAA"} 2)"));
  EXPECT_TRUE(
      has(text, R"(holdfast_dns_queries_total{transport="tcp",rcode="REFUSED",qtype="other"} 1)"));
  // Series that never happened are left out.
  EXPECT_EQ(text.find(R"(transport="tcp",rcode="NOERROR")"), std::string::npos);

  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_count{transport="udp"} 6)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_sum{transport="udp"} 2)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_bucket{transport="udp",le="1e-05"} 5)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_bucket{transport="udp",le="1"} 5)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_bucket{transport="udp",le="+Inf"} 6)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_answer_seconds_count{transport="tcp"} 0)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_dropped_total{transport="udp"} 3)"));
  EXPECT_TRUE(has(text, R"(holdfast_dns_dropped_total{transport="tcp"} 0)"));

  // Read at scrape time.
  stats.udp_queries.answers[0][server::qtypeBucket(1)] = 9;
  EXPECT_TRUE(has(registry.serialize(),
                  R"(holdfast_dns_queries_total{transport="udp",rcode="NOERROR",qtype="A"} 9)"));
}

}  // namespace
}  // namespace holdfast::admin
