// StatusBoard: what each enactor of this process last did, for the admin API and /metrics.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "control/records.h"

namespace holdfast::control {

// One enactor as seen from outside. Counters only rise.
struct EnactorStatus {
  std::string id;
  std::string last_applied_endpoint;  // empty until its first publish
  Generation last_applied_generation = 0;
  std::int64_t last_applied_at_ms = 0;  // wall clock; 0: never
  std::int64_t last_pass_at_ms = 0;     // end of its last full pass; 0: none yet
  std::string last_error;               // the last pass's first error; empty after a clean pass
  std::uint64_t applied = 0;            // publishes committed
  std::uint64_t stale_refused = 0;      // commits refused because published/<e> moved (S3)
  std::uint64_t held = 0;               // commits held by the change budget
  std::uint64_t errors = 0;             // passes that ended with an error
};

// A board the enactors of one process report to; it survives a control plane's restart (a
// reload replaces the enactors, whose reports go on under the same ids). Thread-safe.
class StatusBoard {
public:
  // The board every Enactor of this process reports to.
  [[nodiscard]] static StatusBoard& process();

  void recordApplied(const std::string& enactor,
                     const std::string& endpoint,
                     Generation generation,
                     std::int64_t at_ms);
  void recordStaleRefused(const std::string& enactor);
  void recordHeld(const std::string& enactor);
  // A pass ended: `error` is empty for a clean one.
  void recordPass(const std::string& enactor, std::int64_t at_ms, const std::string& error);

  // Every enactor that reported, by id.
  [[nodiscard]] std::vector<EnactorStatus> enactors() const;

private:
  EnactorStatus& entry(const std::string& enactor);  // requires mutex_

  mutable std::mutex mutex_;
  std::map<std::string, EnactorStatus> enactors_;  // guarded by mutex_
};

}  // namespace holdfast::control
