// Answer counters of the authoritative front ends: by response code and query type, with an
// answer latency histogram; written by one worker thread each, summed at scrape time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/dns_counting.h"

namespace holdfast::server {

// Counted query types, rcode buckets and their names: common/dns_counting.h.
using holdfast::kCountedQtypes;
using holdfast::kQtypeBuckets;
using holdfast::kRcodeBuckets;
using holdfast::qtypeBucket;
using holdfast::qtypeBucketName;
using holdfast::rcodeName;

// Upper bounds of the answer latency buckets in nanoseconds: 10 us to 1 s. Answers from memory
// take microseconds; the upper buckets catch a stalled worker.
inline constexpr std::array<std::uint64_t, 14> kLatencyBoundsNs{
    10'000,    25'000,    50'000,     100'000,    250'000,     500'000,     1'000'000,
    2'500'000, 5'000'000, 10'000'000, 25'000'000, 100'000'000, 250'000'000, 1'000'000'000};
inline constexpr std::size_t kLatencyBuckets = kLatencyBoundsNs.size() + 1;  // plus overflow

// Index of the latency bucket that holds `latency`.
[[nodiscard]] std::size_t latencyBucket(std::chrono::nanoseconds latency) noexcept;

// A point-in-time copy of one transport's answer counters (plain numbers).
struct QueryStats {
  std::array<std::array<std::uint64_t, kQtypeBuckets>, kRcodeBuckets> answers{};
  std::array<std::uint64_t, kLatencyBuckets> latency{};  // per bucket, not cumulative
  std::uint64_t latency_sum_ns = 0;

  QueryStats& operator+=(const QueryStats& other) noexcept;
};

// The live answer counters of one listener. Only the listener's worker thread writes them, so
// an increment is a relaxed load and store (no read-modify-write, no lock, no cache line shared
// with another writer); any thread may read them. Thread-safe in that sense.
class alignas(64) QueryCounters {
public:
  // Counts one answer by the RCODE and QTYPE in `answer` (the message as sent). A message too
  // short for a header is not counted; one without a readable question counts as "other".
  void countAnswer(std::span<const std::uint8_t> answer) noexcept;

  // Counts `answers` answers that each took `latency` from arrival to hand-over to the kernel.
  void countLatency(std::chrono::nanoseconds latency, std::uint64_t answers = 1) noexcept;

  [[nodiscard]] QueryStats snapshot() const noexcept;

private:
  static void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::array<std::array<std::atomic<std::uint64_t>, kQtypeBuckets>, kRcodeBuckets> answers_{};
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets> latency_{};
  std::atomic<std::uint64_t> latency_sum_ns_{0};
};

}  // namespace holdfast::server
