// Turning an upstream reply into a replayable CachedMessage.
#include "resolver/cached_message.h"

#include <algorithm>
#include <limits>

namespace holdfast::resolver {

namespace {

// The MINIMUM field is the last 32 bits of SOA rdata (RFC 1035 section 3.3.13); rdata shorter
// than two root names and five fields is malformed.
constexpr std::size_t kMinSoaRdata = 22;

std::uint32_t clampSeconds(std::uint32_t value,
                           std::chrono::seconds low,
                           std::chrono::seconds high) {
  const auto lo = static_cast<std::uint64_t>(low.count());
  const auto hi = static_cast<std::uint64_t>(std::max(high, low).count());
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(value, lo, hi));
}

// Negative answer lifetime from the authority SOA, or 0 without one.
std::uint32_t negativeLifetime(std::span<const std::uint8_t> wire, const MessageInfo& info) {
  for (const RecordInfo& r : info.records) {
    if (r.section == SectionId::kAuthority && r.type == kTypeSoa && r.rdlength >= kMinSoaRdata) {
      const std::uint32_t minimum = readU32(wire, r.rdata_offset + r.rdlength - 4);
      return std::min(r.ttl, minimum);
    }
  }
  return 0;
}

}  // namespace

Result<CachedMessage> makeCachedMessage(std::span<const std::uint8_t> wire,
                                        const MessageInfo& info,
                                        const TtlPolicy& policy) {
  const std::uint16_t rcode = info.rcode();
  if (rcode != kRcodeNoError && rcode != kRcodeNxDomain) {
    return makeError(Errc::kInvalidArgument, "only NOERROR and NXDOMAIN answers are cached");
  }
  CachedMessage message;
  message.rcode = rcode;
  message.kind = rcode == kRcodeNxDomain ? AnswerKind::kNxDomain
                 : info.ancount > 0      ? AnswerKind::kPositive
                                         : AnswerKind::kNoData;

  // Keep everything up to the OPT or TSIG record when it is last; otherwise cut at the
  // additional section.
  std::size_t keep = info.records.size();
  std::size_t end = info.records.empty() ? info.question_end : info.records.back().end;
  for (std::size_t i = 0; i < info.records.size(); ++i) {
    const RecordInfo& r = info.records[i];
    if (r.type == kTypeOpt || r.type == kTypeTsig) {
      const bool last = i + 1 == info.records.size() ||
                        (i + 2 == info.records.size() && info.records[i + 1].type == kTypeTsig);
      keep = last ? i : std::size_t{info.ancount} + info.nscount;
      end = keep == 0 ? info.question_end : info.records[keep - 1].end;
      break;
    }
  }
  message.wire.assign(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(end));
  writeU16(message.wire, 0, 0);
  const std::size_t additional = keep - std::min<std::size_t>(keep, info.ancount + info.nscount);
  writeU16(message.wire, 10, static_cast<std::uint16_t>(additional));

  // Lifetime of the whole answer.
  std::uint32_t lifetime = std::numeric_limits<std::uint32_t>::max();
  if (message.kind == AnswerKind::kPositive) {
    for (std::size_t i = 0; i < keep; ++i) {
      if (info.records[i].section != SectionId::kAdditional) {
        lifetime = std::min(lifetime, info.records[i].ttl);
      }
    }
    lifetime = clampSeconds(lifetime, policy.min_ttl, policy.max_ttl);
  } else {
    const std::uint32_t negative = negativeLifetime(wire, info);
    lifetime = negative == 0 ? 0
                             : clampSeconds(negative, policy.min_ttl,
                                            std::min(policy.max_negative_ttl, policy.max_ttl));
  }
  message.lifetime = std::chrono::seconds(lifetime);

  // Record TTLs as they will be counted down: never above the policy, and in a negative answer
  // never above the negative lifetime.
  message.ttl_offsets.reserve(keep);
  message.ttls.reserve(keep);
  for (std::size_t i = 0; i < keep; ++i) {
    const RecordInfo& r = info.records[i];
    std::uint32_t ttl = clampSeconds(r.ttl, policy.min_ttl, policy.max_ttl);
    if (message.kind != AnswerKind::kPositive) {
      ttl = std::min(ttl, lifetime);
    }
    message.ttl_offsets.push_back(r.ttl_offset);
    message.ttls.push_back(ttl);
  }
  return message;
}

}  // namespace holdfast::resolver
