// Writing upstream queries, error replies and cached answers.
#include "resolver/reply.h"

#include <algorithm>
#include <cstring>

namespace holdfast::resolver {

namespace {

// Header flag bits (RFC 1035 section 4.1.1, RFC 4035 section 3.2).
constexpr std::uint16_t kFlagQr = 0x8000;
constexpr std::uint16_t kFlagTc = 0x0200;
constexpr std::uint16_t kFlagRd = 0x0100;
constexpr std::uint16_t kFlagRa = 0x0080;
constexpr std::uint16_t kFlagCd = 0x0010;

// Writes an OPT record at `at`; returns the position after it.
std::size_t writeOpt(std::span<std::uint8_t> out,
                     std::size_t at,
                     std::uint8_t extended_rcode,
                     bool dnssec_ok) noexcept {
  out[at] = 0;  // root owner
  writeU16(out, at + 1, kTypeOpt);
  writeU16(out, at + 3, kEdnsPayload);
  const std::uint32_t ttl = (std::uint32_t{extended_rcode} << 24) | (dnssec_ok ? 0x8000u : 0u);
  writeU32(out, at + 5, ttl);
  writeU16(out, at + 9, 0);
  return at + kOptBytes;
}

// The reply flags for `client`: QR, its opcode, RD and CD, RA, and the low rcode bits.
std::uint16_t replyFlags(const ClientQuery& client, std::uint16_t rcode) noexcept {
  std::uint16_t flags =
      kFlagQr | kFlagRa | static_cast<std::uint16_t>((client.opcode & 0x0f) << 11);
  if (client.recursion_desired) {
    flags |= kFlagRd;
  }
  if (client.checking_disabled) {
    flags |= kFlagCd;
  }
  return flags | (rcode & 0x0f);
}

// Header and question with no records, plus OPT when the client sent one.
std::size_t writeEmptyReply(const ClientQuery& client,
                            std::uint16_t rcode,
                            std::uint16_t extra_flags,
                            std::span<std::uint8_t> out) noexcept {
  const std::size_t size = kHeaderBytes + client.question_size + (client.edns ? kOptBytes : 0);
  if (out.size() < size) {
    return 0;
  }
  writeU16(out, 0, client.id);
  writeU16(out, 2, replyFlags(client, rcode) | extra_flags);
  writeU16(out, 4, client.question_size > 0 ? 1 : 0);
  writeU16(out, 6, 0);
  writeU16(out, 8, 0);
  writeU16(out, 10, client.edns ? 1 : 0);
  std::memcpy(out.data() + kHeaderBytes, client.question.data(), client.question_size);
  if (client.edns) {
    writeOpt(out, kHeaderBytes + client.question_size, static_cast<std::uint8_t>(rcode >> 4),
             client.dnssec_ok);
  }
  return size;
}

}  // namespace

std::size_t writeUpstreamQuery(std::span<const std::uint8_t> qname,
                               std::uint16_t qtype,
                               std::uint16_t qclass,
                               const UpstreamQueryOptions& options,
                               std::span<std::uint8_t> out) noexcept {
  writeU16(out, 0, options.id);
  writeU16(out, 2, static_cast<std::uint16_t>(kFlagRd | (options.checking_disabled ? kFlagCd : 0)));
  writeU16(out, 4, 1);
  writeU16(out, 6, 0);
  writeU16(out, 8, 0);
  writeU16(out, 10, options.edns ? 1 : 0);
  std::memcpy(out.data() + kHeaderBytes, qname.data(), qname.size());
  std::size_t at = kHeaderBytes + qname.size();
  writeU16(out, at, qtype);
  writeU16(out, at + 2, qclass);
  at += 4;
  if (options.edns) {
    at = writeOpt(out, at, 0, options.dnssec_ok);
  }
  return at;
}

std::size_t writeErrorReply(const ClientQuery& client,
                            std::uint16_t rcode,
                            std::span<std::uint8_t> out) noexcept {
  if (rcode > 0x0f && !client.edns) {
    rcode = kRcodeFormErr;
  }
  return writeEmptyReply(client, rcode, 0, out);
}

std::size_t writeCachedAnswer(const CachedMessage& message,
                              const ClientQuery& client,
                              const AnswerTtl& ttl,
                              std::span<std::uint8_t> out) noexcept {
  const std::size_t size = message.wire.size() + (client.edns ? kOptBytes : 0);
  const std::size_t question_end = kHeaderBytes + client.question_size;
  if (size > client.max_reply_bytes || message.wire.size() < question_end) {
    // RFC 2181 section 9: a truncated reply carries nothing the client could mistake as whole.
    return writeEmptyReply(client, message.rcode, kFlagTc, out);
  }
  if (out.size() < size) {
    return 0;
  }
  std::memcpy(out.data(), message.wire.data(), message.wire.size());
  writeU16(out, 0, client.id);
  writeU16(out, 2, replyFlags(client, message.rcode));
  std::memcpy(out.data() + kHeaderBytes, client.question.data(), client.question_size);

  const auto age = static_cast<std::uint64_t>(std::max<std::int64_t>(ttl.age.count(), 0));
  for (std::size_t i = 0; i < message.ttl_offsets.size(); ++i) {
    const std::uint32_t value =
        ttl.mode == TtlMode::kStale
            ? ttl.stale_ttl_seconds
            : static_cast<std::uint32_t>(message.ttls[i] > age ? message.ttls[i] - age : 0);
    writeU32(out, message.ttl_offsets[i], value);
  }

  if (client.edns) {
    writeOpt(out, message.wire.size(), 0, client.dnssec_ok);
    writeU16(out, 10, static_cast<std::uint16_t>(readU16(out, 10) + 1));
  }
  return size;
}

}  // namespace holdfast::resolver
