// Naming the resolver's counters.
#include "resolver/stats.h"

namespace holdfast::resolver {

std::vector<std::pair<std::string, std::uint64_t>> ResolverStats::snapshot() const {
  const auto get = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  return {
      {"queries", get(queries)},
      {"refused", get(refused)},
      {"malformed", get(malformed)},
      {"cache.hits", get(cache_hits)},
      {"cache.misses", get(cache_misses)},
      {"stale.answers", get(stale_answers)},
      {"lkg.holds", get(lkg_holds)},
      {"servfail", get(servfail)},
      {"prefetches", get(prefetches)},
      {"coalesced", get(coalesced)},
      {"upstream.queries", get(upstream_queries)},
      {"upstream.timeouts", get(upstream_timeouts)},
      {"upstream.failures", get(upstream_failures)},
      {"upstream.mismatched", get(upstream_mismatched)},
      {"tcp.retries", get(tcp_retries)},
      {"edns.fallbacks", get(edns_fallbacks)},
      {"retries", get(retries)},
      {"retry.budget.exhausted", get(retry_budget_exhausted)},
      {"breaker.opened", get(breaker_opened)},
      {"breaker.closed", get(breaker_closed)},
      {"probes", get(probes)},
      {"overload", get(overload)},
  };
}

}  // namespace holdfast::resolver
