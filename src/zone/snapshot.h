// Snapshot: an immutable view of every zone served, read by many threads without locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dns/name.h"
#include "dns/rrset.h"
#include "zone/node_table.h"
#include "zone/precomputed_answers.h"

namespace holdfast::zone {

// Hashes table keys (lowercased wire names held as bytes); transparent, so a lookup by
// std::string_view builds no std::string.
struct WireNameHash {
  using is_transparent = void;

  [[nodiscard]] std::size_t operator()(std::string_view wire) const noexcept {
    return std::hash<std::string_view>{}(wire);
  }
};

// Views a wire name as the bytes of a table key.
[[nodiscard]] inline std::string_view wireKey(std::span<const std::uint8_t> wire) noexcept {
  return {reinterpret_cast<const char*>(wire.data()), wire.size()};
}

// One served zone: its nodes by lowercased owner, the apex included, plus the empty
// non-terminals between the apex and every owner, so that "name exists" is a single lookup. The
// nodes, their names, RRsets and additional targets sit in a few large vectors, not one
// allocation per name.
class Zone {
public:
  Zone(dns::Name apex, dns::RRset soa, dns::RRset negative_soa) noexcept;

  // The apex as written in the zone's configuration.
  [[nodiscard]] const dns::Name& apex() const noexcept { return apex_; }

  // The served SOA: the file's serial plus the publish offset.
  [[nodiscard]] const dns::RRset& soa() const noexcept { return soa_; }

  // The served SOA with TTL min(SOA TTL, SOA MINIMUM), for negative answers (RFC 2308 section 3).
  [[nodiscard]] const dns::RRset& negativeSoa() const noexcept { return negative_soa_; }

  [[nodiscard]] std::uint32_t serial() const noexcept { return soa_.soaSerial(); }

  // The node whose lowercased wire owner is `lower_wire`, or nullptr. Does not allocate.
  [[nodiscard]] const Node* findNode(std::span<const std::uint8_t> lower_wire) const noexcept;

  [[nodiscard]] std::size_t nodeCount() const noexcept { return nodes_.size(); }

  // Labels of the apex, not counting the root label.
  [[nodiscard]] std::size_t apexLabels() const noexcept { return apex_labels_; }

  // The reply to a question for `rrset`, one of this zone's RRsets, made when the snapshot was
  // built, or nullopt when none was (see Precomputer). Does not allocate.
  [[nodiscard]] std::optional<PrecomputedAnswer> precomputed(
      const dns::RRset& rrset) const noexcept {
    return answers_.find(static_cast<std::size_t>(&rrset - rrsets_.data()));
  }

  // Bytes the precomputed answers hold.
  [[nodiscard]] std::size_t precomputedBytes() const noexcept { return answers_.bytes(); }

private:
  friend class SnapshotBuilder;
  friend class ZoneIndexer;
  friend class Precomputer;

  dns::Name apex_;
  dns::RRset soa_;
  dns::RRset negative_soa_;
  std::size_t apex_labels_ = 0;
  NodeTable nodes_;
  std::vector<dns::RRset> rrsets_;            // every node's, a run per node sorted by type
  std::vector<AdditionalTarget> additional_;  // every node's, a run per node
  PrecomputedAnswers answers_;                // by index in rrsets_
};

// Who this server says it is: the NSID option (RFC 5001) and the CHAOS TXT names id.server,
// hostname.bind, version.server and version.bind. Each is off when empty: no NSID option, and
// REFUSED for the CHAOS names.
struct ServerIdentity {
  std::string nsid;      // at most 128 octets, sent as is
  std::string identity;  // id.server. and hostname.bind. (RFC 4892)
  std::string version;   // version.server. and version.bind.
};

// Everything served at one moment. Built once by SnapshotBuilder, never changed afterwards, and
// shared as std::shared_ptr<const Snapshot>: any number of threads may read it at once.
class Snapshot {
public:
  // A snapshot that serves no zone (every query is REFUSED).
  Snapshot() = default;

  // The closest enclosing zone of the lowercased wire name `lower_wire`, or nullptr. Does not
  // allocate.
  [[nodiscard]] const Zone* findZone(std::span<const std::uint8_t> lower_wire) const noexcept;

  // The zone whose apex is exactly `apex` (any case), or nullptr.
  [[nodiscard]] const Zone* zone(const dns::Name& apex) const noexcept;

  [[nodiscard]] std::size_t zoneCount() const noexcept { return zones_.size(); }

  // The NSID to send to clients that ask for it; empty when NSID is off.
  [[nodiscard]] std::span<const std::uint8_t> nsid() const noexcept { return nsid_; }

  // The CHAOS TXT RRset answering `lower_wire` (id.server. and the like), or nullptr when the
  // name is not one of ours or that answer is off.
  [[nodiscard]] const dns::RRset* chaosTxt(std::span<const std::uint8_t> lower_wire) const noexcept;

private:
  friend class SnapshotBuilder;
  friend class Precomputer;

  std::unordered_map<std::string, Zone, WireNameHash, std::equal_to<>> zones_;
  std::size_t max_apex_labels_ = 0;  // no zone lookup needs to try a longer suffix
  std::vector<std::uint8_t> nsid_;
  std::vector<dns::RRset> chaos_;  // class CH TXT RRsets, at most one per name
};

}  // namespace holdfast::zone
