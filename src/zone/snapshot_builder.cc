// SnapshotBuilder: validation of publish input and precomputation of the lookup tables.
#include "zone/snapshot_builder.h"

#include <algorithm>

#include "dns/address.h"
#include "dns/knot.h"

namespace holdfast::zone {

namespace {

// RFC 1982 section 3.1: serial addition is defined for increments up to 2^31 - 1.
constexpr std::uint32_t kMaxSerialIncrement = 0x7fffffff;

std::string lowerKey(const dns::Name& name) {
  return std::string(wireKey(name.toLower().wire()));
}

// Whether the static contents hold a CNAME at `name`; rrsets are sorted by owner, then type.
bool holdsCname(const dns::ZoneContents& contents, const dns::Name& name) {
  const auto before = [](const dns::RRset& rrset, const dns::Name& owner) {
    const auto order = rrset.owner() <=> owner;
    return order < 0 || (order == 0 && rrset.type() < KNOT_RRTYPE_CNAME);
  };
  const auto it = std::lower_bound(contents.rrsets.begin(), contents.rrsets.end(), name, before);
  return it != contents.rrsets.end() && it->owner() == name && it->type() == KNOT_RRTYPE_CNAME;
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
  if (holdsCname(zone->contents, *name)) {
    return makeError(Errc::kInvalidArgument,
                     name->toText() + " holds a CNAME; address records cannot be added beside it");
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

Result<std::shared_ptr<const Snapshot>> SnapshotBuilder::build() {
  auto snapshot = std::make_shared<Snapshot>();
  for (PendingZone& pending : zones_) {
    auto zone = buildZone(pending);
    if (!zone.ok()) {
      return zone.error();
    }
    const std::size_t labels = zone->apex().labelCount();
    snapshot->max_apex_labels_ = std::max(snapshot->max_apex_labels_, labels);
    snapshot->zones_.emplace(lowerKey(zone->apex()), std::move(zone).value());
  }
  zones_.clear();
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

  // Static RRsets unless a managed one replaces them, then the managed ones and the SOA.
  std::vector<dns::Name> owners;
  for (dns::RRset& rrset : contents.rrsets) {
    dns::Name owner = rrset.owner();
    if (pending.managed.contains(RRsetKey{owner, rrset.type()})) {
      continue;
    }
    zone.nodes_[lowerKey(owner)].rrsets_.push_back(std::move(rrset));
    owners.push_back(owner);
  }
  for (auto& [key, rrset] : pending.managed) {
    zone.nodes_[lowerKey(key.first)].rrsets_.push_back(std::move(rrset));
    owners.push_back(key.first);
  }
  zone.nodes_[lowerKey(contents.origin)].rrsets_.push_back(std::move(apex_soa).value());
  for (auto& [key, node] : zone.nodes_) {
    std::sort(node.rrsets_.begin(), node.rrsets_.end(),
              [](const dns::RRset& a, const dns::RRset& b) { return a.type() < b.type(); });
  }

  // Empty non-terminals: every name between an owner and the apex exists (RFC 4592 section 2.2.2).
  const std::size_t apex_labels = contents.origin.labelCount();
  for (const dns::Name& owner : owners) {
    for (dns::Name name = owner.parent(); name.labelCount() > apex_labels; name = name.parent()) {
      zone.nodes_.try_emplace(lowerKey(name));
    }
  }
  return zone;
}

}  // namespace holdfast::zone
