// Resolver metrics: counters, per-answer labels, histogram and per-upstream families.
#include "resolver/resolver_metrics.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "resolver/test_support.h"

namespace holdfast::resolver {
namespace {

using namespace std::chrono_literals;

std::string exposition(const ResolverStats& stats, const std::vector<UpstreamStatus>& upstreams) {
  return prometheus::TextSerializer().Serialize(
      collectResolverMetrics(stats, CacheStats{2048, 3, 1}, upstreams));
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(ResolverMetricsTest, CountersAndCache) {
  ResolverStats stats;
  stats.stale_answers = 3;
  stats.lkg_holds = 2;
  stats.hedges = 1;
  const std::string text = exposition(stats, {});
  EXPECT_TRUE(has(text, "holdfast_resolver_stale_answers_total 3"));
  EXPECT_TRUE(has(text, "holdfast_resolver_lkg_holds_total 2"));
  EXPECT_TRUE(has(text, "holdfast_resolver_hedges_total 1"));
  EXPECT_TRUE(has(text, "holdfast_resolver_retry_budget_exhausted_total 0"));
  EXPECT_TRUE(has(text, "holdfast_resolver_cache_bytes 2048"));
  EXPECT_TRUE(has(text, "holdfast_resolver_cache_entries 3"));
}

TEST(ResolverMetricsTest, AnswersByTransportRcodeAndQtype) {
  ResolverStats stats;
  auto reply = testing::makeQuery("www.example.test.", 28, 1);
  reply[2] |= 0x80;
  reply[3] = (reply[3] & 0xf0) | 3;  // NXDOMAIN
  stats.recordAnswer(ClientTransport::kTcp, reply, 3ms);
  auto other = testing::makeQuery("x.test.", 99, 2);
  stats.recordAnswer(ClientTransport::kUdp, other, 50us);
  stats.recordAnswer(ClientTransport::kUdp, std::vector<std::uint8_t>{1, 2}, 1s);  // ignored

  const std::string text = exposition(stats, {});
  EXPECT_TRUE(has(text,
                  "holdfast_resolver_responses_total{transport=\"tcp\",rcode=\"NXDOMAIN\","
                  "qtype=\"AAAA\"} 1"));
  EXPECT_TRUE(has(text,
                  "holdfast_resolver_responses_total{transport=\"udp\",rcode=\"NOERROR\","
                  "qtype=\"other\"} 1"));
  EXPECT_TRUE(has(text, "holdfast_resolver_answer_duration_seconds_count 2"));
  EXPECT_TRUE(has(text, "holdfast_resolver_answer_duration_seconds_bucket{le=\"0.0001\"} 1"));
  EXPECT_TRUE(has(text, "holdfast_resolver_answer_duration_seconds_bucket{le=\"0.005\"} 2"));
}

TEST(ResolverMetricsTest, UpstreamBreakerStateAndTransitions) {
  ResolverStats stats;
  UpstreamStatus u;
  u.name = "127.0.0.2:53";
  u.state = BreakerState::kOpen;
  u.queries = 9;
  u.timeouts = 4;
  u.failures = 5;
  u.opened = 1;
  const std::string text = exposition(stats, {u});
  EXPECT_TRUE(has(text,
                  "holdfast_resolver_upstream_breaker_state{upstream=\"127.0.0.2:53\","
                  "state=\"open\"} 1"));
  EXPECT_TRUE(has(text,
                  "holdfast_resolver_upstream_breaker_state{upstream=\"127.0.0.2:53\","
                  "state=\"closed\"} 0"));
  EXPECT_TRUE(has(text,
                  "holdfast_resolver_upstream_breaker_transitions_total{upstream=\"127.0.0.2:53\","
                  "to=\"open\"} 1"));
  EXPECT_TRUE(has(text, "holdfast_resolver_upstream_queries_total{upstream=\"127.0.0.2:53\"} 9"));
  EXPECT_TRUE(has(text, "holdfast_resolver_upstream_timeouts_total{upstream=\"127.0.0.2:53\"} 4"));
}

// The text format allows one TYPE line per metric name: a name declared twice (once as a total
// over all upstreams, once per upstream) makes scrapers reject the whole exposition.
TEST(ResolverMetricsTest, EveryMetricNameIsDeclaredOnce) {
  ResolverStats stats;
  stats.upstream_queries = 7;
  UpstreamStatus u;
  u.name = "127.0.0.2:53";
  u.queries = 7;
  const std::string text = exposition(stats, {u});
  std::set<std::string> declared;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(declared.insert(name).second) << name << " declared twice";
    }
  }
  EXPECT_GT(declared.size(), 20U);
  EXPECT_TRUE(has(text, "holdfast_resolver_upstream_attempt_queries_total 7"));
}

}  // namespace
}  // namespace holdfast::resolver
