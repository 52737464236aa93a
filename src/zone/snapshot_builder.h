// SnapshotBuilder: assembles static zones and managed address records into a Snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "dns/name.h"
#include "dns/rrset.h"
#include "dns/zone_contents.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// Collects what one publish serves, checks it, and precomputes the lookup tables of a Snapshot.
// Add zones first, then managed records and serial offsets, then build() once. Not thread-safe;
// a builder is used by one thread and thrown away.
class SnapshotBuilder {
public:
  // Adds a zone. Returns kInvalidArgument if a zone with the same apex was added already or the
  // contents break an invariant (see dns::validateZoneContents).
  [[nodiscard]] Status addZone(dns::ZoneContents contents);

  // Publishes `addresses` as the A or AAAA RRset of `owner`, replacing any static RRset of that
  // type at that name in the closest enclosing zone; a later call for the same owner and type
  // replaces an earlier one. Returns kInvalidArgument when `owner` is not a name, `rrtype` is
  // neither A nor AAAA, an address does not parse for the type, the name holds a CNAME, lies at
  // or below a delegation or below a DNAME (it would never be served), or the list is empty: an
  // empty managed RRset is never published (S1). Returns kNotFound when no added zone encloses
  // `owner`.
  [[nodiscard]] Status setAddresses(std::string_view owner,
                                    std::uint16_t rrtype,
                                    std::uint32_t ttl_seconds,
                                    const std::vector<std::string>& addresses);

  // Raises the served SOA serial of `zone` by `offset` (RFC 1982 serial addition, wrapping at
  // 2^32); offsets add up. Returns kNotFound for a zone not added and kInvalidArgument for an
  // offset above 2^31 - 1, which RFC 1982 section 3.1 does not define.
  [[nodiscard]] Status addSerialOffset(std::string_view zone, std::uint32_t offset);

  // Sets the NSID and CHAOS answers of the snapshot (see ServerIdentity); all off by default.
  // Returns kInvalidArgument for an NSID over 128 octets or a text over 255.
  [[nodiscard]] Status setServerIdentity(const ServerIdentity& identity);

  // Builds the snapshot with its precomputed answers (see Precomputer), moving every RRset out of
  // the builder, which is empty afterwards.
  // Returns kInternal if memory runs out.
  [[nodiscard]] Result<std::shared_ptr<const Snapshot>> build();

private:
  using RRsetKey = std::pair<dns::Name, std::uint16_t>;

  struct PendingZone {
    dns::ZoneContents contents;
    std::uint32_t serial_offset = 0;
    std::map<RRsetKey, dns::RRset> managed;
    std::vector<std::uint32_t> managed_indices;  // in the built zone's RRsets
  };

  // An RRset on its way into a zone, with the number of its node.
  struct Staged {
    std::uint32_t node;
    dns::RRset rrset;
    bool managed = false;
  };

  [[nodiscard]] PendingZone* findEnclosing(const dns::Name& name) noexcept;
  [[nodiscard]] static Result<Zone> buildZone(PendingZone& pending);
  [[nodiscard]] static Result<std::vector<Staged>> stageRRsets(NodeTable& nodes,
                                                               PendingZone& pending,
                                                               dns::RRset apex_soa);
  static void placeRRsets(Zone& zone, std::vector<Staged>& staged);
  [[nodiscard]] static Status addEmptyNonTerminals(Zone& zone);

  std::vector<PendingZone> zones_;
  std::vector<std::uint8_t> nsid_;
  std::vector<dns::RRset> chaos_;
};

}  // namespace holdfast::zone
