// Lookup: exact match, then the closest encloser and what it says about the missing name.
#include "zone/lookup.h"

#include "dns/knot.h"
#include "dns/name.h"

namespace holdfast::zone {

namespace {

// The closest encloser of a name that does not exist: its longest existing ancestor. The apex
// always exists, so there is one for every name inside the zone.
const Node* closestEncloser(const Zone& zone, std::span<const std::uint8_t> lower_wire) noexcept {
  std::size_t labels = dns::wireLabelCount(lower_wire);
  while (labels > zone.apexLabels()) {
    lower_wire = dns::wireParent(lower_wire);
    --labels;
    if (const Node* node = zone.findNode(lower_wire); node != nullptr) {
      return node;
    }
  }
  return nullptr;
}

}  // namespace

Match lookup(const Zone& zone,
             std::span<const std::uint8_t> lower_wire,
             std::uint16_t qtype) noexcept {
  if (const Node* node = zone.findNode(lower_wire); node != nullptr) {
    const Node* cut = node->delegation();
    if (cut != nullptr && !(cut == node && qtype == KNOT_RRTYPE_DS)) {
      return {MatchKind::kReferral, cut};
    }
    return {MatchKind::kExact, node};
  }

  const Node* encloser = closestEncloser(zone, lower_wire);
  if (encloser == nullptr) {
    return {};
  }
  if (encloser->delegation() != nullptr) {
    return {MatchKind::kReferral, encloser->delegation()};
  }
  if (encloser->find(KNOT_RRTYPE_DNAME) != nullptr) {
    return {MatchKind::kDname, encloser};
  }
  if (const Node* wildcard = encloser->wildcard(); wildcard != nullptr) {
    // A wildcard that owns NS is a cut like any other name (RFC 4592 section 4.2).
    if (wildcard->delegation() != nullptr) {
      return {MatchKind::kReferral, wildcard->delegation()};
    }
    return {MatchKind::kWildcard, wildcard};
  }
  return {MatchKind::kNxdomain, encloser};
}

}  // namespace holdfast::zone
