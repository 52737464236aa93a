// CachedMessage: an upstream answer reduced to what can be replayed to any client asking the
// same question, with the place of every TTL so it can be counted down.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "resolver/message.h"

namespace holdfast::resolver {

// What kind of answer a message is; the cache and last-known-good treat them differently.
enum class AnswerKind : std::uint8_t {
  kPositive,  // NOERROR with at least one answer record
  kNoData,    // NOERROR with an empty answer section (RFC 2308 section 2.2)
  kNxDomain,  // NXDOMAIN (RFC 2308 section 2.1)
};

// The TTL bounds applied to answers before they are cached.
struct TtlPolicy {
  std::chrono::seconds min_ttl{0};  // raises short TTLs; 0 keeps what upstreams say
  std::chrono::seconds max_ttl{std::chrono::hours(24)};
  std::chrono::seconds max_negative_ttl{std::chrono::hours(1)};  // RFC 2308 section 5 cap
};

// An immutable answer: the message without ID, OPT or TSIG, and its TTL positions. Shared by
// the cache with any number of readers.
struct CachedMessage {
  std::vector<std::uint8_t> wire;          // header, question, records; ID zero
  std::vector<std::uint16_t> ttl_offsets;  // position of each record's TTL in `wire`
  std::vector<std::uint32_t> ttls;         // each record's TTL after the policy, at caching time
  std::chrono::seconds lifetime{0};        // how long the whole answer stays fresh
  AnswerKind kind = AnswerKind::kPositive;
  std::uint16_t rcode = kRcodeNoError;

  // Approximate heap bytes, for the cache's memory bound.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return sizeof(CachedMessage) + wire.capacity() + ttl_offsets.capacity() * 2 +
           ttls.capacity() * 4;
  }
};

// Builds a CachedMessage from a NOERROR or NXDOMAIN upstream reply scanned with kRecords. The
// OPT record is dropped (each client gets its own); when it or a TSIG record is not the last
// record, the whole additional section is dropped instead, which a forwarder may always do.
// Lifetime: positive answers live for their smallest answer/authority TTL, clamped to the
// policy; negative ones for min(SOA TTL, SOA MINIMUM) capped by max_negative_ttl (RFC 2308
// section 5), and 0 (do not cache) without an SOA in the authority section (section 5 again).
// Returns kInvalidArgument for any other response code.
[[nodiscard]] Result<CachedMessage> makeCachedMessage(std::span<const std::uint8_t> wire,
                                                      const MessageInfo& info,
                                                      const TtlPolicy& policy);

}  // namespace holdfast::resolver
