// Building the resolver's metric families.
#include "resolver/resolver_metrics.h"

#include <array>
#include <map>
#include <string>

#include "admin/metrics.h"

namespace holdfast::resolver {

namespace {

using admin::FamilyBuilder;
using prometheus::MetricType;

// Help text of the counters listed by ResolverStats::snapshot(), by their dotted name.
const std::map<std::string, std::string>& counterHelp() {
  static const std::map<std::string, std::string> help{
      {"queries", "Client queries received."},
      {"refused", "Client queries refused: the client is outside the allow list."},
      {"malformed", "Client messages that could not be parsed."},
      {"cache.hits", "Queries answered fresh from the cache."},
      {"cache.misses", "Queries that needed an upstream (or stale data)."},
      {"stale.answers", "Answers served from expired cache data (RFC 8767)."},
      {"lkg.holds", "Last-known-good answers kept over an empty or NXDOMAIN upstream answer."},
      {"servfail", "SERVFAIL answers sent to clients because nothing could be answered."},
      {"prefetches", "Cache refreshes started before expiry."},
      {"coalesced", "Queries that joined an identical question already in flight."},
      {"upstream.queries", "Attempts sent to upstreams, over all upstreams."},
      {"upstream.timeouts", "Upstream attempts that timed out, over all upstreams."},
      {"upstream.failures", "Upstream attempts that failed, over all upstreams."},
      {"upstream.mismatched", "Upstream replies dropped: wrong ID, question or source."},
      {"tcp.retries", "Truncated UDP answers retried over TCP."},
      {"edns.fallbacks", "Upstream queries re-sent without EDNS after FORMERR or BADVERS."},
      {"retries", "Further upstream attempts after a query's first."},
      {"retry.budget.exhausted", "Retries denied by the retry budget."},
      {"breaker.opened", "Upstream circuit breakers opened, over all upstreams."},
      {"breaker.closed", "Upstream circuit breakers closed, over all upstreams."},
      {"probes", "Breaker probes sent to upstreams with an open breaker."},
      {"overload", "Queries refused service because too many were in flight."},
      {"hedges", "Hedged attempts: sent to another upstream while one was still out."},
      {"active.probes", "Active health probes sent to upstreams."},
      {"active.probe.failures", "Active health probes that got no usable answer."},
  };
  return help;
}

std::string metricName(const std::string& dotted) {
  // The per-upstream families own holdfast_resolver_upstream_{queries,timeouts,failures}_total;
  // the totals over all upstreams get names of their own (a name may be declared only once).
  if (dotted.starts_with("upstream.")) {
    return "holdfast_resolver_upstream_attempt_" + dotted.substr(9) + "_total";
  }
  std::string out = "holdfast_resolver_";
  for (const char c : dotted) {
    out.push_back(c == '.' ? '_' : c);
  }
  return out + "_total";
}

void addCounters(const ResolverStats& stats, std::vector<prometheus::MetricFamily>& out) {
  for (const auto& [name, value] : stats.snapshot()) {
    const auto help = counterHelp().find(name);
    out.push_back(FamilyBuilder(metricName(name),
                                help != counterHelp().end() ? help->second : "Resolver counter.",
                                MetricType::Counter)
                      .add({}, static_cast<double>(value))
                      .take());
  }
}

void addResponses(const ResolverStats& stats, std::vector<prometheus::MetricFamily>& out) {
  FamilyBuilder responses("holdfast_resolver_responses_total",
                          "Answers sent to clients by transport, response code and query type.",
                          MetricType::Counter);
  const std::array<const char*, kTransportBuckets> transports{"udp", "tcp"};
  const HotTotals totals = stats.hot();
  for (std::size_t t = 0; t < kTransportBuckets; ++t) {
    for (std::size_t r = 0; r < kRcodeBuckets; ++r) {
      for (std::size_t q = 0; q < kQtypeBuckets; ++q) {
        const std::uint64_t n = totals.answers[t][r][q];
        if (n > 0) {  // only series that happened, to keep the exposition small
          responses.add({{"transport", transports[t]},
                         {"rcode", rcodeName(r)},
                         {"qtype", qtypeBucketName(q)}},
                        static_cast<double>(n));
        }
      }
    }
  }
  out.push_back(responses.take());

  std::array<double, kLatencyBoundsUs.size()> bounds{};
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    bounds[i] = static_cast<double>(kLatencyBoundsUs[i]) / 1e6;
  }
  const std::array<std::uint64_t, kLatencyBuckets>& counts = totals.latency_buckets;
  const double sum = static_cast<double>(totals.latency_sum_us) / 1e6;
  out.push_back(FamilyBuilder("holdfast_resolver_answer_duration_seconds",
                              "Time from a client query's arrival to its answer being sent.",
                              MetricType::Histogram)
                    .addHistogram({}, bounds, counts, sum)
                    .take());
}

void addUpstreams(const std::vector<UpstreamStatus>& upstreams,
                  std::vector<prometheus::MetricFamily>& out) {
  FamilyBuilder state("holdfast_resolver_upstream_breaker_state",
                      "1 for the state each upstream's circuit breaker is in, else 0.",
                      MetricType::Gauge);
  FamilyBuilder transitions("holdfast_resolver_upstream_breaker_transitions_total",
                            "Circuit breaker transitions per upstream, by the state entered.",
                            MetricType::Counter);
  FamilyBuilder queries("holdfast_resolver_upstream_queries_total",
                        "Attempts sent to each upstream, breaker probes included.",
                        MetricType::Counter);
  FamilyBuilder failures("holdfast_resolver_upstream_failures_total",
                         "Failed attempts per upstream, timeouts included.", MetricType::Counter);
  FamilyBuilder timeouts("holdfast_resolver_upstream_timeouts_total",
                         "Timed-out attempts per upstream.", MetricType::Counter);
  FamilyBuilder srtt("holdfast_resolver_upstream_srtt_seconds",
                     "Smoothed round-trip time per upstream.", MetricType::Gauge);
  FamilyBuilder outstanding("holdfast_resolver_upstream_outstanding",
                            "Attempts in flight per upstream.", MetricType::Gauge);
  for (const UpstreamStatus& u : upstreams) {
    for (const BreakerState s :
         {BreakerState::kClosed, BreakerState::kOpen, BreakerState::kHalfOpen}) {
      state.add({{"upstream", u.name}, {"state", breakerStateName(s)}}, u.state == s ? 1 : 0);
    }
    transitions.add({{"upstream", u.name}, {"to", "open"}}, static_cast<double>(u.opened));
    transitions.add({{"upstream", u.name}, {"to", "closed"}}, static_cast<double>(u.closed));
    queries.add({{"upstream", u.name}}, static_cast<double>(u.queries));
    failures.add({{"upstream", u.name}}, static_cast<double>(u.failures));
    timeouts.add({{"upstream", u.name}}, static_cast<double>(u.timeouts));
    srtt.add({{"upstream", u.name}}, static_cast<double>(u.srtt.count()) / 1e6);
    outstanding.add({{"upstream", u.name}}, u.outstanding);
  }
  for (FamilyBuilder* b :
       {&state, &transitions, &queries, &failures, &timeouts, &srtt, &outstanding}) {
    out.push_back(b->take());
  }
}

}  // namespace

std::vector<prometheus::MetricFamily> collectResolverMetrics(
    const ResolverStats& stats,
    const CacheStats& cache,
    const std::vector<UpstreamStatus>& upstreams) {
  std::vector<prometheus::MetricFamily> out;
  addCounters(stats, out);
  addResponses(stats, out);
  out.push_back(
      FamilyBuilder("holdfast_resolver_cache_bytes", "Bytes held by the cache.", MetricType::Gauge)
          .add({}, static_cast<double>(cache.bytes))
          .take());
  out.push_back(FamilyBuilder("holdfast_resolver_cache_entries", "Entries held by the cache.",
                              MetricType::Gauge)
                    .add({}, static_cast<double>(cache.entries))
                    .take());
  out.push_back(FamilyBuilder("holdfast_resolver_cache_evictions_total",
                              "Entries evicted to keep the cache within its bound.",
                              MetricType::Counter)
                    .add({}, static_cast<double>(cache.evictions))
                    .take());
  addUpstreams(upstreams, out);
  return out;
}

}  // namespace holdfast::resolver
