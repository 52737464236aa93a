// The resolver's counters: recording answers and reading them.
#include "resolver/stats.h"

#include <algorithm>
#include <optional>

namespace holdfast::resolver {

void ResolverStats::recordAnswer(ClientTransport transport,
                                 std::span<const std::uint8_t> reply,
                                 std::chrono::steady_clock::duration latency) noexcept {
  if (reply.size() < kDnsHeaderBytes) {
    return;
  }
  const std::size_t t = transport == ClientTransport::kTcp ? 1 : 0;
  const std::size_t rcode = reply[3] & 0x0f;
  const auto qtype = firstQtype(reply);
  const std::size_t q = qtype ? qtypeBucket(*qtype) : kCountedQtypes.size();
  HotCounters& mine = local();
  add(mine.answers[t][rcode][q]);

  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(latency).count()));
  const auto bucket = std::lower_bound(kLatencyBoundsUs.begin(), kLatencyBoundsUs.end(), us);
  add(mine.latency_buckets[static_cast<std::size_t>(bucket - kLatencyBoundsUs.begin())]);
  add(mine.latency_sum_us, us);
}

HotCounters& ResolverStats::local() noexcept {
  static std::atomic<std::size_t> next_block{0};
  thread_local const std::size_t block =
      next_block.fetch_add(1, std::memory_order_relaxed) % kHotCounterBlocks;
  return hot_blocks[block];
}

HotTotals ResolverStats::hot() const noexcept {
  const auto get = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  HotTotals total;
  for (const HotCounters& block : hot_blocks) {
    total.queries += get(block.queries);
    total.cache_hits += get(block.cache_hits);
    total.cache_misses += get(block.cache_misses);
    for (std::size_t t = 0; t < kTransportBuckets; ++t) {
      for (std::size_t r = 0; r < kRcodeBuckets; ++r) {
        for (std::size_t q = 0; q < kQtypeBuckets; ++q) {
          total.answers[t][r][q] += get(block.answers[t][r][q]);
        }
      }
    }
    for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
      total.latency_buckets[i] += get(block.latency_buckets[i]);
    }
    total.latency_sum_us += get(block.latency_sum_us);
  }
  return total;
}

std::vector<std::pair<std::string, std::uint64_t>> ResolverStats::snapshot() const {
  const auto get = [](const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  };
  const HotTotals answers = hot();
  return {
      {"queries", answers.queries},
      {"refused", get(refused)},
      {"malformed", get(malformed)},
      {"cache.hits", answers.cache_hits},
      {"cache.misses", answers.cache_misses},
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
      {"hedges", get(hedges)},
      {"active.probes", get(active_probes)},
      {"active.probe.failures", get(active_probe_failures)},
  };
}

}  // namespace holdfast::resolver
