// Node and NodeTable: the names of one zone, in a flat open-addressing hash table keyed by
// lowercased wire owner names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "dns/rrset.h"

namespace holdfast::zone {

// The addresses this zone holds for the target of one NS, MX or SRV record, found when the
// snapshot is built so that additional section processing (RFC 1034 section 4.3.2 step 6) costs
// no lookup on the answer path. Targets with neither A nor AAAA in the zone have no entry.
struct AdditionalTarget {
  std::size_t rrset_index = 0;         // the RRset of the node the record belongs to
  std::span<const std::uint8_t> name;  // the target as written in the record's rdata
  const dns::RRset* a = nullptr;       // may be null
  const dns::RRset* aaaa = nullptr;    // may be null
  bool from_wildcard = false;          // synthesized: written with `name` as owner (RFC 4592)
  bool in_domain = false;              // at or below a delegation's NS owner: glue a referral
                                       // must carry or set TC for (RFC 9471 section 3.1)
};

// Every RRset at one owner name, sorted by type; none at an empty non-terminal. The RRsets, the
// additional targets and the linked nodes belong to the zone and are set when the snapshot is
// built.
class Node {
public:
  // The RRset of `rrtype`, or nullptr.
  [[nodiscard]] const dns::RRset* find(std::uint16_t rrtype) const noexcept;

  [[nodiscard]] std::span<const dns::RRset> rrsets() const noexcept {
    return {rrsets_, rrset_count_};
  }

  // The additional targets of `rrset`, which must be one of rrsets().
  [[nodiscard]] std::span<const AdditionalTarget> additional(
      const dns::RRset& rrset) const noexcept;

  // Whether this node is a zone cut: it has NS records and is not the apex (RFC 1034 section
  // 4.2.1).
  [[nodiscard]] bool isCut() const noexcept { return cut_; }

  // The highest zone cut at or above this node, or nullptr when the node is authoritative data.
  // Every name at or below a cut is answered with a referral from it, except DS at the cut
  // itself (RFC 4035 section 3.1.4.1).
  [[nodiscard]] const Node* delegation() const noexcept { return delegation_; }

  // The wildcard child "*.<this name>", or nullptr (RFC 4592 section 2.1.1).
  [[nodiscard]] const Node* wildcard() const noexcept { return wildcard_; }

private:
  friend class NodeTable;
  friend class SnapshotBuilder;
  friend class ZoneIndexer;

  const dns::RRset* rrsets_ = nullptr;            // rrset_count_ RRsets of the zone
  const AdditionalTarget* additional_ = nullptr;  // sorted by rrset_index
  const Node* delegation_ = nullptr;
  const Node* wildcard_ = nullptr;
  std::uint32_t rrset_count_ = 0;
  std::uint32_t additional_count_ = 0;
  std::uint32_t name_offset_ = 0;  // the lowercased owner, in the table's name arena
  std::uint8_t name_size_ = 0;
  bool cut_ = false;
};

// Hashes a wire name's octets as they are (callers lowercase first).
[[nodiscard]] std::uint64_t hashWireName(std::span<const std::uint8_t> wire) noexcept;

// The nodes of one zone by lowercased wire owner name. Nodes sit in one vector in insertion
// order, their names back to back in one arena: nothing is allocated per node, and a lookup hashes
// the name once, then probes 8-octet slots (32 bits of the hash and a node number) linearly,
// comparing names only on a hash match. Nodes move while the table grows, never afterwards.
// Lookups are safe from many threads once building is over; building is not thread-safe.
class NodeTable {
public:
  using Hash = std::uint64_t (*)(std::span<const std::uint8_t>) noexcept;

  // The most octets of names one table holds: name offsets are 32-bit.
  static constexpr std::size_t kMaxNameOctets = 0xffffffff;

  // `hash` is replaceable so that tests can force collisions.
  explicit NodeTable(Hash hash = &hashWireName) noexcept : hash_(hash) {}

  // Room for `count` nodes with `name_octets` octets of names in all, without rehashing.
  void reserve(std::size_t count, std::size_t name_octets);

  // The node of `lower_wire`, added empty when absent, and whether it was added; nullptr when
  // the name arena is full (kMaxNameOctets). The pointer is valid until the next insert.
  // REQUIRES: `lower_wire` is a well-formed lowercased wire name.
  std::pair<Node*, bool> insert(std::span<const std::uint8_t> lower_wire);

  // Frees the room reserve() or growth left unused; nodes move.
  void shrinkToFit();

  // The node of `lower_wire`, or nullptr. Does not allocate.
  [[nodiscard]] const Node* find(std::span<const std::uint8_t> lower_wire) const noexcept;
  [[nodiscard]] Node* find(std::span<const std::uint8_t> lower_wire) noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return nodes_.size(); }

  // Every node, in insertion order.
  [[nodiscard]] std::span<Node> nodes() noexcept { return nodes_; }

  [[nodiscard]] std::span<const Node> nodes() const noexcept { return nodes_; }

  // The lowercased wire name of `node`, which must be one of nodes().
  [[nodiscard]] std::span<const std::uint8_t> name(const Node& node) const noexcept {
    return {names_.data() + node.name_offset_, node.name_size_};
  }

  // Bytes held by the table, for memory accounting and tests.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return nodes_.capacity() * sizeof(Node) + names_.capacity() + slots_.capacity() * sizeof(Slot);
  }

private:
  struct Slot {
    std::uint32_t tag = 0;   // the high 32 bits of the name's hash
    std::uint32_t node = 0;  // node number plus one; 0 marks an empty slot
  };

  // The slot holding `lower_wire`, or the empty slot where it would go.
  [[nodiscard]] std::size_t probe(std::span<const std::uint8_t> lower_wire,
                                  std::uint64_t hash) const noexcept;
  void rehash(std::size_t slot_count);

  Hash hash_;
  std::vector<Node> nodes_;
  std::vector<std::uint8_t> names_;
  std::vector<Slot> slots_;  // a power of two in size, at most three quarters full
};

}  // namespace holdfast::zone
