// Query: a DNS message from a client, parsed by libknot.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "common/result.h"
#include "dns/arena.h"
#include "dns/knot.h"

namespace holdfast::dns {

// Frees a knot_pkt_t (and whatever it allocated from its memory context).
struct KnotPktDeleter {
  void operator()(knot_pkt_t* pkt) const noexcept;
};

// A fully parsed query. Holds its own copy of the wire bytes, taken from the Arena, which must
// outlive the Query. Move-only; a moved-from Query may only be destroyed or assigned to.
class Query {
public:
  // Copies `wire` and parses header, question and all records. Returns kParse when the message
  // is malformed: shorter than a header, more than one question, a bad name, truncated records,
  // trailing bytes, or a misplaced or repeated OPT or TSIG record. An OPT payload size below
  // 512 is read as 512 (RFC 6891 section 6.2.5), never as malformed.
  [[nodiscard]] static Result<Query> parse(std::span<const std::uint8_t> wire, Arena& arena);

  [[nodiscard]] std::uint16_t id() const noexcept;
  [[nodiscard]] std::uint8_t opcode() const noexcept;
  [[nodiscard]] bool recursionDesired() const noexcept;

  [[nodiscard]] bool hasQuestion() const noexcept { return pkt_->qname_size != 0; }

  // The question name lowercased, for lookups. REQUIRES: hasQuestion().
  [[nodiscard]] std::span<const std::uint8_t> qnameLower() const noexcept;

  // The question name exactly as received. REQUIRES: hasQuestion().
  [[nodiscard]] std::span<const std::uint8_t> qnameWire() const noexcept;

  [[nodiscard]] std::uint16_t qtype() const noexcept { return knot_pkt_qtype(pkt_.get()); }

  [[nodiscard]] std::uint16_t qclass() const noexcept { return knot_pkt_qclass(pkt_.get()); }

  // EDNS (RFC 6891): whether the query carried an OPT record, and its fields.
  [[nodiscard]] bool hasEdns() const noexcept { return pkt_->opt_rr != nullptr; }

  // REQUIRES: hasEdns() for the three accessors below.
  [[nodiscard]] std::uint8_t ednsVersion() const noexcept;
  [[nodiscard]] std::uint16_t ednsPayload() const noexcept;
  [[nodiscard]] bool ednsDnssecOk() const noexcept;

  // Whether the OPT record carries an option with `code` (RFC 6891 section 6.1.2); options we do
  // not know are never looked at, so they are ignored as section 6.1.2 asks.
  [[nodiscard]] bool hasEdnsOption(std::uint16_t code) const noexcept;

  // The libknot packet; owned by this Query.
  [[nodiscard]] const knot_pkt_t& knot() const noexcept { return *pkt_; }

private:
  explicit Query(knot_pkt_t* pkt) noexcept : pkt_(pkt) {}

  // Parses `size` bytes at `copy`, which must outlive the query.
  static Result<Query> parseCopy(std::uint8_t* copy, std::size_t size, Arena& arena);

  std::unique_ptr<knot_pkt_t, KnotPktDeleter> pkt_;
};

}  // namespace holdfast::dns
