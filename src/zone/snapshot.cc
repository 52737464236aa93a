// Snapshot: read-side lookups of zones and nodes.
#include "zone/snapshot.h"

#include <algorithm>
#include <utility>

#include "dns/knot.h"

namespace holdfast::zone {

Zone::Zone(dns::Name apex, dns::RRset soa, dns::RRset negative_soa) noexcept
    : apex_(apex),
      soa_(std::move(soa)),
      negative_soa_(std::move(negative_soa)),
      apex_labels_(apex.labelCount()) {}

const Node* Zone::findNode(std::span<const std::uint8_t> lower_wire) const noexcept {
  return nodes_.find(lower_wire);
}

const Zone* Snapshot::findZone(std::span<const std::uint8_t> lower_wire) const noexcept {
  if (zones_.empty() || lower_wire.empty()) {
    return nullptr;
  }

  // Skip labels no apex can have, then try each shorter suffix: the first hit is the closest.
  std::size_t labels = dns::wireLabelCount(lower_wire);
  while (labels > max_apex_labels_) {
    lower_wire = dns::wireParent(lower_wire);
    --labels;
  }
  while (true) {
    const auto it = zones_.find(wireKey(lower_wire));
    if (it != zones_.end()) {
      return &it->second;
    }
    if (labels == 0) {
      return nullptr;
    }
    lower_wire = dns::wireParent(lower_wire);
    --labels;
  }
}

const dns::RRset* Snapshot::chaosTxt(std::span<const std::uint8_t> lower_wire) const noexcept {
  for (const dns::RRset& rrset : chaos_) {
    const auto owner = std::span<const std::uint8_t>(rrset.knot().owner, lower_wire.size());
    if (knot_dname_size(rrset.knot().owner) == lower_wire.size() &&
        std::equal(owner.begin(), owner.end(), lower_wire.begin())) {
      return &rrset;
    }
  }
  return nullptr;
}

const Zone* Snapshot::zone(const dns::Name& apex) const noexcept {
  const dns::Name lower = apex.toLower();
  const auto it = zones_.find(wireKey(lower.wire()));
  return it == zones_.end() ? nullptr : &it->second;
}

}  // namespace holdfast::zone
