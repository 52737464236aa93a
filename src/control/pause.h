// Pausing the automation: control/paused freezes every endpoint, control/paused/<e> one.
#pragma once

#include <optional>
#include <string_view>

#include "common/result.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// The pauses that apply to one endpoint. A key that exists pauses even if its record is
// unreadable (the enactor only checks that the key is absent).
struct PauseState {
  std::optional<PauseRecord> global;    // control/paused
  std::optional<PauseRecord> endpoint;  // control/paused/<endpoint>

  [[nodiscard]] bool paused() const { return global.has_value() || endpoint.has_value(); }
};

// Pauses every endpoint (empty `endpoint`) or one. Enactors check the key inside their publish
// transaction, so once this returns no publish of a paused endpoint commits, whatever it read
// before. Planning goes on; the janitor too. Errors: store failures.
[[nodiscard]] Status pauseAutomation(store::Store& store,
                                     std::string_view endpoint,
                                     const PauseRecord& record);

// Lifts the pause set for every endpoint (empty `endpoint`) or for one; a per-endpoint pause
// survives the lifting of the global one. Returns false if there was nothing to lift.
// Errors: store failures.
[[nodiscard]] Result<bool> resumeAutomation(store::Store& store, std::string_view endpoint);

// The pauses that apply to `endpoint`. Errors: store failures.
[[nodiscard]] Result<PauseState> readPause(store::Store& store, std::string_view endpoint);

}  // namespace holdfast::control
