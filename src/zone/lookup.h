// Lookup: where a name leads inside one zone (RFC 1034 section 4.3.2 step 3, with wildcards per
// RFC 4592 and DNAME per RFC 6672).
#pragma once

#include <cstdint>
#include <span>

#include "zone/snapshot.h"

namespace holdfast::zone {

enum class MatchKind {
  kExact,     // the name exists (an empty non-terminal included): node is it
  kWildcard,  // the name does not exist and a wildcard covers it: node is the wildcard
  kReferral,  // the name is at or below a zone cut: node is the highest cut above it
  kDname,     // the name lies below a DNAME: node is the DNAME owner
  kNxdomain,  // nothing covers the name: node is its closest encloser
};

struct Match {
  MatchKind kind = MatchKind::kNxdomain;
  const Node* node = nullptr;
};

// Classifies `lower_wire`, a lowercased wire name at or below the apex of `zone`, for a query of
// `qtype`. A name at or below a cut is a referral, except DS at the cut itself, which the parent
// answers (RFC 4035 section 3.1.4.1). A wildcard matches only names that do not exist, below
// their closest encloser, which must be the wildcard's parent (RFC 4592 section 3.3.1); an empty
// non-terminal exists, so it blocks the wildcard (section 2.2.2). A DNAME applies to the names
// below its owner only (RFC 6672 section 2.3). Never allocates; safe from any thread.
[[nodiscard]] Match lookup(const Zone& zone,
                           std::span<const std::uint8_t> lower_wire,
                           std::uint16_t qtype) noexcept;

}  // namespace holdfast::zone
