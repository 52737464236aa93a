// RRset: sole owner of one libknot resource record set (one owner, type and class IN).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/result.h"
#include "dns/knot.h"
#include "dns/name.h"

namespace holdfast::dns {

// Frees a heap knot_rrset_t together with its owner name and rdata.
struct KnotRRsetDeleter {
  void operator()(knot_rrset_t* rrset) const noexcept;
};

// A set of records sharing owner, type and class (IN unless created otherwise), held in libknot's
// representation so that it can be written into packets without conversion. Move-only; a moved-from
// RRset may only be destroyed or assigned to. Const methods are safe to call from many threads at
// once.
class RRset {
public:
  // An RRset with no records yet. Returns kInternal if memory runs out.
  [[nodiscard]] static Result<RRset> create(const Name& owner,
                                            std::uint16_t rrtype,
                                            std::uint32_t ttl_seconds,
                                            std::uint16_t rrclass = KNOT_CLASS_IN);

  RRset(RRset&&) noexcept = default;
  RRset& operator=(RRset&&) noexcept = default;

  // Adds one record in wire form; a record equal to one already present is ignored. Returns
  // kInvalidArgument for rdata over 65535 octets and kInternal if memory runs out.
  [[nodiscard]] Status addRdata(std::span<const std::uint8_t> rdata);

  // A deep copy. Returns kInternal if memory runs out.
  [[nodiscard]] Result<RRset> clone() const;

  [[nodiscard]] Name owner() const noexcept;

  [[nodiscard]] std::uint16_t type() const noexcept { return rrset_->type; }

  [[nodiscard]] std::uint32_t ttl() const noexcept { return rrset_->ttl; }

  void setTtl(std::uint32_t ttl_seconds) noexcept { rrset_->ttl = ttl_seconds; }

  // Number of records.
  [[nodiscard]] std::uint16_t count() const noexcept { return rrset_->rrs.count; }

  // The wire rdata of record `index`, valid until this RRset is modified. REQUIRES: index <
  // count().
  [[nodiscard]] std::span<const std::uint8_t> rdata(std::uint16_t index) const noexcept;

  // True for a type SOA RRset of exactly one record whose rdata is two names and five 32-bit
  // fields (RFC 1035 section 3.3.13). The soa* accessors below require it.
  [[nodiscard]] bool isWellFormedSoa() const noexcept;
  [[nodiscard]] std::uint32_t soaSerial() const noexcept;
  [[nodiscard]] std::uint32_t soaMinimum() const noexcept;
  void setSoaSerial(std::uint32_t serial) noexcept;

  // Zone file presentation of every record, one per line; for logs and tests.
  [[nodiscard]] std::string toText() const;

  // The libknot structure, for writing into packets. Owned by this RRset.
  [[nodiscard]] const knot_rrset_t& knot() const noexcept { return *rrset_; }

private:
  explicit RRset(knot_rrset_t* rrset) noexcept : rrset_(rrset) {}

  std::unique_ptr<knot_rrset_t, KnotRRsetDeleter> rrset_;
};

}  // namespace holdfast::dns
