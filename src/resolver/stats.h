// ResolverStats: the resolver's counters, shared by every worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace holdfast::resolver {

// One counter per event the operator may alert on. Relaxed atomics: totals need no ordering.
// Thread-safe.
struct ResolverStats {
  std::atomic<std::uint64_t> queries{0};           // client queries received
  std::atomic<std::uint64_t> refused{0};           // clients outside the allow-list
  std::atomic<std::uint64_t> malformed{0};         // client queries that could not be parsed
  std::atomic<std::uint64_t> cache_hits{0};        // answered fresh from the cache
  std::atomic<std::uint64_t> cache_misses{0};      // needed an upstream
  std::atomic<std::uint64_t> stale_answers{0};     // answered with expired data (RFC 8767)
  std::atomic<std::uint64_t> lkg_holds{0};         // last-known-good kept over an empty answer
  std::atomic<std::uint64_t> servfail{0};          // SERVFAIL sent to clients
  std::atomic<std::uint64_t> prefetches{0};        // refreshes started before expiry
  std::atomic<std::uint64_t> coalesced{0};         // queries that joined one already in flight
  std::atomic<std::uint64_t> upstream_queries{0};  // attempts sent, probes included
  std::atomic<std::uint64_t> upstream_timeouts{0};
  std::atomic<std::uint64_t> upstream_failures{0};    // SERVFAIL, REFUSED, malformed, errors
  std::atomic<std::uint64_t> upstream_mismatched{0};  // replies dropped: ID/question/source
  std::atomic<std::uint64_t> tcp_retries{0};          // truncated UDP answer retried over TCP
  std::atomic<std::uint64_t> edns_fallbacks{0};       // FORMERR/BADVERS → query without EDNS
  std::atomic<std::uint64_t> retries{0};              // further attempts after the first
  std::atomic<std::uint64_t> retry_budget_exhausted{0};
  std::atomic<std::uint64_t> breaker_opened{0};
  std::atomic<std::uint64_t> breaker_closed{0};
  std::atomic<std::uint64_t> probes{0};
  std::atomic<std::uint64_t> overload{0};  // queries refused service: too many in flight

  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  // Every counter by name ("cache.hits"), in a fixed order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> snapshot() const;
};

}  // namespace holdfast::resolver
