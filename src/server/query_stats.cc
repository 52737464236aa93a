// Counting answers by response code, query type and latency.
#include "server/query_stats.h"

#include <algorithm>
#include <optional>

namespace holdfast::server {

std::size_t latencyBucket(std::chrono::nanoseconds latency) noexcept {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count()));
  const auto it = std::lower_bound(kLatencyBoundsNs.begin(), kLatencyBoundsNs.end(), ns);
  return static_cast<std::size_t>(it - kLatencyBoundsNs.begin());
}

QueryStats& QueryStats::operator+=(const QueryStats& other) noexcept {
  for (std::size_t r = 0; r < kRcodeBuckets; ++r) {
    for (std::size_t q = 0; q < kQtypeBuckets; ++q) {
      answers[r][q] += other.answers[r][q];
    }
  }
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    latency[i] += other.latency[i];
  }
  latency_sum_ns += other.latency_sum_ns;
  return *this;
}

void QueryCounters::countAnswer(std::span<const std::uint8_t> answer) noexcept {
  if (answer.size() < kDnsHeaderBytes) {
    return;
  }
  const auto qtype = firstQtype(answer);
  bump(answers_[answer[3] & 0x0f][qtype ? qtypeBucket(*qtype) : kCountedQtypes.size()]);
}

void QueryCounters::countLatency(std::chrono::nanoseconds latency, std::uint64_t answers) noexcept {
  if (answers == 0) {
    return;
  }
  bump(latency_[latencyBucket(latency)], answers);
  bump(latency_sum_ns_,
       static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())) * answers);
}

QueryStats QueryCounters::snapshot() const noexcept {
  QueryStats out;
  for (std::size_t r = 0; r < kRcodeBuckets; ++r) {
    for (std::size_t q = 0; q < kQtypeBuckets; ++q) {
      out.answers[r][q] = answers_[r][q].load(std::memory_order_relaxed);
    }
  }
  for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
    out.latency[i] = latency_[i].load(std::memory_order_relaxed);
  }
  out.latency_sum_ns = latency_sum_ns_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace holdfast::server
