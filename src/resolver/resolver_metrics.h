// The resolver's Prometheus metrics, read from its counters at scrape time.
#pragma once

#include <vector>

#include <prometheus/metric_family.h>

#include "resolver/cache.h"
#include "resolver/stats.h"
#include "resolver/upstream_pool.h"

namespace holdfast::resolver {

// Every resolver metric family (names start with holdfast_resolver_). Reads relaxed atomics
// and takes the pool's and cache's locks once each, on the scraping thread; the answer path
// takes no lock for metrics.
[[nodiscard]] std::vector<prometheus::MetricFamily> collectResolverMetrics(
    const ResolverStats& stats,
    const CacheStats& cache,
    const std::vector<UpstreamStatus>& upstreams);

}  // namespace holdfast::resolver
