// ZoneIndexer: zone cuts, wildcard children and additional section targets of one zone.
#include <algorithm>
#include <optional>
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
  findAdditionalTargets(zone);
}

void ZoneIndexer::linkCutsAndWildcards(Zone& zone) {
  NodeTable& table = zone.nodes_;
  const std::span<Node> nodes = table.nodes();
  const Node* apex = table.find(zone.apex_.toLower().wire());

  // Parents before children, so each node inherits the cut above it.
  std::vector<std::pair<std::uint8_t, std::uint32_t>> by_depth;
  by_depth.reserve(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    by_depth.emplace_back(static_cast<std::uint8_t>(dns::wireLabelCount(table.name(nodes[i]))),
                          static_cast<std::uint32_t>(i));
  }
  std::sort(by_depth.begin(), by_depth.end());

  for (const auto& [depth, index] : by_depth) {
    Node& node = nodes[index];
    if (&node == apex) {
      continue;  // NS at the apex is the zone's own, not a cut
    }
    node.cut_ = node.find(KNOT_RRTYPE_NS) != nullptr;

    // Every name between the apex and an owner is in the table, so the parent is too.
    const auto name = table.name(node);
    Node* parent = table.find(dns::wireParent(name));
    if (parent == nullptr) {
      continue;
    }
    const Node* inherited = parent->delegation_;
    node.delegation_ = inherited != nullptr ? inherited : (node.cut_ ? &node : nullptr);
    if (name.size() >= 2 && name[0] == 1 && name[1] == '*') {
      parent->wildcard_ = &node;
    }
  }
}

void ZoneIndexer::findAdditionalTargets(Zone& zone) {
  zone.additional_.clear();
  const std::span<Node> nodes = zone.nodes_.nodes();
  for (Node& node : nodes) {
    const std::size_t first = zone.additional_.size();
    addTargets(zone, node);
    node.additional_count_ = static_cast<std::uint32_t>(zone.additional_.size() - first);
  }

  // The vector is complete: point each node at its run, in the order they were added.
  zone.additional_.shrink_to_fit();
  std::size_t offset = 0;
  for (Node& node : nodes) {
    node.additional_ = zone.additional_.data() + offset;
    offset += node.additional_count_;
  }
}

void ZoneIndexer::addTargets(Zone& zone, const Node& node) {
  const std::span<const dns::RRset> rrsets = node.rrsets();
  for (std::size_t i = 0; i < rrsets.size(); ++i) {
    const dns::RRset& rrset = rrsets[i];
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
      zone.additional_.push_back(*resolved);
    }
  }
}

}  // namespace holdfast::zone
