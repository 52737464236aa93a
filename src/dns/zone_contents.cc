// ZoneContents: copying and invariant checks.
#include "dns/zone_contents.h"

#include <span>
#include <string>

#include "dns/knot.h"

namespace holdfast::dns {

namespace {

Status checkRRset(const ZoneContents& contents, const RRset& rrset) {
  const Name owner = rrset.owner();
  if (!owner.isSubdomainOf(contents.origin)) {
    return makeError(
        Errc::kInvalidArgument,
        "record owner " + owner.toText() + " is outside the zone " + contents.origin.toText());
  }
  if (rrset.count() == 0 || rrset.knot().rclass != KNOT_CLASS_IN) {
    return makeError(Errc::kInvalidArgument, "empty or non-IN RRset at " + owner.toText() +
                                                 " in zone " + contents.origin.toText());
  }
  if (rrset.type() == KNOT_RRTYPE_SOA) {
    return makeError(Errc::kInvalidArgument, "SOA outside the apex slot at " + owner.toText() +
                                                 " in zone " + contents.origin.toText());
  }
  if (rrset.type() == KNOT_RRTYPE_CNAME && rrset.count() > 1) {
    return makeError(Errc::kInvalidArgument, "more than one CNAME record at " + owner.toText());
  }
  return okStatus();
}

bool hasType(std::span<const RRset> rrsets, std::uint16_t rrtype) noexcept {
  for (const RRset& rrset : rrsets) {
    if (rrset.type() == rrtype) {
      return true;
    }
  }
  return false;
}

// The RRsets of one owner: a CNAME stands alone but for DNSSEC records (RFC 1034 section 3.6.2);
// a DNAME has one record and no NS beside it below the apex (RFC 6672 sections 2.3 and 2.4).
Status checkOwner(const ZoneContents& contents,
                  const Name& owner,
                  std::span<const RRset> at_owner) {
  bool has_other = owner == contents.origin;  // the SOA
  for (const RRset& rrset : at_owner) {
    has_other =
        has_other || (rrset.type() != KNOT_RRTYPE_CNAME && !mayAccompanyCname(rrset.type()));
    if (rrset.type() == KNOT_RRTYPE_DNAME && rrset.count() > 1) {
      return makeError(Errc::kInvalidArgument, "more than one DNAME record at " + owner.toText());
    }
  }
  if (hasType(at_owner, KNOT_RRTYPE_CNAME) && has_other) {
    return makeError(Errc::kInvalidArgument, "CNAME and other data at " + owner.toText());
  }
  if (hasType(at_owner, KNOT_RRTYPE_DNAME) && hasType(at_owner, KNOT_RRTYPE_NS) &&
      !(owner == contents.origin)) {
    return makeError(Errc::kInvalidArgument, "DNAME and NS at " + owner.toText());
  }
  return okStatus();
}

}  // namespace

Result<ZoneContents> ZoneContents::clone() const {
  auto soa_copy = soa.clone();
  if (!soa_copy.ok()) {
    return soa_copy.error();
  }
  std::vector<RRset> copies;
  copies.reserve(rrsets.size());
  for (const RRset& rrset : rrsets) {
    auto copy = rrset.clone();
    if (!copy.ok()) {
      return copy.error();
    }
    copies.push_back(std::move(copy).value());
  }
  return ZoneContents{origin, std::move(soa_copy).value(), std::move(copies)};
}

bool mayAccompanyCname(std::uint16_t rrtype) noexcept {
  return rrtype == KNOT_RRTYPE_RRSIG || rrtype == KNOT_RRTYPE_NSEC;
}

Status validateZoneContents(const ZoneContents& contents) {
  if (!contents.soa.isWellFormedSoa() || !(contents.soa.owner() == contents.origin)) {
    return makeError(Errc::kInvalidArgument,
                     "zone " + contents.origin.toText() + " has no well-formed SOA at its apex");
  }

  // Each RRset alone, then order and uniqueness against its predecessor.
  for (std::size_t i = 0; i < contents.rrsets.size(); ++i) {
    const RRset& rrset = contents.rrsets[i];
    if (Status status = checkRRset(contents, rrset); !status.ok()) {
      return status;
    }
    if (i == 0) {
      continue;
    }
    const RRset& previous = contents.rrsets[i - 1];
    const auto order = previous.owner() <=> rrset.owner();
    if (order > 0 || (order == 0 && previous.type() >= rrset.type())) {
      return makeError(Errc::kInvalidArgument, "RRsets of zone " + contents.origin.toText() +
                                                   " are not sorted or repeat at " +
                                                   rrset.owner().toText());
    }
  }

  // The CNAME and DNAME rules, one owner at a time; the apex always holds the SOA.
  bool apex_ns = false;
  std::size_t begin = 0;
  while (begin < contents.rrsets.size()) {
    const Name owner = contents.rrsets[begin].owner();
    std::size_t end = begin;
    while (end < contents.rrsets.size() && contents.rrsets[end].owner() == owner) {
      ++end;
    }
    const std::span<const RRset> at_owner(contents.rrsets.data() + begin, end - begin);
    if (Status status = checkOwner(contents, owner, at_owner); !status.ok()) {
      return status;
    }
    apex_ns = apex_ns || (owner == contents.origin && hasType(at_owner, KNOT_RRTYPE_NS));

    // RFC 6672 section 2.4: nothing below a DNAME; in canonical order it would come next.
    if (hasType(at_owner, KNOT_RRTYPE_DNAME) && end < contents.rrsets.size() &&
        contents.rrsets[end].owner().isSubdomainOf(owner)) {
      return makeError(Errc::kInvalidArgument, "record owner " +
                                                   contents.rrsets[end].owner().toText() +
                                                   " is below the DNAME at " + owner.toText());
    }
    begin = end;
  }
  if (!apex_ns) {
    return makeError(Errc::kInvalidArgument,
                     "zone " + contents.origin.toText() + " has no NS records at its apex");
  }
  return okStatus();
}

}  // namespace holdfast::dns
