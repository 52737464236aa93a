// Read-only views for operators: what the next publish of an endpoint would do, and its history.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/endpoint.h"
#include "control/ip_address.h"
#include "control/pause.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// What an enactor would do with an endpoint right now.
enum class Verdict {
  kNoPlan,    // no valid plan at all
  kUpToDate,  // nothing newer than what is published
  kPublish,   // the newest valid plan would be published
  kHeld,      // it removes more than the change budget allows and is not approved
  kPaused,    // publishing is paused for this endpoint
};

[[nodiscard]] std::string_view verdictName(Verdict verdict);

struct Review {
  std::optional<PublishedRecord> published;  // what is served
  std::optional<Plan> plan;                  // the newest valid plan
  AddressDiff diff;                          // from published to plan
  std::size_t allowed_removals = 0;          // per publish, from policy.max_remove
  PauseState pause;
  Verdict verdict = Verdict::kNoPlan;
};

// Reads what an enactor reads and judges it the way Enactor::commit() does, as if by an
// operator's approval when `approved`. Changes nothing. Errors: store failures.
[[nodiscard]] Result<Review> reviewEndpoint(store::Store& store,
                                            const EndpointConfig& endpoint,
                                            bool approved);

struct HistoryEntry {
  std::uint64_t serial_offset = 0;  // the journal key: the zone's publish counter
  JournalEntry entry;
};

// Every journal entry of `endpoint`, oldest first; entries that do not decode are skipped.
// Errors: store failures.
[[nodiscard]] Result<std::vector<HistoryEntry>> readHistory(store::Store& store,
                                                            const EndpointConfig& endpoint);

}  // namespace holdfast::control
