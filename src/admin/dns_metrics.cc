// Building the authoritative server's query metric families.
#include "admin/dns_metrics.h"

#include <array>
#include <utility>

namespace holdfast::admin {

namespace {

using prometheus::MetricType;

void addAnswers(FamilyBuilder& family, const char* transport, const server::QueryStats& stats) {
  for (std::size_t r = 0; r < server::kRcodeBuckets; ++r) {
    for (std::size_t q = 0; q < server::kQtypeBuckets; ++q) {
      const std::uint64_t n = stats.answers[r][q];
      if (n > 0) {  // only series that happened, to keep the exposition small
        family.add({{"transport", transport},
                    {"rcode", server::rcodeName(r)},
                    {"qtype", server::qtypeBucketName(q)}},
                   static_cast<double>(n));
      }
    }
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> collectDnsMetrics(const server::ServerStats& stats) {
  const std::array<std::pair<const char*, const server::QueryStats*>, 2> transports{
      {{"udp", &stats.udp_queries}, {"tcp", &stats.tcp_queries}}};

  FamilyBuilder queries("holdfast_dns_queries_total",
                        "DNS answers sent by transport, response code and query type.",
                        MetricType::Counter);
  FamilyBuilder latency("holdfast_dns_answer_seconds",
                        "Time from a query's arrival to its answer being handed to the kernel.",
                        MetricType::Histogram);
  std::array<double, server::kLatencyBoundsNs.size()> bounds{};
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    bounds[i] = static_cast<double>(server::kLatencyBoundsNs[i]) / 1e9;
  }
  for (const auto& [name, query_stats] : transports) {
    addAnswers(queries, name, *query_stats);
    latency.addHistogram({{"transport", name}}, bounds, query_stats->latency,
                         static_cast<double>(query_stats->latency_sum_ns) / 1e9);
  }

  FamilyBuilder dropped("holdfast_dns_dropped_total",
                        "DNS messages that got no answer: malformed, too large, or not sent.",
                        MetricType::Counter);
  dropped.add({{"transport", "udp"}}, static_cast<double>(stats.udp.dropped));
  dropped.add({{"transport", "tcp"}}, static_cast<double>(stats.tcp.dropped));
  return {queries.take(), latency.take(), dropped.take()};
}

void addDnsMetrics(MetricsRegistry& registry, std::function<server::ServerStats()> read) {
  registry.addCollector([read = std::move(read)] { return collectDnsMetrics(read()); });
}

}  // namespace holdfast::admin
