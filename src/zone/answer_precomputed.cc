// The fast path of answerQuery: the query read by hand, a precomputed answer copied out.
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "dns/knot.h"
#include "zone/answer_internal.h"

namespace holdfast::zone {

namespace {

constexpr std::size_t kHeaderSize = 12;

// A bare OPT record: root owner, type, class (the payload), TTL (extended RCODE, version and
// flags) and an empty RDATA (RFC 6891 section 6.1.2).
constexpr std::size_t kOptSize = 11;

// Header octet 2.
constexpr std::uint8_t kFlagQr = 0x80;
constexpr std::uint8_t kOpcodeMask = 0x78;
constexpr std::uint8_t kFlagAa = 0x04;
constexpr std::uint8_t kFlagRd = 0x01;

// Header octet 3.
constexpr std::uint8_t kFlagCd = 0x10;
constexpr std::uint8_t kRcodeMask = 0x0f;

// The DO bit of the OPT record's flags (RFC 3225 section 3).
constexpr std::uint16_t kFlagDo = 0x8000;

constexpr std::uint8_t kMaxLabel = 63;

// What the fast path needs of a query it may answer.
struct PlainQuery {
  std::size_t qname_size = 0;  // the question name starts at kHeaderSize
  std::uint16_t qtype = 0;
  bool edns = false;
  std::uint16_t edns_payload = 0;
  bool dnssec_ok = false;
};

// Reads the question name at kHeaderSize into `lower`, lowercased (ASCII only, as libknot
// does), and returns its size, or 0 when it is not plain labels ending inside `query`.
std::size_t readQname(std::span<const std::uint8_t> query, std::uint8_t* lower) noexcept {
  std::size_t pos = kHeaderSize;
  while (true) {
    if (pos >= query.size() || pos - kHeaderSize >= dns::Name::kMaxWireSize) {
      return 0;
    }
    const std::uint8_t length = query[pos];
    if (length > kMaxLabel) {
      return 0;  // a compression pointer or a reserved label type: left to libknot
    }
    if (length == 0) {
      break;
    }
    pos += length + 1U;
  }
  const std::size_t size = pos + 1 - kHeaderSize;
  for (std::size_t i = 0; i < size; ++i) {
    const std::uint8_t c = query[kHeaderSize + i];
    // Length octets are at most 63, below 'A', so lowering the whole name leaves them alone.
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
  }
  return size;
}

// Reads `query` if it is one the fast path may answer: a query (QR clear) with opcode QUERY and
// RCODE 0, exactly one question of class IN and nothing else but an optional bare OPT record of
// version 0 with no flag other than DO and no extended RCODE. Anything else goes to libknot.
std::optional<PlainQuery> readPlainQuery(std::span<const std::uint8_t> query,
                                         std::uint8_t* lower) noexcept {
  const std::uint8_t* wire = query.data();
  if (query.size() < kHeaderSize || (wire[2] & (kFlagQr | kOpcodeMask)) != 0 ||
      (wire[3] & kRcodeMask) != 0 || knot_wire_read_u16(wire + 4) != 1 ||
      knot_wire_read_u16(wire + 6) != 0 || knot_wire_read_u16(wire + 8) != 0 ||
      knot_wire_read_u16(wire + 10) > 1) {
    return std::nullopt;
  }

  PlainQuery plain;
  plain.qname_size = readQname(query, lower);
  std::size_t pos = kHeaderSize + plain.qname_size;
  if (plain.qname_size == 0 || pos + 4 > query.size() ||
      knot_wire_read_u16(wire + pos + 2) != KNOT_CLASS_IN) {
    return std::nullopt;
  }
  plain.qtype = knot_wire_read_u16(wire + pos);
  pos += 4;
  if (knot_wire_read_u16(wire + 10) == 0) {
    return pos == query.size() ? std::optional(plain) : std::nullopt;
  }

  if (query.size() - pos != kOptSize || wire[pos] != 0 ||
      knot_wire_read_u16(wire + pos + 1) != KNOT_RRTYPE_OPT || wire[pos + 5] != 0 ||
      wire[pos + 6] != KNOT_EDNS_VERSION || (knot_wire_read_u16(wire + pos + 7) & ~kFlagDo) != 0 ||
      knot_wire_read_u16(wire + pos + 9) != 0) {
    return std::nullopt;
  }
  plain.edns = true;
  plain.edns_payload = knot_wire_read_u16(wire + pos + 3);
  plain.dnssec_ok = (knot_wire_read_u16(wire + pos + 7) & kFlagDo) != 0;
  return plain;
}

// The same limit answerFull applies (RFC 6891 section 6.2.5 for a payload below 512).
std::size_t sizeLimit(const PlainQuery& plain, Transport transport, std::size_t out_size) noexcept {
  std::size_t limit = KNOT_WIRE_MAX_PKTSIZE;
  if (transport == Transport::kUdp) {
    limit = plain.edns
                ? std::max<std::size_t>(kClassicUdpLimit,
                                        std::min<std::size_t>(plain.edns_payload, kEdnsUdpPayload))
                : kClassicUdpLimit;
  }
  return std::min(limit, out_size);
}

// The stored answer for the question, or nullopt. DS belongs to the parent side of a cut, which
// may be another zone (see zoneFor in answer_internet.cc), so it is never stored.
std::optional<PrecomputedAnswer> findAnswer(const Snapshot& snapshot,
                                            std::span<const std::uint8_t> lower,
                                            std::uint16_t qtype) noexcept {
  if (qtype == KNOT_RRTYPE_DS) {
    return std::nullopt;
  }
  const Zone* zone = snapshot.findZone(lower);
  const Node* node = zone == nullptr ? nullptr : zone->findNode(lower);
  const dns::RRset* rrset = node == nullptr ? nullptr : node->find(qtype);
  return rrset == nullptr ? std::nullopt : zone->precomputed(*rrset);
}

// The OPT record dns::Response writes: our payload, version 0, DO echoed, no options.
void writeOpt(std::uint8_t* at, bool dnssec_ok) noexcept {
  at[0] = 0;
  knot_wire_write_u16(at + 1, KNOT_RRTYPE_OPT);
  knot_wire_write_u16(at + 3, kEdnsUdpPayload);
  at[5] = 0;
  at[6] = KNOT_EDNS_VERSION;
  knot_wire_write_u16(at + 7, dnssec_ok ? kFlagDo : 0);
  knot_wire_write_u16(at + 9, 0);
}

}  // namespace

std::size_t answerPrecomputed(const Snapshot& snapshot,
                              std::span<const std::uint8_t> query,
                              std::span<std::uint8_t> out,
                              Transport transport) noexcept {
  std::array<std::uint8_t, dns::Name::kMaxWireSize> lower;
  const auto plain = readPlainQuery(query, lower.data());
  if (!plain.has_value()) {
    return 0;
  }
  const auto answer = findAnswer(snapshot, {lower.data(), plain->qname_size}, plain->qtype);
  if (!answer.has_value()) {
    return 0;
  }
  const std::size_t question_size = plain->qname_size + 4;
  const std::size_t body_at = kHeaderSize + question_size;
  const std::size_t size = body_at + answer->body.size() + (plain->edns ? kOptSize : 0);
  if (size > sizeLimit(*plain, transport, out.size())) {
    return 0;  // the full path truncates or leaves additional records out
  }

  // The header as dns::Response makes it: ID, opcode, RD and CD kept; QR and AA set; TC, RA, Z
  // and AD clear. Read before writing: `out` may be `query` itself.
  const std::uint8_t flags2 = query[2];
  const std::uint8_t flags3 = query[3];
  std::memmove(out.data(), query.data(), 2);
  std::memmove(out.data() + kHeaderSize, query.data() + kHeaderSize, question_size);
  out[2] = static_cast<std::uint8_t>(kFlagQr | kFlagAa | (flags2 & kFlagRd));
  out[3] = static_cast<std::uint8_t>(flags3 & kFlagCd);
  knot_wire_write_u16(out.data() + 4, 1);
  knot_wire_write_u16(out.data() + 6, answer->ancount);
  knot_wire_write_u16(out.data() + 8, answer->nscount);
  knot_wire_write_u16(out.data() + 10,
                      static_cast<std::uint16_t>(answer->arcount + (plain->edns ? 1 : 0)));
  std::memcpy(out.data() + body_at, answer->body.data(), answer->body.size());
  if (plain->edns) {
    writeOpt(out.data() + body_at + answer->body.size(), plain->dnssec_ok);
  }
  return size;
}

}  // namespace holdfast::zone
