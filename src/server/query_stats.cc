// Counting answers by response code, query type and latency.
#include "server/query_stats.h"

#include <algorithm>
#include <optional>

namespace holdfast::server {

namespace {

constexpr std::array<const char*, kCountedQtypes.size()> kQtypeNames{
    "A",  "NS",     "CNAME", "SOA",   "PTR",  "MX",   "TXT", "AAAA", "SRV",
    "DS", "DNSKEY", "SVCB",  "HTTPS", "IXFR", "AXFR", "ANY", "CAA"};

constexpr std::array<const char*, 11> kRcodeNames{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                  "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                  "NXRRSET", "NOTAUTH", "NOTZONE"};

// RFC 1035 section 4.1.1.
constexpr std::size_t kHeaderBytes = 12;

// The QTYPE of the first question; nothing when there is none or the message is cut short. Our
// answers never compress the question name, but a pointer is stepped over safely.
std::optional<std::uint16_t> firstQtype(std::span<const std::uint8_t> message) noexcept {
  if (message.size() < kHeaderBytes || ((message[4] << 8) | message[5]) == 0) {
    return std::nullopt;
  }
  std::size_t at = kHeaderBytes;
  while (at < message.size()) {
    const std::uint8_t length = message[at];
    if (length == 0) {
      at += 1;
      break;
    }
    if ((length & 0xc0) == 0xc0) {
      at += 2;
      break;
    }
    at += 1 + length;
  }
  if (at + 2 > message.size()) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>((message[at] << 8) | message[at + 1]);
}

}  // namespace

std::size_t qtypeBucket(std::uint16_t qtype) noexcept {
  const auto it = std::find(kCountedQtypes.begin(), kCountedQtypes.end(), qtype);
  return static_cast<std::size_t>(it - kCountedQtypes.begin());
}

const char* qtypeBucketName(std::size_t bucket) noexcept {
  return bucket < kQtypeNames.size() ? kQtypeNames[bucket] : "other";
}

std::string rcodeName(std::size_t rcode) {
  return rcode < kRcodeNames.size() ? std::string(kRcodeNames[rcode])
                                    : "RCODE" + std::to_string(rcode);
}

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
  if (answer.size() < kHeaderBytes) {
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
