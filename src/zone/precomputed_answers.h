// PrecomputedAnswers: the positive answers of one zone in wire form, made when the snapshot is
// built, so that the answer path copies them instead of running the answer algorithm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace holdfast::zone {

// The reply to a question for one RRset, without the header's query-dependent fields, the
// question and the OPT record. The reply is authoritative with RCODE NOERROR and TC clear. Names
// in `body` are compressed against a question name at offset 12 of the message, so the body is
// valid for any query of that name whatever its letter case: the question has the same length.
struct PrecomputedAnswer {
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;           // without the OPT record
  std::span<const std::uint8_t> body;  // answer, authority and additional sections
};

// The answers of the RRsets of one zone, by RRset number (its index in the zone's RRset
// vector), back to back in one arena: a 4-octet index entry per RRset, then 6 octets of counts
// and length in front of each stored body. Built by one thread, then read by many without locks.
class PrecomputedAnswers {
public:
  // Longest body stored: the length field is 16 bits, and a longer answer cannot be sent over
  // UDP anyway.
  static constexpr std::size_t kMaxBody = 0xffff;

  // Most authority and additional records of one stored answer (their counts take one octet).
  static constexpr std::size_t kMaxCount = 0xff;

  // Empty: no answer for any RRset.
  PrecomputedAnswers() = default;

  // Forgets every answer and prepares room for `rrset_count` RRsets and `body_octets` octets of
  // bodies (a hint; more may be added).
  void reset(std::size_t rrset_count, std::size_t body_octets);

  // Adds the answer of RRset `rrset_index` with a body of `body_size` octets and returns the body
  // to fill in, or an empty span when the answer cannot be stored (body over kMaxBody, authority
  // or additional count over kMaxCount, arena offsets exhausted); then nothing is stored.
  // REQUIRES: rrset_index < the count given to reset(), no answer added for it yet.
  [[nodiscard]] std::span<std::uint8_t> add(std::size_t rrset_index,
                                            std::uint16_t ancount,
                                            std::uint16_t nscount,
                                            std::uint16_t arcount,
                                            std::size_t body_size);

  // Frees the room reset() reserved and nothing used when there is much of it.
  void shrinkToFit();

  // The answer of RRset `rrset_index`, or nullopt when none was stored. Does not allocate.
  [[nodiscard]] std::optional<PrecomputedAnswer> find(std::size_t rrset_index) const noexcept;

  // Octets of bodies and their headers, without the index.
  [[nodiscard]] std::size_t arenaSize() const noexcept { return arena_.size(); }

  // Bytes held, index included, for memory accounting and tests.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return arena_.capacity() + index_.capacity() * sizeof(std::uint32_t);
  }

  // Octets in front of each body in the arena.
  static constexpr std::size_t kEntryHeader = 6;

private:
  std::vector<std::uint32_t> index_;  // per RRset: offset of its entry plus one; 0 for none
  std::vector<std::uint8_t> arena_;   // entries: ancount(2) nscount(1) arcount(1) length(2) body
};

}  // namespace holdfast::zone
