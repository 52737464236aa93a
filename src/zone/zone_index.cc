// ZoneIndexer: zone cuts, wildcard children and additional section targets of one zone.
#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/knot.h"
#include "dns/name.h"
#include "zone/lookup.h"
#include "zone/zone_index_internal.h"

namespace holdfast::zone {

namespace {

// Where the domain name sits in the rdata of the types that get additional section processing
// (RFC 1035 section 3.3.9 for MX, RFC 2782 for SRV), or nullopt for other types.
std::optional<std::size_t> targetOffset(std::uint16_t rrtype) noexcept {
  switch (rrtype) {
    case KNOT_RRTYPE_NS:
      return 0;
    case KNOT_RRTYPE_MX:
      return 2;  // preference
    case KNOT_RRTYPE_SRV:
      return 6;  // priority, weight, port
    default:
      return std::nullopt;
  }
}

// The target name inside one record's rdata, or an empty span when the rdata is malformed.
std::span<const std::uint8_t> targetName(std::span<const std::uint8_t> rdata,
                                         std::size_t offset) noexcept {
  if (rdata.size() <= offset) {
    return {};
  }
  const auto rest = rdata.subspan(offset);
  const int size = knot_dname_wire_check(rest.data(), rest.data() + rest.size(), nullptr);
  if (size <= 0) {
    return {};
  }
  return rest.first(static_cast<std::size_t>(size));
}

// The addresses for `target` in `zone`: the node of that name (glue below a cut included) or,
// when the name does not exist, the wildcard that covers it.
std::optional<AdditionalTarget> resolveTarget(const Zone& zone, const dns::Name& target) {
  const dns::Name lower = target.toLower();
  if (!lower.isSubdomainOf(zone.apex())) {
    return std::nullopt;
  }
  AdditionalTarget result;
  const Node* node = zone.findNode(lower.wire());
  if (node == nullptr) {
    const Match match = lookup(zone, lower.wire(), KNOT_RRTYPE_A);
    if (match.kind != MatchKind::kWildcard) {
      return std::nullopt;
    }
    node = match.node;
    result.from_wildcard = true;
  }
  result.a = node->find(KNOT_RRTYPE_A);
  result.aaaa = node->find(KNOT_RRTYPE_AAAA);
  if (result.a == nullptr && result.aaaa == nullptr) {
    return std::nullopt;
  }
  return result;
}

}  // namespace

void ZoneIndexer::index(Zone& zone) {
  linkCutsAndWildcards(zone);
  for (auto& [key, node] : zone.nodes_) {
    findAdditionalTargets(zone, node);
  }
}

void ZoneIndexer::linkCutsAndWildcards(Zone& zone) {
  const std::string apex_key(wireKey(zone.apex_.toLower().wire()));

  // Parents before children, so each node inherits the cut above it.
  std::vector<std::pair<std::size_t, std::pair<const std::string, Node>*>> by_depth;
  by_depth.reserve(zone.nodes_.size());
  for (auto& entry : zone.nodes_) {
    const auto* wire = reinterpret_cast<const std::uint8_t*>(entry.first.data());
    by_depth.emplace_back(dns::wireLabelCount({wire, entry.first.size()}), &entry);
  }
  std::sort(by_depth.begin(), by_depth.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  for (auto& [depth, entry] : by_depth) {
    Node& node = entry->second;
    if (entry->first == apex_key) {
      continue;  // NS at the apex is the zone's own, not a cut
    }
    node.cut_ = node.find(KNOT_RRTYPE_NS) != nullptr;

    // Every name between the apex and an owner is in the table, so the parent is too.
    const auto* wire = reinterpret_cast<const std::uint8_t*>(entry->first.data());
    const auto parent_wire = dns::wireParent({wire, entry->first.size()});
    const auto parent = zone.nodes_.find(wireKey(parent_wire));
    if (parent == zone.nodes_.end()) {
      continue;
    }
    const Node* inherited = parent->second.delegation_;
    node.delegation_ = inherited != nullptr ? inherited : (node.cut_ ? &node : nullptr);
    if (entry->first.size() >= 2 && entry->first[0] == 1 && entry->first[1] == '*') {
      parent->second.wildcard_ = &node;
    }
  }
}

void ZoneIndexer::findAdditionalTargets(Zone& zone, Node& node) {
  node.additional_.clear();
  for (std::size_t i = 0; i < node.rrsets_.size(); ++i) {
    const dns::RRset& rrset = node.rrsets_[i];
    const auto offset = targetOffset(rrset.type());
    if (!offset.has_value()) {
      continue;
    }
    const dns::Name owner = rrset.owner();
    for (std::uint16_t r = 0; r < rrset.count(); ++r) {
      const auto name = targetName(rrset.rdata(r), *offset);
      auto target = dns::Name::fromWire(name);
      if (name.empty() || !target.ok()) {
        continue;
      }
      auto resolved = resolveTarget(zone, *target);
      if (!resolved.has_value()) {
        continue;
      }
      resolved->rrset_index = i;
      resolved->name = name;
      resolved->in_domain = node.cut_ && target->isSubdomainOf(owner);
      node.additional_.push_back(*resolved);
    }
  }
}

}  // namespace holdfast::zone
