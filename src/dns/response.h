// Response: writes a reply to a parsed Query into a caller's buffer through libknot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "common/result.h"
#include "dns/arena.h"
#include "dns/query.h"
#include "dns/rrset.h"

namespace holdfast::dns {

enum class Section {
  kAnswer,
  kAuthority,
  kAdditional
};

enum class PutResult {
  kOk,
  kNoSpace,  // the RRset did not fit; nothing of it was written
  kError,    // sections out of order or memory exhausted
};

// The OPT record to send back (RFC 6891 section 6.1).
struct EdnsReply {
  std::uint16_t payload = 1232;  // our UDP payload size
  bool dnssec_ok = false;        // copied from the query (RFC 3225 section 3)
  // Sent as the NSID option (RFC 5001 section 2.3) when not empty; must outlive the Response.
  std::span<const std::uint8_t> nsid;
};

// One record made while answering, such as the CNAME synthesized from a DNAME (RFC 6672 section
// 3.1). The views need only live until put() returns: it copies them.
struct RecordView {
  std::span<const std::uint8_t> owner;  // uncompressed wire name
  std::uint16_t rrtype = 0;
  std::uint16_t rrclass = KNOT_CLASS_IN;
  std::uint32_t ttl_seconds = 0;
  std::span<const std::uint8_t> rdata;
};

// A response under construction. The header and question are copied from the query, so the
// question keeps the client's case; QR is set, AA, TC, RA, AD and Z are cleared, ID, opcode, RD
// and CD are kept. Records must be added section by section in order; an owner equal to the
// question name is written as a compression pointer to it. Room for the OPT record is reserved
// up front and it is written by finish(). Not thread-safe; `out`, the Query and the Arena must
// outlive the Response.
class Response {
public:
  // Returns kInvalidArgument when the header, question and OPT record do not fit in `out`.
  [[nodiscard]] static Result<Response> create(std::span<std::uint8_t> out,
                                               const Query& query,
                                               Arena& arena,
                                               std::optional<EdnsReply> edns);

  // The response code; values above 15 need EDNS (their upper bits go into the OPT record).
  void setRcode(std::uint16_t rcode) noexcept;
  void setAuthoritative() noexcept;

  // Adds every record of `rrset` to `section`, or nothing.
  [[nodiscard]] PutResult put(Section section, const RRset& rrset) noexcept;

  // The same with `owner`, an uncompressed wire name that must outlive the Response, written in
  // place of the RRset's own owner: wildcard synthesis (RFC 4592 section 3.3.1) and glue found
  // through a wildcard.
  [[nodiscard]] PutResult put(Section section,
                              const RRset& rrset,
                              std::span<const std::uint8_t> owner) noexcept;

  // Adds one record built on the answer path; owner and rdata are copied into the arena.
  [[nodiscard]] PutResult put(Section section, const RecordView& record) noexcept;

  // Copies `bytes` into the arena, for an owner name that must outlive put(); an empty span when
  // memory runs out.
  [[nodiscard]] std::span<const std::uint8_t> keep(std::span<const std::uint8_t> bytes) noexcept;

  // Drops every record written so far; header flags and the response code stay.
  void clearRecords() noexcept;

  // Drops every record and sets TC (RFC 2181 section 9): what remains is header, question and,
  // after finish(), the OPT record.
  void truncate() noexcept;

  // Writes the OPT record, if any, and returns the length of the message in `out`.
  [[nodiscard]] std::size_t finish() noexcept;

private:
  Response(knot_pkt_t* pkt, const Query& query, Arena& arena, knot_rrset_t* opt) noexcept;

  [[nodiscard]] PutResult putKnot(Section section, const knot_rrset_t& rrset) noexcept;

  std::unique_ptr<knot_pkt_t, KnotPktDeleter> pkt_;
  const Query* query_;
  Arena* arena_;
  knot_rrset_t* opt_;  // allocated from the arena; null without EDNS
  std::uint16_t rcode_ = 0;
  bool authoritative_ = false;
};

}  // namespace holdfast::dns
