// Snapshot: read-side lookups of zones and nodes.
#include "zone/snapshot.h"

#include <utility>

namespace holdfast::zone {

namespace {

// Labels in a well-formed wire name, not counting the root label.
std::size_t countLabels(std::span<const std::uint8_t> wire) noexcept {
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0; pos += 1 + wire[pos]) {
    ++count;
  }
  return count;
}

// `wire` without its first label.
std::span<const std::uint8_t> dropLabel(std::span<const std::uint8_t> wire) noexcept {
  return wire.subspan(1 + wire[0]);
}

}  // namespace

const dns::RRset* Node::find(std::uint16_t rrtype) const noexcept {
  for (const dns::RRset& rrset : rrsets_) {
    if (rrset.type() == rrtype) {
      return &rrset;
    }
  }
  return nullptr;
}

Zone::Zone(dns::Name apex, dns::RRset soa, dns::RRset negative_soa) noexcept
    : apex_(apex), soa_(std::move(soa)), negative_soa_(std::move(negative_soa)) {}

const Node* Zone::findNode(std::span<const std::uint8_t> lower_wire) const noexcept {
  const auto it = nodes_.find(wireKey(lower_wire));
  return it == nodes_.end() ? nullptr : &it->second;
}

const Zone* Snapshot::findZone(std::span<const std::uint8_t> lower_wire) const noexcept {
  if (zones_.empty() || lower_wire.empty()) {
    return nullptr;
  }

  // Skip labels no apex can have, then try each shorter suffix: the first hit is the closest.
  std::size_t labels = countLabels(lower_wire);
  while (labels > max_apex_labels_) {
    lower_wire = dropLabel(lower_wire);
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
    lower_wire = dropLabel(lower_wire);
    --labels;
  }
}

const Zone* Snapshot::zone(const dns::Name& apex) const noexcept {
  const dns::Name lower = apex.toLower();
  const auto it = zones_.find(wireKey(lower.wire()));
  return it == zones_.end() ? nullptr : &it->second;
}

}  // namespace holdfast::zone
