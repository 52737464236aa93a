// The control plane's store layout: key names and the JSON codecs of every record it writes.
// The DNS publisher reads `published/` and `zones/` through these same helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace holdfast::control {

// A plan generation. Generations start at 1; 0 means "none yet".
using Generation = std::uint64_t;

inline constexpr std::string_view kHealthPrefix = "health/";
inline constexpr std::string_view kPlansPrefix = "plans/";
inline constexpr std::string_view kPublishedPrefix = "published/";
inline constexpr std::string_view kZonesPrefix = "zones/";
inline constexpr std::string_view kJournalPrefix = "journal/";
// "control/paused": while it exists no enactor publishes anything.
inline constexpr std::string_view kPausedKey = "control/paused";

// "health/<endpoint>/<address>": the latest health observation of one backend.
[[nodiscard]] std::string healthKey(std::string_view endpoint, std::string_view address);
// "health/<endpoint>/": every backend of one endpoint.
[[nodiscard]] std::string healthPrefix(std::string_view endpoint);
// "plans/<endpoint>/<generation, 20 digits>": one immutable plan.
[[nodiscard]] std::string planKey(std::string_view endpoint, Generation generation);
// "plans/<endpoint>/": the plans and the latest pointer of one endpoint.
[[nodiscard]] std::string planPrefix(std::string_view endpoint);
// "plans/<endpoint>/latest": the newest generation the planner wrote.
[[nodiscard]] std::string latestKey(std::string_view endpoint);
// "published/<endpoint>": what is served, addresses inline (S4).
[[nodiscard]] std::string publishedKey(std::string_view endpoint);
// "zones/<zone>/serial": how many publishes the zone has seen.
[[nodiscard]] std::string serialKey(std::string_view zone);
// "journal/<zone>/<offset, 20 digits>": what one publish changed.
[[nodiscard]] std::string journalKey(std::string_view zone, std::uint64_t offset);
// "journal/<zone>/".
[[nodiscard]] std::string journalPrefix(std::string_view zone);

// "control/paused/<endpoint>": while it exists no enactor publishes that endpoint.
[[nodiscard]] std::string pausedKey(std::string_view endpoint);

// Zero-padded to 20 decimal digits, so keys sort in numeric order.
[[nodiscard]] std::string formatCounter(std::uint64_t value);

// The counter of a key that is `prefix` followed by exactly 20 digits; nullopt otherwise.
[[nodiscard]] std::optional<std::uint64_t> parseCounterKey(std::string_view prefix,
                                                           std::string_view key);

// The generation of a plan key under `planPrefix(endpoint)`; nullopt for "latest" and for any
// key that is not exactly 20 digits after the prefix.
[[nodiscard]] std::optional<Generation> parsePlanKey(std::string_view endpoint,
                                                     std::string_view key);

// health/<endpoint>/<address>
struct HealthRecord {
  bool healthy = false;
  std::int64_t checked_at_ms = 0;  // wall clock, milliseconds since the Unix epoch
  std::string reason;              // what the last probe saw ("connected", "connect: refused")

  bool operator==(const HealthRecord&) const = default;
};

// plans/<endpoint>/<generation>. Valid only with at least one address (S1).
struct Plan {
  Generation generation = 0;
  std::string endpoint;
  std::uint16_t rrtype = 0;
  std::uint32_t ttl = 0;
  std::vector<std::string> addresses;  // canonical, sorted, unique
  std::string created_by;
  bool fail_open = false;  // every backend looked unhealthy, so all are kept
  std::string reason;      // why the planner chose these addresses (optional in the record)

  bool operator==(const Plan&) const = default;
};

// plans/<endpoint>/latest
struct LatestRecord {
  Generation generation = 0;

  bool operator==(const LatestRecord&) const = default;
};

// published/<endpoint>. Holds the addresses themselves so that what is served never depends
// on a plan still existing (S4). Valid only with at least one address (S1).
struct PublishedRecord {
  Generation generation = 0;
  std::string zone;
  std::uint16_t rrtype = 0;
  std::uint32_t ttl = 0;
  std::vector<std::string> addresses;  // canonical, sorted, unique
  std::string applied_by;              // enactor id

  bool operator==(const PublishedRecord&) const = default;
};

// zones/<zone>/serial. Absent means 0.
struct SerialRecord {
  std::uint64_t serial_offset = 0;

  bool operator==(const SerialRecord&) const = default;
};

// journal/<zone>/<offset>: the audit trail, one entry per publish, never overwritten.
struct JournalEntry {
  std::string endpoint;
  Generation old_generation = 0;  // 0 if the endpoint was not published before
  Generation new_generation = 0;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  std::string enactor;             // who: an enactor id, or "operator:<user>"
  std::int64_t applied_at_ms = 0;  // when: wall clock of the writer
  std::string why;                 // the plan's reason, and an operator's note (optional)

  bool operator==(const JournalEntry&) const = default;
};

// control/paused and control/paused/<endpoint>: who paused the automation, when and why.
struct PauseRecord {
  std::string by;
  std::int64_t at_ms = 0;  // wall clock, milliseconds since the Unix epoch
  std::string reason;

  bool operator==(const PauseRecord&) const = default;
};

// Encoders produce compact JSON. Decoders never throw: malformed JSON, a missing or mistyped
// field, an address that does not match the rrtype or an empty address list (S1) yield kParse
// with a message naming the record and field. Unknown fields are ignored.
[[nodiscard]] std::string encodeHealth(const HealthRecord& record);
[[nodiscard]] Result<HealthRecord> decodeHealth(std::string_view text);
[[nodiscard]] std::string encodePlan(const Plan& plan);
[[nodiscard]] Result<Plan> decodePlan(std::string_view text);
[[nodiscard]] std::string encodeLatest(const LatestRecord& record);
[[nodiscard]] Result<LatestRecord> decodeLatest(std::string_view text);
[[nodiscard]] std::string encodePublished(const PublishedRecord& record);
[[nodiscard]] Result<PublishedRecord> decodePublished(std::string_view text);
[[nodiscard]] std::string encodeSerial(const SerialRecord& record);
[[nodiscard]] Result<SerialRecord> decodeSerial(std::string_view text);
[[nodiscard]] std::string encodeJournal(const JournalEntry& entry);
[[nodiscard]] Result<JournalEntry> decodeJournal(std::string_view text);
[[nodiscard]] std::string encodePause(const PauseRecord& record);
[[nodiscard]] Result<PauseRecord> decodePause(std::string_view text);

}  // namespace holdfast::control
