// Query: parsing client messages with libknot.
#include "dns/query.h"

#include <cstring>
#include <string>

namespace holdfast::dns {

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
  knot_pkt_t* pkt = knot_pkt_new(copy, static_cast<std::uint16_t>(wire.size()), arena.mm());
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
