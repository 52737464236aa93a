// NodeTable: open addressing with linear probing over 8-octet slots.
#include "zone/node_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace holdfast::zone {

namespace {

// Fewest slots of a table, so that small zones skip the first rehashes.
constexpr std::size_t kMinSlots = 16;

std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

}  // namespace

std::uint64_t hashWireName(std::span<const std::uint8_t> wire) noexcept {
  // Eight octets at a time, each word folded in with a multiply; the tail zero-padded.
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ wire.size();
  std::size_t pos = 0;
  for (; pos + 8 <= wire.size(); pos += 8) {
    std::uint64_t word;
    std::memcpy(&word, wire.data() + pos, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
  }
  if (pos < wire.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, wire.data() + pos, wire.size() - pos);
    h = (h ^ word) * 0xff51afd7ed558ccdULL;
  }
  return mix(h);
}

const dns::RRset* Node::find(std::uint16_t rrtype) const noexcept {
  for (const dns::RRset& rrset : rrsets()) {
    if (rrset.type() == rrtype) {
      return &rrset;
    }
  }
  return nullptr;
}

std::span<const AdditionalTarget> Node::additional(const dns::RRset& rrset) const noexcept {
  const auto index = static_cast<std::size_t>(&rrset - rrsets_);
  const std::span<const AdditionalTarget> all(additional_, additional_count_);
  const auto first = std::partition_point(
      all.begin(), all.end(),
      [index](const AdditionalTarget& target) { return target.rrset_index < index; });
  auto last = first;
  while (last != all.end() && last->rrset_index == index) {
    ++last;
  }
  return {first, last};
}

void NodeTable::reserve(std::size_t count, std::size_t name_octets) {
  nodes_.reserve(count);
  names_.reserve(name_octets);
  const std::size_t wanted = std::bit_ceil(std::max(kMinSlots, count + count / 3 + 1));
  if (wanted > slots_.size()) {
    rehash(wanted);
  }
}

std::size_t NodeTable::probe(std::span<const std::uint8_t> lower_wire,
                             std::uint64_t hash) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.node == 0) {
      return i;
    }
    if (slot.tag == tag) {
      const Node& node = nodes_[slot.node - 1];
      if (node.name_size_ == lower_wire.size() &&
          std::memcmp(names_.data() + node.name_offset_, lower_wire.data(), lower_wire.size()) ==
              0) {
        return i;
      }
    }
  }
}

void NodeTable::rehash(std::size_t slot_count) {
  std::vector<Slot> slots(slot_count);
  const std::size_t mask = slot_count - 1;
  for (const Slot& slot : slots_) {
    if (slot.node == 0) {
      continue;
    }
    // The tag is the high half of the hash; the low half is recomputed from the name.
    const Node& node = nodes_[slot.node - 1];
    const std::uint64_t hash = hash_(name(node));
    std::size_t i = hash & mask;
    while (slots[i].node != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = slot;
  }
  slots_ = std::move(slots);
}

std::pair<Node*, bool> NodeTable::insert(std::span<const std::uint8_t> lower_wire) {
  if (slots_.empty() || (nodes_.size() + 1) * 4 > slots_.size() * 3) {
    rehash(std::max(kMinSlots, slots_.size() * 2));
  }
  const std::uint64_t hash = hash_(lower_wire);
  const std::size_t i = probe(lower_wire, hash);
  if (slots_[i].node != 0) {
    return {&nodes_[slots_[i].node - 1], false};
  }
  if (names_.size() + lower_wire.size() > kMaxNameOctets) {
    return {nullptr, false};
  }

  Node node;
  node.name_offset_ = static_cast<std::uint32_t>(names_.size());
  node.name_size_ = static_cast<std::uint8_t>(lower_wire.size());
  names_.insert(names_.end(), lower_wire.begin(), lower_wire.end());
  nodes_.push_back(node);
  slots_[i] =
      Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(nodes_.size())};
  return {&nodes_.back(), true};
}

void NodeTable::shrinkToFit() {
  nodes_.shrink_to_fit();
  names_.shrink_to_fit();
}

const Node* NodeTable::find(std::span<const std::uint8_t> lower_wire) const noexcept {
  if (slots_.empty()) {
    return nullptr;
  }
  const std::size_t i = probe(lower_wire, hash_(lower_wire));
  return slots_[i].node == 0 ? nullptr : &nodes_[slots_[i].node - 1];
}

Node* NodeTable::find(std::span<const std::uint8_t> lower_wire) noexcept {
  return const_cast<Node*>(std::as_const(*this).find(
      lower_wire));  // NOLINT(cppcoreguidelines-pro-type-const-cast): one body for both overloads
}

}  // namespace holdfast::zone
