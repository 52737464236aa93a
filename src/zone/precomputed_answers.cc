// PrecomputedAnswers: the arena of stored answers and its per-RRset index.
#include "zone/precomputed_answers.h"

#include <limits>

namespace holdfast::zone {

namespace {

// Arenas up to this size live in the heap, where unused room is memory: it is always given back.
constexpr std::size_t kSmallArenaOctets = 256 * 1024;

// Entry offsets are stored plus one in 32 bits, 0 meaning "none".
constexpr std::size_t kMaxArenaOctets = std::numeric_limits<std::uint32_t>::max() - 1;

void putU16(std::uint8_t* at, std::uint16_t value) noexcept {
  at[0] = static_cast<std::uint8_t>(value >> 8);
  at[1] = static_cast<std::uint8_t>(value & 0xff);
}

std::uint16_t getU16(const std::uint8_t* at) noexcept {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

}  // namespace

void PrecomputedAnswers::reset(std::size_t rrset_count, std::size_t body_octets) {
  index_.assign(rrset_count, 0);
  arena_.clear();
  arena_.reserve(body_octets);
}

std::span<std::uint8_t> PrecomputedAnswers::add(std::size_t rrset_index,
                                                std::uint16_t ancount,
                                                std::uint16_t nscount,
                                                std::uint16_t arcount,
                                                std::size_t body_size) {
  if (body_size > kMaxBody || nscount > kMaxCount || arcount > kMaxCount ||
      arena_.size() + kEntryHeader + body_size > kMaxArenaOctets) {
    return {};
  }
  const std::size_t offset = arena_.size();
  arena_.resize(offset + kEntryHeader + body_size);
  std::uint8_t* entry = arena_.data() + offset;
  putU16(entry, ancount);
  entry[2] = static_cast<std::uint8_t>(nscount);
  entry[3] = static_cast<std::uint8_t>(arcount);
  putU16(entry + 4, static_cast<std::uint16_t>(body_size));
  index_[rrset_index] = static_cast<std::uint32_t>(offset + 1);
  return {entry + kEntryHeader, body_size};
}

void PrecomputedAnswers::shrinkToFit() {
  // A large arena's untouched pages cost address space, not memory, and copying it costs time:
  // only one that grew past the room it was given (by doubling) is worth copying.
  const std::size_t unused = arena_.capacity() - arena_.size();
  if (arena_.capacity() <= kSmallArenaOctets || unused > arena_.size() / 4) {
    arena_.shrink_to_fit();
  }
}

std::optional<PrecomputedAnswer> PrecomputedAnswers::find(std::size_t rrset_index) const noexcept {
  if (rrset_index >= index_.size() || index_[rrset_index] == 0) {
    return std::nullopt;
  }
  const std::uint8_t* entry = arena_.data() + index_[rrset_index] - 1;
  return PrecomputedAnswer{
      getU16(entry), entry[2], entry[3], {entry + kEntryHeader, getU16(entry + 4)}};
}

}  // namespace holdfast::zone
