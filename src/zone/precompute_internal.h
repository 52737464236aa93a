// Precomputer: makes the precomputed answers of the zones of a snapshot while it is built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/rrset.h"
#include "zone/snapshot.h"

namespace holdfast::zone {

// For every RRset at a name answered from its zone (not at or below a zone cut, not in a zone
// nested below), stores the reply to a question for that name and type (see
// PrecomputedAnswers): records without names in their data are encoded directly; the others
// (NS, MX, SOA, CNAME and the like, whose names are compressed and whose additional records
// are collected by the answer algorithm) are the output of answerFull for a synthetic query,
// kept only when a lowercase and an uppercase question give the same body and the answer's
// owner points at the question. DS is never stored: its answer comes from the parent side.
// Runs on one thread while the snapshot is not yet shared.
class Precomputer {
public:
  // Octets of stored answers per snapshot; managed RRsets are stored first, static ones while
  // room is left.
  // Limitation: answers beyond the budget are not stored and go through the full answer path.
  static constexpr std::size_t kBudgetOctets = std::size_t{256} << 20;

  // RRsets answered with answerFull per snapshot build: about 2 microseconds each, run twice,
  // so this bounds the time added to a build at about 0.1 s.
  // Limitation: the RRsets beyond it (large zones of PTR, MX or CNAME records) are not stored.
  static constexpr std::size_t kMaxSynthesized = 16384;

  // The zones of `snapshot`, which must be complete (every zone added and indexed) but not yet
  // shared.
  explicit Precomputer(Snapshot& snapshot) noexcept : snapshot_(snapshot) {}

  // Stores the answers of `zone`, one of the snapshot's zones, whose RRsets of indices
  // `managed` come from the control plane. Call prepare() for every zone first, then
  // storeManaged() for every zone, then storeStatic() for every zone: managed answers get the
  // budget first.
  void prepare(Zone& zone);
  void storeManaged(Zone& zone, std::span<const std::uint32_t> managed);
  void storeStatic(Zone& zone);

private:
  void store(Zone& zone, const Node& node, std::size_t rrset_index);
  void storeEncoded(Zone& zone, std::size_t rrset_index);
  void storeSynthesized(Zone& zone, const Node& node, std::size_t rrset_index);
  void findNested(const Zone& zone) noexcept;
  [[nodiscard]] bool answeredHere(const Zone& zone, const Node& node) const noexcept;

  Snapshot& snapshot_;
  std::size_t used_octets_ = 0;
  std::size_t synthesis_runs_ = 0;
  bool nested_ = false;  // the zone being stored has another zone of the snapshot below its apex
  std::vector<std::uint8_t> query_;    // the synthetic query
  std::vector<std::uint8_t> replies_;  // two replies of up to 64 KiB, for synthesis
  std::vector<std::byte> arena_;       // libknot working memory for synthesis
};

}  // namespace holdfast::zone
