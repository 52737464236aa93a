// /metrics of the authoritative server: answers by transport, response code and query type, and
// answer latency, read from the server's per-worker counters at scrape time.
#pragma once

#include <functional>
#include <vector>

#include <prometheus/metric_family.h>

#include "admin/metrics.h"
#include "server/server_stats.h"

namespace holdfast::admin {

// The families for one reading of the server's counters:
//   holdfast_dns_queries_total{transport,rcode,qtype}: answers sent (only series seen so far),
//   holdfast_dns_answer_seconds{transport}: histogram of the time from arrival to hand-over,
//   holdfast_dns_dropped_total{transport}: messages that got no answer.
[[nodiscard]] std::vector<prometheus::MetricFamily> collectDnsMetrics(
    const server::ServerStats& stats);

// Adds a collector that calls `read` (thread-safe, e.g. Server::stats) on each scrape. Whatever
// `read` uses must outlive `registry`'s collectors.
void addDnsMetrics(MetricsRegistry& registry, std::function<server::ServerStats()> read);

}  // namespace holdfast::admin
