// Building and serializing metric families.
#include "admin/metrics.h"

#include <limits>

#include <prometheus/text_serializer.h>

namespace holdfast::admin {

namespace {

std::vector<prometheus::ClientMetric::Label> toLabels(const Labels& labels) {
  std::vector<prometheus::ClientMetric::Label> out;
  out.reserve(labels.size());
  for (const auto& [name, value] : labels) {
    out.push_back(prometheus::ClientMetric::Label{name, value});
  }
  return out;
}

}  // namespace

FamilyBuilder::FamilyBuilder(std::string name, std::string help, prometheus::MetricType type) {
  family_.name = std::move(name);
  family_.help = std::move(help);
  family_.type = type;
}

FamilyBuilder& FamilyBuilder::add(const Labels& labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = toLabels(labels);
  if (family_.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family_.metric.push_back(std::move(metric));
  return *this;
}

FamilyBuilder& FamilyBuilder::addHistogram(const Labels& labels,
                                           std::span<const double> bounds,
                                           std::span<const std::uint64_t> counts,
                                           double sum) {
  prometheus::ClientMetric metric;
  metric.label = toLabels(labels);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    metric.histogram.bucket.push_back(prometheus::ClientMetric::Bucket{cumulative, bounds[i]});
  }
  for (std::size_t i = bounds.size(); i < counts.size(); ++i) {
    cumulative += counts[i];
  }
  metric.histogram.bucket.push_back(
      prometheus::ClientMetric::Bucket{cumulative, std::numeric_limits<double>::infinity()});
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = sum;
  family_.metric.push_back(std::move(metric));
  return *this;
}

MetricsRegistry::MetricsRegistry() : registry_(std::make_shared<prometheus::Registry>()) {}

void MetricsRegistry::addCollector(CollectFunction collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

void MetricsRegistry::clearCollectors() {
  std::lock_guard lock(mutex_);
  collectors_.clear();
}

std::string MetricsRegistry::serialize() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  {
    std::lock_guard lock(mutex_);
    for (const CollectFunction& collect : collectors_) {
      auto more = collect();
      families.insert(families.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
  }
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace holdfast::admin
