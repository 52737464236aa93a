// ZoneRecords: the records of one zone file held flat while it is read, then sorted once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace holdfast::dns {

// One record as read. Its owner and rdata live in the arenas of the ZoneRecords holding it.
struct ZoneRecord {
  std::uint64_t line = 0;         // the line the record ends on
  std::size_t rdata_offset = 0;   // into the rdata arena
  std::uint32_t owner = 0;        // index of its owner entry
  std::uint32_t ttl_seconds = 0;  // as written, or the default
  std::uint16_t type = 0;
  std::uint16_t rdata_size = 0;
};

// Appends to `key` a byte string whose plain lexicographic order (memcmp, shorter first on a tie)
// is the canonical order of names (RFC 4034 section 6.1, ASCII case ignored): the labels of the
// well-formed wire name `wire` from the right, lowercased, each followed by a 0 octet, skipping the
// rightmost `skip_labels` labels. Octets 0 and 1 inside a label are escaped as 1 1 and 1 2 so that
// every label octet sorts above the separator. Names below the same `skip_labels` ancestor
// compare as their keys do; a name is at or below another exactly when its key starts with the
// other's. REQUIRES: `wire` has at least `skip_labels` labels.
void appendCanonicalKey(std::span<const std::uint8_t> wire,
                        std::size_t skip_labels,
                        std::vector<std::uint8_t>& key);

// Collects records in file order with compact storage: one arena of owner names (an owner
// repeated on consecutive records is stored once), one of their sort keys and one of rdata, and a
// 32-octet entry per record. Nothing is allocated per record beyond the arenas' growth, and
// everything is freed at once. Not thread-safe.
class ZoneRecords {
public:
  // Records whose owners all lie at or below a zone apex of `apex_labels` labels.
  explicit ZoneRecords(std::size_t apex_labels) noexcept : apex_labels_(apex_labels) {}

  // The most records one zone file may hold: record numbers are 32-bit.
  static constexpr std::size_t kMaxRecords = 0xfffffffe;

  // Appends one record. REQUIRES: `owner` is a well-formed wire name at or below the apex,
  // rdata.size() <= 65535 and size() < kMaxRecords.
  void add(std::span<const std::uint8_t> owner,
           std::uint16_t rrtype,
           std::uint32_t ttl_seconds,
           std::span<const std::uint8_t> rdata,
           std::uint64_t line);

  [[nodiscard]] std::size_t size() const noexcept { return records_.size(); }

  // Record `index` in file order (0 is the first record). REQUIRES: index < size().
  [[nodiscard]] const ZoneRecord& record(std::uint32_t index) const noexcept {
    return records_[index];
  }

  // The owner of record `index` as written (case kept).
  [[nodiscard]] std::span<const std::uint8_t> owner(std::uint32_t index) const noexcept;

  [[nodiscard]] std::span<const std::uint8_t> rdata(std::uint32_t index) const noexcept;

  // Whether the owners of records `a` and `b` are the same name, ignoring case.
  [[nodiscard]] bool sameOwner(std::uint32_t a, std::uint32_t b) const noexcept;

  // Whether the owner of record `below` is the owner of record `above` or lies under it.
  [[nodiscard]] bool ownerAtOrBelow(std::uint32_t below, std::uint32_t above) const noexcept;

  // Whether the owner of record `index` is the apex.
  [[nodiscard]] bool ownerIsApex(std::uint32_t index) const noexcept;

  // Every record number, sorted by owner in canonical order, then by type, then in file order:
  // the records of one RRset are adjacent and its first is the first in the file.
  [[nodiscard]] std::vector<std::uint32_t> sortedOrder() const;

private:
  struct Owner {
    std::size_t wire_offset = 0;  // into names_
    std::size_t key_offset = 0;   // into keys_
    std::uint64_t prefix = 0;     // the first 8 key octets, big-endian, zero-padded
    std::uint16_t key_size = 0;
    std::uint8_t wire_size = 0;
  };

  [[nodiscard]] std::span<const std::uint8_t> key(const Owner& owner) const noexcept {
    return {keys_.data() + owner.key_offset, owner.key_size};
  }

  [[nodiscard]] int compareOwners(std::uint32_t a, std::uint32_t b) const noexcept;

  std::size_t apex_labels_;
  std::vector<ZoneRecord> records_;
  std::vector<Owner> owners_;
  std::vector<std::uint8_t> names_;
  std::vector<std::uint8_t> keys_;
  std::vector<std::uint8_t> rdata_;
};

}  // namespace holdfast::dns
