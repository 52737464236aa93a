// ResolverStats: the resolver's counters: per worker thread for every answer, shared for rarer
// events.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/dns_counting.h"
#include "resolver/client_query.h"

namespace holdfast::resolver {

// Counted query types, rcode buckets and their names: common/dns_counting.h.
using holdfast::kCountedQtypes;
using holdfast::kQtypeBuckets;
using holdfast::kRcodeBuckets;
using holdfast::qtypeBucket;
using holdfast::qtypeBucketName;
using holdfast::rcodeName;
inline constexpr std::size_t kTransportBuckets = 2;  // UDP, TCP

// Upper bounds of the answer latency buckets, in microseconds: 100 us to 5 s, roughly three
// per decade, covering cache hits (tens of microseconds) through a client deadline (seconds).
inline constexpr std::array<std::uint64_t, 15> kLatencyBoundsUs{
    100,    250,     500,     1'000,   2'500,     5'000,     10'000,   25'000,
    50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000};
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsUs.size() + 1;  // plus overflow

// The counters every answered query moves. Each worker thread writes a block of its own (see
// ResolverStats::local), so the answer path never shares a cache line with another thread.
struct alignas(64) HotCounters {
  std::atomic<std::uint64_t> queries{0};       // client queries received
  std::atomic<std::uint64_t> cache_hits{0};    // answered fresh from the cache
  std::atomic<std::uint64_t> cache_misses{0};  // needed an upstream
  // Answers sent to clients by transport, response code and query type.
  std::array<std::array<std::array<std::atomic<std::uint64_t>, kQtypeBuckets>, kRcodeBuckets>,
             kTransportBuckets>
      answers{};
  // Time from a query's arrival to its answer being handed to the socket.
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets> latency_buckets{};
  std::atomic<std::uint64_t> latency_sum_us{0};
};

// The sum of every thread's HotCounters at one moment, as plain numbers.
struct HotTotals {
  std::uint64_t queries = 0;
  std::uint64_t cache_hits = 0;
  std::uint64_t cache_misses = 0;
  std::array<std::array<std::array<std::uint64_t, kQtypeBuckets>, kRcodeBuckets>, kTransportBuckets>
      answers{};
  std::array<std::uint64_t, kLatencyBuckets> latency_buckets{};
  std::uint64_t latency_sum_us = 0;
};

// Blocks of HotCounters; threads take them in turn, so up to this many worker threads each
// write a block of their own (more share, still correctly: increments are atomic).
inline constexpr std::size_t kHotCounterBlocks = 16;

// One counter per event the operator may alert on. Relaxed atomics: totals need no ordering,
// and nothing counts under a lock; exporters read them at scrape time. The counters of every
// answer are per thread (`local()`, summed by `hot()`); the others count rarer events
// (upstream traffic, breakers, refusals) and are shared by every worker thread.
// Thread-safe.
struct ResolverStats {
  std::atomic<std::uint64_t> refused{0};           // clients outside the allow-list
  std::atomic<std::uint64_t> malformed{0};         // client queries that could not be parsed
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
  std::atomic<std::uint64_t> overload{0};       // queries refused service: too many in flight
  std::atomic<std::uint64_t> hedges{0};         // attempts sent while another was still out
  std::atomic<std::uint64_t> active_probes{0};  // periodic health queries sent
  std::atomic<std::uint64_t> active_probe_failures{0};  // ... that got no usable answer

  std::array<HotCounters, kHotCounterBlocks> hot_blocks{};

  // The calling thread's block of answer counters.
  [[nodiscard]] HotCounters& local() noexcept;

  // Every thread's answer counters summed.
  [[nodiscard]] HotTotals hot() const noexcept;

  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  // Counts one answer sent to a client: `reply` is the message as sent, `latency` the time
  // since its query arrived. Never fails; a reply too short to read is ignored.
  void recordAnswer(ClientTransport transport,
                    std::span<const std::uint8_t> reply,
                    std::chrono::steady_clock::duration latency) noexcept;

  // Every counter by name ("cache.hits"), in a fixed order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> snapshot() const;
};

}  // namespace holdfast::resolver
