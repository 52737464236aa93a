// Naming the resolver's counters.
#include "resolver/stats.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace holdfast::resolver {

namespace {

constexpr std::array<const char*, kCountedQtypes.size()> kQtypeNames{
    "A",    "NS",  "CNAME", "SOA",    "PTR",  "MX",    "TXT",
    "AAAA", "SRV", "DS",    "DNSKEY", "SVCB", "HTTPS", "ANY"};

constexpr std::array<const char*, 11> kRcodeNames{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                  "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                  "NXRRSET", "NOTAUTH", "NOTZONE"};

constexpr std::size_t kHeaderOctets = 12;

// The QTYPE of the first question, or nothing when the message has none or is cut short.
// Question names are never compressed in what we send, but a pointer is followed over safely.
std::optional<std::uint16_t> firstQtype(std::span<const std::uint8_t> message) noexcept {
  if (message.size() < kHeaderOctets || ((message[4] << 8) | message[5]) == 0) {
    return std::nullopt;
  }
  std::size_t at = kHeaderOctets;
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
                                    : fmt::format("RCODE{}", rcode);
}

void ResolverStats::recordAnswer(ClientTransport transport,
                                 std::span<const std::uint8_t> reply,
                                 std::chrono::steady_clock::duration latency) noexcept {
  if (reply.size() < kHeaderOctets) {
    return;
  }
  const std::size_t t = transport == ClientTransport::kTcp ? 1 : 0;
  const std::size_t rcode = reply[3] & 0x0f;
  const auto qtype = firstQtype(reply);
  const std::size_t q = qtype ? qtypeBucket(*qtype) : kCountedQtypes.size();
  add(answers[t][rcode][q]);

  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(latency).count()));
  const auto bucket = std::lower_bound(kLatencyBoundsUs.begin(), kLatencyBoundsUs.end(), us);
  add(latency_buckets[static_cast<std::size_t>(bucket - kLatencyBoundsUs.begin())]);
  add(latency_sum_us, us);
}

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
      {"hedges", get(hedges)},
      {"active.probes", get(active_probes)},
      {"active.probe.failures", get(active_probe_failures)},
  };
}

}  // namespace holdfast::resolver
