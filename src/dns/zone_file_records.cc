// ZoneRecords: flat record storage and the canonical sort of a zone file being loaded.
#include <algorithm>
#include <array>
#include <cstring>

#include "dns/zone_file_records_internal.h"

namespace holdfast::dns {

namespace {

// A name has at most 127 labels plus the root (RFC 1035 section 2.3.4).
constexpr std::size_t kMaxLabels = 128;

// Octets 0 and 1 are escaped so that the 0 separator sorts below every label octet.
constexpr std::uint8_t kEscape = 1;

constexpr std::uint8_t lowerAscii(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

std::uint64_t keyPrefix(std::span<const std::uint8_t> key) noexcept {
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    prefix = (prefix << 8) | (i < key.size() ? key[i] : 0);
  }
  return prefix;
}

// Sorts as ZoneRecords::sortedOrder describes; the key prefix settles most comparisons without
// touching the key arena.
struct SortEntry {
  std::uint64_t prefix;
  std::uint32_t owner;
  std::uint32_t index;
  std::uint16_t type;
};

}  // namespace

void appendCanonicalKey(std::span<const std::uint8_t> wire,
                        std::size_t skip_labels,
                        std::vector<std::uint8_t>& key) {
  std::array<std::uint8_t, kMaxLabels> offsets;
  std::size_t count = 0;
  for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0 && count < kMaxLabels;
       pos += 1 + wire[pos]) {
    offsets[count++] = static_cast<std::uint8_t>(pos);
  }
  for (std::size_t i = count - std::min(skip_labels, count); i > 0; --i) {
    const std::uint8_t* label = wire.data() + offsets[i - 1];
    for (std::size_t j = 1; j <= label[0]; ++j) {
      const std::uint8_t c = lowerAscii(label[j]);
      if (c <= kEscape) {
        key.push_back(kEscape);
        key.push_back(static_cast<std::uint8_t>(c + 1));
      } else {
        key.push_back(c);
      }
    }
    key.push_back(0);
  }
}

void ZoneRecords::add(std::span<const std::uint8_t> owner,
                      std::uint16_t rrtype,
                      std::uint32_t ttl_seconds,
                      std::span<const std::uint8_t> rdata,
                      std::uint64_t line) {
  // Consecutive records usually share their owner (zone files group them): store it once.
  const bool same_as_last =
      !owners_.empty() && owners_.back().wire_size == owner.size() &&
      std::memcmp(names_.data() + owners_.back().wire_offset, owner.data(), owner.size()) == 0;
  if (!same_as_last) {
    Owner entry;
    entry.wire_offset = names_.size();
    entry.wire_size = static_cast<std::uint8_t>(owner.size());
    names_.insert(names_.end(), owner.begin(), owner.end());
    entry.key_offset = keys_.size();
    appendCanonicalKey(owner, apex_labels_, keys_);
    entry.key_size = static_cast<std::uint16_t>(keys_.size() - entry.key_offset);
    entry.prefix = keyPrefix(key(entry));
    owners_.push_back(entry);
  }

  ZoneRecord record;
  record.line = line;
  record.rdata_offset = rdata_.size();
  record.owner = static_cast<std::uint32_t>(owners_.size() - 1);
  record.ttl_seconds = ttl_seconds;
  record.type = rrtype;
  record.rdata_size = static_cast<std::uint16_t>(rdata.size());
  rdata_.insert(rdata_.end(), rdata.begin(), rdata.end());
  records_.push_back(record);
}

std::span<const std::uint8_t> ZoneRecords::owner(std::uint32_t index) const noexcept {
  const Owner& entry = owners_[records_[index].owner];
  return {names_.data() + entry.wire_offset, entry.wire_size};
}

std::span<const std::uint8_t> ZoneRecords::rdata(std::uint32_t index) const noexcept {
  const ZoneRecord& record = records_[index];
  return {rdata_.data() + record.rdata_offset, record.rdata_size};
}

int ZoneRecords::compareOwners(std::uint32_t a, std::uint32_t b) const noexcept {
  if (a == b) {
    return 0;
  }
  const auto key_a = key(owners_[a]);
  const auto key_b = key(owners_[b]);
  const int order = std::memcmp(key_a.data(), key_b.data(), std::min(key_a.size(), key_b.size()));
  if (order != 0) {
    return order;
  }
  return key_a.size() < key_b.size() ? -1 : (key_a.size() > key_b.size() ? 1 : 0);
}

bool ZoneRecords::sameOwner(std::uint32_t a, std::uint32_t b) const noexcept {
  return compareOwners(records_[a].owner, records_[b].owner) == 0;
}

bool ZoneRecords::ownerAtOrBelow(std::uint32_t below, std::uint32_t above) const noexcept {
  const auto key_below = key(owners_[records_[below].owner]);
  const auto key_above = key(owners_[records_[above].owner]);
  return key_below.size() >= key_above.size() &&
         std::equal(key_above.begin(), key_above.end(), key_below.begin());
}

bool ZoneRecords::ownerIsApex(std::uint32_t index) const noexcept {
  return owners_[records_[index].owner].key_size == 0;
}

std::vector<std::uint32_t> ZoneRecords::sortedOrder() const {
  std::vector<SortEntry> entries;
  entries.reserve(records_.size());
  for (std::size_t i = 0; i < records_.size(); ++i) {
    const ZoneRecord& record = records_[i];
    entries.push_back(SortEntry{owners_[record.owner].prefix, record.owner,
                                static_cast<std::uint32_t>(i), record.type});
  }
  std::sort(entries.begin(), entries.end(), [this](const SortEntry& a, const SortEntry& b) {
    if (a.prefix != b.prefix) {
      return a.prefix < b.prefix;
    }
    if (const int order = compareOwners(a.owner, b.owner); order != 0) {
      return order < 0;
    }
    if (a.type != b.type) {
      return a.type < b.type;
    }
    return a.index < b.index;
  });

  std::vector<std::uint32_t> order;
  order.reserve(entries.size());
  for (const SortEntry& entry : entries) {
    order.push_back(entry.index);
  }
  return order;
}

}  // namespace holdfast::dns
