// SnapshotBuilder: validation of publish input and precomputation of the lookup tables.
#include "zone/snapshot_builder.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "dns/address.h"
#include "dns/knot.h"
#include "zone/precompute_internal.h"
#include "zone/zone_index_internal.h"

namespace holdfast::zone {

namespace {

// RFC 1982 section 3.1: serial addition is defined for increments up to 2^31 - 1.
constexpr std::uint32_t kMaxSerialIncrement = 0x7fffffff;

// Longest NSID: it is reserved in every response to a client that asks, the 512-octet ones
// included, so it must stay small; host names and instance labels fit easily.
constexpr std::size_t kMaxNsidOctets = 128;

// Longest CHAOS identity or version text: enough for any host name and version string, and the
// answer stays far below the 512 octets a client without EDNS accepts.
constexpr std::size_t kMaxChaosText = 255;

std::string lowerKey(const dns::Name& name) {
  return std::string(wireKey(name.toLower().wire()));
}

std::span<const std::uint8_t> ownerWire(const dns::RRset& rrset) noexcept {
  return {rrset.knot().owner, knot_dname_size(rrset.knot().owner)};
}

// How many nodes the owners of the static RRsets make, and the octets of their names; RRsets
// are sorted by owner, so those of one owner are adjacent.
struct OwnerTally {
  std::size_t count = 0;
  std::size_t octets = 0;
};

OwnerTally countOwners(const dns::ZoneContents& contents) noexcept {
  OwnerTally tally;
  std::span<const std::uint8_t> previous;
  for (const dns::RRset& rrset : contents.rrsets) {
    const auto owner = ownerWire(rrset);
    if (tally.count == 0 || !dns::wireEqualIgnoringCase(owner, previous)) {
      ++tally.count;
      tally.octets += owner.size();
    }
    previous = owner;
  }
  return tally;
}

// Whether the static contents hold an RRset of `rrtype` at `name`; rrsets are sorted by owner,
// then type.
bool holds(const dns::ZoneContents& contents, const dns::Name& name, std::uint16_t rrtype) {
  const auto before = [rrtype](const dns::RRset& rrset, const dns::Name& owner) {
    const auto order = rrset.owner() <=> owner;
    return order < 0 || (order == 0 && rrset.type() < rrtype);
  };
  const auto it = std::lower_bound(contents.rrsets.begin(), contents.rrsets.end(), name, before);
  return it != contents.rrsets.end() && it->owner() == name && it->type() == rrtype;
}

// Why `name` cannot hold managed records: it holds a CNAME, lies at or below a zone cut (data
// there is not authoritative, RFC 1034 section 4.2.1) or below a DNAME (RFC 6672 section 2.4).
std::optional<std::string> managedNameConflict(const dns::ZoneContents& contents,
                                               const dns::Name& name) {
  if (holds(contents, name, KNOT_RRTYPE_CNAME)) {
    return name.toText() + " holds a CNAME; address records cannot be added beside it";
  }
  for (dns::Name at = name; !(at == contents.origin); at = at.parent()) {
    if (holds(contents, at, KNOT_RRTYPE_NS)) {
      return name.toText() + " is at or below the delegation " + at.toText();
    }
    if (!(at == name) && holds(contents, at, KNOT_RRTYPE_DNAME)) {
      return name.toText() + " is below the DNAME at " + at.toText();
    }
  }
  if (!(name == contents.origin) && holds(contents, contents.origin, KNOT_RRTYPE_DNAME)) {
    return name.toText() + " is below the DNAME at " + contents.origin.toText();
  }
  return std::nullopt;
}

// A class CH TXT RRset holding `text` in one character-string, split if over 255 octets.
Result<dns::RRset> chaosRRset(std::string_view owner, std::string_view text) {
  auto rrset =
      dns::RRset::create(dns::Name::fromText(owner).value(), KNOT_RRTYPE_TXT, 0, KNOT_CLASS_CH);
  if (!rrset.ok()) {
    return rrset.error();
  }
  std::vector<std::uint8_t> rdata;
  for (std::size_t pos = 0; pos < text.size(); pos += 255) {
    const std::string_view piece = text.substr(pos, 255);
    rdata.push_back(static_cast<std::uint8_t>(piece.size()));
    rdata.insert(rdata.end(), piece.begin(), piece.end());
  }
  if (Status status = rrset->addRdata(rdata); !status.ok()) {
    return status.error();
  }
  return rrset;
}

}  // namespace

Status SnapshotBuilder::addZone(dns::ZoneContents contents) {
  if (Status status = dns::validateZoneContents(contents); !status.ok()) {
    return status;
  }
  for (const PendingZone& zone : zones_) {
    if (zone.contents.origin == contents.origin) {
      return makeError(Errc::kInvalidArgument,
                       "zone " + contents.origin.toText() + " is already added");
    }
  }
  zones_.push_back(PendingZone{std::move(contents), 0, {}});
  return okStatus();
}

Status SnapshotBuilder::setAddresses(std::string_view owner,
                                     std::uint16_t rrtype,
                                     std::uint32_t ttl_seconds,
                                     const std::vector<std::string>& addresses) {
  auto name = dns::Name::fromText(owner);
  if (!name.ok()) {
    return makeError(Errc::kInvalidArgument, name.error().message);
  }
  PendingZone* zone = findEnclosing(*name);
  if (zone == nullptr) {
    return makeError(Errc::kNotFound, "no zone encloses " + name->toText());
  }
  if (auto conflict = managedNameConflict(zone->contents, *name); conflict.has_value()) {
    return makeError(Errc::kInvalidArgument, *conflict);
  }

  // S1: makeAddressRRset refuses an empty list, so no empty managed RRset is ever published.
  auto rrset = dns::makeAddressRRset(*name, rrtype, ttl_seconds, addresses);
  if (!rrset.ok()) {
    return rrset.error();
  }
  zone->managed.insert_or_assign(RRsetKey{*name, rrtype}, std::move(rrset).value());
  return okStatus();
}

Status SnapshotBuilder::addSerialOffset(std::string_view zone, std::uint32_t offset) {
  auto name = dns::Name::fromText(zone);
  if (!name.ok()) {
    return makeError(Errc::kInvalidArgument, name.error().message);
  }
  if (offset > kMaxSerialIncrement) {
    return makeError(Errc::kInvalidArgument, "serial offset " + std::to_string(offset) +
                                                 " exceeds 2^31 - 1 (RFC 1982 section 3.1)");
  }
  for (PendingZone& pending : zones_) {
    if (pending.contents.origin == *name) {
      pending.serial_offset += offset;  // unsigned arithmetic wraps modulo 2^32 as RFC 1982 does
      return okStatus();
    }
  }
  return makeError(Errc::kNotFound, "zone " + name->toText() + " is not added");
}

Status SnapshotBuilder::setServerIdentity(const ServerIdentity& identity) {
  if (identity.nsid.size() > kMaxNsidOctets) {
    return makeError(Errc::kInvalidArgument,
                     "the NSID is longer than " + std::to_string(kMaxNsidOctets) + " octets");
  }
  if (identity.identity.size() > kMaxChaosText || identity.version.size() > kMaxChaosText) {
    return makeError(Errc::kInvalidArgument, "the server identity or version is longer than " +
                                                 std::to_string(kMaxChaosText) + " octets");
  }
  std::vector<dns::RRset> chaos;
  const std::pair<std::string_view, const std::string*> names[] = {
      {"id.server.", &identity.identity},
      {"hostname.bind.", &identity.identity},
      {"version.server.", &identity.version},
      {"version.bind.", &identity.version},
  };
  for (const auto& [owner, text] : names) {
    if (text->empty()) {
      continue;
    }
    auto rrset = chaosRRset(owner, *text);
    if (!rrset.ok()) {
      return rrset.error();
    }
    chaos.push_back(std::move(rrset).value());
  }
  nsid_.assign(identity.nsid.begin(), identity.nsid.end());
  chaos_ = std::move(chaos);
  return okStatus();
}

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::build() {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->nsid_ = std::move(nsid_);
  snapshot->chaos_ = std::move(chaos_);
  std::vector<std::pair<Zone*, std::vector<std::uint32_t>>> built;
  for (PendingZone& pending : zones_) {
    auto zone = buildZone(pending);
    if (!zone.ok()) {
      return zone.error();
    }
    const std::size_t labels = zone->apex().labelCount();
    snapshot->max_apex_labels_ = std::max(snapshot->max_apex_labels_, labels);
    std::string key = lowerKey(zone->apex());
    const auto placed = snapshot->zones_.emplace(std::move(key), std::move(zone).value());
    built.emplace_back(&placed.first->second, std::move(pending.managed_indices));
  }
  zones_.clear();

  // Once every zone is in: an answer may depend on the other zones (nested ones).
  Precomputer precomputer(*snapshot);
  for (const auto& entry : built) {
    precomputer.prepare(*entry.first);
  }
  for (const auto& [zone, managed] : built) {
    precomputer.storeManaged(*zone, managed);
  }
  for (const auto& entry : built) {
    precomputer.storeStatic(*entry.first);
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

SnapshotBuilder::PendingZone* SnapshotBuilder::findEnclosing(const dns::Name& name) noexcept {
  PendingZone* best = nullptr;
  for (PendingZone& zone : zones_) {
    if (name.isSubdomainOf(zone.contents.origin) &&
        (best == nullptr ||
         zone.contents.origin.labelCount() > best->contents.origin.labelCount())) {
      best = &zone;
    }
  }
  return best;
}

Result<Zone> SnapshotBuilder::buildZone(PendingZone& pending) {
  dns::ZoneContents& contents = pending.contents;

  // The served SOA carries the publish offset; negative answers use the RFC 2308 TTL.
  auto soa = contents.soa.clone();
  if (!soa.ok()) {
    return soa.error();
  }
  soa->setSoaSerial(contents.soa.soaSerial() + pending.serial_offset);
  auto negative_soa = soa->clone();
  auto apex_soa = soa->clone();
  if (!negative_soa.ok() || !apex_soa.ok()) {
    return makeError(Errc::kInternal, "out of memory copying the SOA");
  }
  negative_soa->setTtl(std::min(soa->ttl(), soa->soaMinimum()));
  Zone zone(contents.origin, std::move(soa).value(), std::move(negative_soa).value());

  auto staged = stageRRsets(zone.nodes_, pending, std::move(apex_soa).value());
  if (!staged.ok()) {
    return staged.error();
  }
  placeRRsets(zone, *staged);
  for (std::size_t i = 0; i < staged->size(); ++i) {
    if ((*staged)[i].managed) {
      pending.managed_indices.push_back(static_cast<std::uint32_t>(i));
    }
  }
  if (Status status = addEmptyNonTerminals(zone); !status.ok()) {
    return status.error();
  }
  zone.nodes_.shrinkToFit();
  ZoneIndexer::index(zone);
  return zone;
}

// Static RRsets unless a managed one replaces them, then the managed ones and the apex SOA, each
// with the number of its node (added on first sight) and sorted by node, then type.
Result<std::vector<SnapshotBuilder::Staged>> SnapshotBuilder::stageRRsets(NodeTable& nodes,
                                                                          PendingZone& pending,
                                                                          dns::RRset apex_soa) {
  dns::ZoneContents& contents = pending.contents;
  std::vector<Staged> staged;
  staged.reserve(contents.rrsets.size() + pending.managed.size() + 1);
  const OwnerTally owners = countOwners(contents);
  nodes.reserve(owners.count + pending.managed.size() + 1, owners.octets);
  std::array<std::uint8_t, dns::Name::kMaxWireSize> lower;
  const auto stage = [&](dns::RRset rrset, bool managed) -> Status {
    const auto owner = ownerWire(rrset);
    dns::lowerWire(owner, lower.data());
    const auto [node, added] = nodes.insert({lower.data(), owner.size()});
    if (node == nullptr) {
      return makeError(Errc::kInternal, "zone " + contents.origin.toText() + " is too large");
    }
    const auto number = static_cast<std::uint32_t>(node - nodes.nodes().data());
    staged.push_back(Staged{number, std::move(rrset), managed});
    return okStatus();
  };

  for (dns::RRset& rrset : contents.rrsets) {
    if (!pending.managed.empty() &&
        pending.managed.contains(RRsetKey{rrset.owner(), rrset.type()})) {
      continue;
    }
    if (Status status = stage(std::move(rrset), false); !status.ok()) {
      return status.error();
    }
  }
  const std::size_t static_count = staged.size();
  for (auto& [key, rrset] : pending.managed) {
    if (Status status = stage(std::move(rrset), true); !status.ok()) {
      return status.error();
    }
  }
  if (Status status = stage(std::move(apex_soa), false); !status.ok()) {
    return status.error();
  }
  contents.rrsets.clear();
  contents.rrsets.shrink_to_fit();

  // The static RRsets come sorted by owner, then type, and nodes are numbered in order of first
  // sight, so they are in order already: only the few managed ones and the SOA need sorting in.
  const auto before = [](const Staged& a, const Staged& b) {
    return a.node != b.node ? a.node < b.node : a.rrset.type() < b.rrset.type();
  };
  const auto middle = staged.begin() + static_cast<std::ptrdiff_t>(static_count);
  if (std::is_sorted(staged.begin(), middle, before)) {
    std::sort(middle, staged.end(), before);
    std::inplace_merge(staged.begin(), middle, staged.end(), before);
  } else {
    std::sort(staged.begin(), staged.end(), before);
  }
  return staged;
}

// Moves the staged RRsets into the zone's one vector and points each node at its run.
void SnapshotBuilder::placeRRsets(Zone& zone, std::vector<Staged>& staged) {
  zone.rrsets_.reserve(staged.size());
  for (Staged& entry : staged) {
    zone.rrsets_.push_back(std::move(entry.rrset));
  }
  const std::span<Node> nodes = zone.nodes_.nodes();
  for (std::size_t begin = 0; begin < staged.size();) {
    std::size_t end = begin + 1;
    while (end < staged.size() && staged[end].node == staged[begin].node) {
      ++end;
    }
    Node& node = nodes[staged[begin].node];
    node.rrsets_ = zone.rrsets_.data() + begin;
    node.rrset_count_ = static_cast<std::uint32_t>(end - begin);
    begin = end;
  }
}

// Empty non-terminals: every name between an owner and the apex exists (RFC 4592 section 2.2.2).
Status SnapshotBuilder::addEmptyNonTerminals(Zone& zone) {
  const std::size_t apex_labels = zone.apexLabels();
  const std::size_t owners = zone.nodes_.size();
  std::array<std::uint8_t, dns::Name::kMaxWireSize> buffer;
  for (std::size_t i = 0; i < owners; ++i) {
    // Copied out: inserting may move the table's name arena.
    const auto stored = zone.nodes_.name(zone.nodes_.nodes()[i]);
    std::copy(stored.begin(), stored.end(), buffer.begin());
    std::span<const std::uint8_t> name(buffer.data(), stored.size());
    for (std::size_t labels = dns::wireLabelCount(name); labels > apex_labels + 1; --labels) {
      name = dns::wireParent(name);
      const auto [node, added] = zone.nodes_.insert(name);
      if (node == nullptr) {
        return makeError(Errc::kInternal, "zone " + zone.apex().toText() + " is too large");
      }
      if (!added) {
        break;  // this ancestor, and so every one above it, is in already
      }
    }
  }
  return okStatus();
}

}  // namespace holdfast::zone
