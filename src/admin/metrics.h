// Prometheus exposition: a registry of metric sources, collected and serialized on each scrape.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace holdfast::admin {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Builds one metric family sample by sample; the values come from the caller's own counters,
// read at scrape time, so the code that counts never takes a lock for metrics.
class FamilyBuilder {
public:
  FamilyBuilder(std::string name, std::string help, prometheus::MetricType type);

  // Adds a counter or gauge sample (the family's type decides which).
  FamilyBuilder& add(const Labels& labels, double value);

  // Adds a histogram sample. `bounds` are the upper bounds of the buckets, increasing;
  // `counts` has one count per bound plus the overflow bucket (not cumulative).
  FamilyBuilder& addHistogram(const Labels& labels,
                              std::span<const double> bounds,
                              std::span<const std::uint64_t> counts,
                              double sum);

  [[nodiscard]] prometheus::MetricFamily take() { return std::move(family_); }

private:
  prometheus::MetricFamily family_;
};

// A source of metric families computed on each scrape.
using CollectFunction = std::function<std::vector<prometheus::MetricFamily>()>;

// The metrics of one process: prometheus-cpp's Registry for metrics kept by prometheus-cpp
// itself (atomic counters, gauges, histograms), plus collect functions that read the
// components' own counters. Thread-safe.
class MetricsRegistry {
public:
  MetricsRegistry();

  // For families owned by prometheus-cpp (BuildCounter().Register(registry())).
  [[nodiscard]] prometheus::Registry& registry() noexcept { return *registry_; }

  // Adds a source; it runs on the scraping thread and must be thread-safe, and everything it
  // reads must outlive this registry or be removed first by clearCollectors().
  void addCollector(CollectFunction collect);

  void clearCollectors();

  // Every family, in Prometheus text exposition format 0.0.4.
  [[nodiscard]] std::string serialize() const;

private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mutex_;
  std::vector<CollectFunction> collectors_;  // guarded by mutex_
};

}  // namespace holdfast::admin
