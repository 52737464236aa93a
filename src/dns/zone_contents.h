// ZoneContents: the records of one zone as loaded from a file, before they are served.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "dns/name.h"
#include "dns/rrset.h"

namespace holdfast::dns {

// One zone: its apex SOA and every other RRset, one per owner and type, sorted by owner in
// canonical order (RFC 4034 section 6.1) and then by type. Owners keep the case they were
// written with.
struct ZoneContents {
  Name origin;
  RRset soa;
  std::vector<RRset> rrsets;  // never the SOA, never empty

  // A deep copy, for building several snapshots from one load. Returns kInternal on no memory.
  [[nodiscard]] Result<ZoneContents> clone() const;
};

// Whether `rrtype` may share an owner with a CNAME: only DNSSEC records (RFC 2181 section 10.1,
// RFC 4035 section 2.5).
[[nodiscard]] bool mayAccompanyCname(std::uint16_t rrtype) noexcept;

// Checks, for contents not made by loadZoneFile, what the loader guarantees: a well-formed SOA
// owned by the origin and NS records there; every RRset non-empty, of class IN and inside the
// origin; no SOA among `rrsets`; sorted with no owner and type twice; at most one CNAME record at
// a name and nothing beside it but DNSSEC records (RFC 1034 section 3.6.2); at most one DNAME
// record at a name, no NS beside it below the apex and no names below it (RFC 6672 sections 2.3
// and 2.4). Returns kInvalidArgument naming the first problem.
[[nodiscard]] Status validateZoneContents(const ZoneContents& contents);

}  // namespace holdfast::dns
