// Writing messages: queries to upstreams, error replies and answers from the cache to clients.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/cached_message.h"
#include "resolver/client_query.h"
#include "resolver/message.h"

namespace holdfast::resolver {

// What an upstream query carries besides the question.
struct UpstreamQueryOptions {
  std::uint16_t id = 0;
  bool edns = true;  // off for upstreams that reject EDNS (RFC 6891 section 7 fallback)
  bool dnssec_ok = false;
  bool checking_disabled = false;
};

// The largest query we send: header, a 255-octet name, type, class and an OPT record.
inline constexpr std::size_t kMaxUpstreamQueryBytes = kHeaderBytes + 255 + 4 + kOptBytes;

// Writes a recursive query for `qname` (uncompressed wire), `qtype`, `qclass` into `out` and
// returns its length. REQUIRES: out.size() >= kMaxUpstreamQueryBytes.
[[nodiscard]] std::size_t writeUpstreamQuery(std::span<const std::uint8_t> qname,
                                             std::uint16_t qtype,
                                             std::uint16_t qclass,
                                             const UpstreamQueryOptions& options,
                                             std::span<std::uint8_t> out) noexcept;

// Writes a reply with no records and response code `rcode` (SERVFAIL, REFUSED, FORMERR,
// NOTIMP, BADVERS) to `client`, with an OPT record when the client sent one. Returns its length;
// 0 when `out` is too small. Extended codes (BADVERS) need client EDNS; without it they are
// sent as FORMERR.
[[nodiscard]] std::size_t writeErrorReply(const ClientQuery& client,
                                          std::uint16_t rcode,
                                          std::span<std::uint8_t> out) noexcept;

// How the TTLs of a cached answer are written.
enum class TtlMode {
  kCountDown,  // each TTL less the time since the answer was cached
  kStale,      // every TTL set to the stale answer TTL (RFC 8767 section 4)
};

struct AnswerTtl {
  TtlMode mode = TtlMode::kCountDown;
  std::chrono::seconds age{0};           // time since the answer was cached (kCountDown)
  std::uint32_t stale_ttl_seconds = 30;  // (kStale)
};

// Writes `message` as the answer to `client`: the client's ID and question spelling, RD and CD
// from the client, RA set, AA and AD cleared, TTLs as `ttl` says, and an OPT record when the
// client sent one. When the result would exceed client.max_reply_bytes, writes a truncated reply
// (TC set, no records) instead. Returns the length, or 0 when `out` is too small.
[[nodiscard]] std::size_t writeCachedAnswer(const CachedMessage& message,
                                            const ClientQuery& client,
                                            const AnswerTtl& ttl,
                                            std::span<std::uint8_t> out) noexcept;

}  // namespace holdfast::resolver
