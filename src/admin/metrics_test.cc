#include "admin/metrics.h"

#include <array>

#include <gtest/gtest.h>
#include <prometheus/counter.h>

namespace holdfast::admin {
namespace {

TEST(MetricsRegistryTest, SerializesCollectedFamilies) {
  MetricsRegistry metrics;
  std::uint64_t value = 7;
  metrics.addCollector([&value] {
    std::vector<prometheus::MetricFamily> out;
    out.push_back(FamilyBuilder("test_events_total", "events", prometheus::MetricType::Counter)
                      .add({{"kind", "a"}}, static_cast<double>(value))
                      .take());
    return out;
  });
  EXPECT_NE(metrics.serialize().find("test_events_total{kind=\"a\"} 7"), std::string::npos);

  // Read at scrape time: a later value shows on the next scrape.
  value = 9;
  EXPECT_NE(metrics.serialize().find("test_events_total{kind=\"a\"} 9"), std::string::npos);

  metrics.clearCollectors();
  EXPECT_EQ(metrics.serialize().find("test_events_total"), std::string::npos);
}

TEST(MetricsRegistryTest, SerializesPrometheusCppFamilies) {
  MetricsRegistry metrics;
  auto& family = prometheus::BuildCounter()
                     .Name("test_native_total")
                     .Help("native")
                     .Register(metrics.registry());
  family.Add({{"x", "1"}}).Increment(3);
  EXPECT_NE(metrics.serialize().find("test_native_total{x=\"1\"} 3"), std::string::npos);
}

TEST(FamilyBuilderTest, HistogramBucketsAreCumulative) {
  const std::array<double, 2> bounds{0.001, 0.01};
  const std::array<std::uint64_t, 3> counts{2, 3, 4};
  const auto family = FamilyBuilder("test_seconds", "latency", prometheus::MetricType::Histogram)
                          .addHistogram({}, bounds, counts, 1.5)
                          .take();
  ASSERT_EQ(family.metric.size(), 1u);
  const auto& h = family.metric[0].histogram;
  ASSERT_EQ(h.bucket.size(), 3u);
  EXPECT_EQ(h.bucket[0].cumulative_count, 2u);
  EXPECT_EQ(h.bucket[1].cumulative_count, 5u);
  EXPECT_EQ(h.bucket[2].cumulative_count, 9u);
  EXPECT_EQ(h.sample_count, 9u);
  EXPECT_DOUBLE_EQ(h.sample_sum, 1.5);
}

}  // namespace
}  // namespace holdfast::admin
