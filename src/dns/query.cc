// Query: parsing client messages with libknot.
#include "dns/query.h"

#include <cstring>
#include <string>

namespace holdfast::dns {

namespace {

// RFC 6891 section 6.2.5: a requestor's UDP payload size below 512 is to be treated as 512.
// libknot rejects an OPT whose payload field reads 1 (the class IN), so when a query with only
// an OPT after its question fails to parse, the payload of that OPT is raised to 512 in the
// private copy and parsing is retried once. Returns true if it changed the copy.
bool raiseTinyEdnsPayload(std::uint8_t* wire, std::size_t size) {
  if (knot_wire_get_qdcount(wire) != 1 || knot_wire_get_ancount(wire) != 0 ||
      knot_wire_get_nscount(wire) != 0 || knot_wire_get_arcount(wire) == 0) {
    return false;
  }
  std::size_t at = KNOT_WIRE_HEADER_SIZE;
  while (at < size && wire[at] != 0) {
    if ((wire[at] & 0xC0) != 0) {
      return false;  // a question name is never compressed
    }
    at += 1 + wire[at];
  }
  at += 1 + 4;  // root label, QTYPE, QCLASS
  // The OPT record: owner root, TYPE 41, CLASS = payload.
  if (at + 5 > size || wire[at] != 0 || knot_wire_read_u16(wire + at + 1) != KNOT_RRTYPE_OPT ||
      knot_wire_read_u16(wire + at + 3) >= KNOT_EDNS_MIN_UDP_PAYLOAD) {
    return false;
  }
  knot_wire_write_u16(wire + at + 3, KNOT_EDNS_MIN_UDP_PAYLOAD);
  return true;
}

}  // namespace

void KnotPktDeleter::operator()(knot_pkt_t* pkt) const noexcept {
  knot_pkt_free(pkt);
}

Result<Query> Query::parse(std::span<const std::uint8_t> wire, Arena& arena) {
  if (wire.size() < KNOT_WIRE_HEADER_SIZE || wire.size() > KNOT_WIRE_MAX_PKTSIZE) {
    return makeError(Errc::kParse, "message size out of range");
  }

  // libknot may rewrite the wire while parsing (it strips TSIG), so it gets a private copy.
  void* copy = arena.allocate(wire.size());
  if (copy == nullptr) {
    return makeError(Errc::kInternal, "out of memory");
  }
  std::memcpy(copy, wire.data(), wire.size());
  auto* bytes = static_cast<std::uint8_t*>(copy);
  Result<Query> parsed = parseCopy(bytes, wire.size(), arena);
  if (!parsed.ok() && parsed.error().code == Errc::kParse &&
      raiseTinyEdnsPayload(bytes, wire.size())) {
    std::memcpy(bytes, wire.data(), wire.size());  // undo anything the failed parse rewrote
    (void)raiseTinyEdnsPayload(bytes, wire.size());
    parsed = parseCopy(bytes, wire.size(), arena);
  }
  return parsed;
}

Result<Query> Query::parseCopy(std::uint8_t* copy, std::size_t size, Arena& arena) {
  knot_pkt_t* pkt = knot_pkt_new(copy, static_cast<std::uint16_t>(size), arena.mm());
  if (pkt == nullptr) {
    return makeError(Errc::kInternal, "out of memory");
  }
  Query query(pkt);
  const int ret = knot_pkt_parse(pkt, KNOT_PF_NOCANON);
  if (ret != KNOT_EOK) {
    return makeError(Errc::kParse, knot_strerror(ret));
  }
  return query;
}

std::uint16_t Query::id() const noexcept {
  return knot_wire_get_id(pkt_->wire);
}

std::uint8_t Query::opcode() const noexcept {
  return knot_wire_get_opcode(pkt_->wire);
}

bool Query::recursionDesired() const noexcept {
  return knot_wire_get_rd(pkt_->wire) != 0;
}

std::span<const std::uint8_t> Query::qnameLower() const noexcept {
  return {knot_pkt_qname(pkt_.get()), pkt_->qname_size};
}

std::span<const std::uint8_t> Query::qnameWire() const noexcept {
  return {knot_pkt_wire_qname(pkt_.get()), pkt_->qname_size};
}

std::uint8_t Query::ednsVersion() const noexcept {
  return knot_edns_get_version(pkt_->opt_rr);
}

std::uint16_t Query::ednsPayload() const noexcept {
  return knot_edns_get_payload(pkt_->opt_rr);
}

bool Query::ednsDnssecOk() const noexcept {
  return knot_edns_do(pkt_->opt_rr);
}

bool Query::hasEdnsOption(std::uint16_t code) const noexcept {
  return hasEdns() && knot_edns_get_option(pkt_->opt_rr, code, nullptr) != nullptr;
}

}  // namespace holdfast::dns
