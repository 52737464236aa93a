// What a control-plane pass must visit: everything, or the endpoints that changed since the last.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace holdfast::control {

// Given to a pass by runWatchLoop (worker_internal.h). A full pass visits every endpoint; an
// incremental one only the endpoints the changed keys name. Correctness never depends on
// incremental passes: full ones run first, periodically, after a watch error or compaction and
// on request, so a change an incremental pass missed is healed by the next full one.
struct PassScope {
  bool full = true;
  std::set<std::string> keys;  // incremental only: the keys under a watched prefix that changed

  [[nodiscard]] static PassScope everything() { return PassScope{}; }
};

// The endpoint a control-plane key belongs to: health/<e>/<address>, plans/<e>/<generation or
// latest>, published/<e> and control/paused/<e>. nullopt for any other key (control/paused
// itself, which concerns every endpoint).
[[nodiscard]] std::optional<std::string> endpointOfKey(std::string_view key);

// The endpoints an incremental scope names; nullopt if the scope is full or a key names no
// single endpoint (then the pass must visit every endpoint).
[[nodiscard]] std::optional<std::set<std::string>> endpointsOf(const PassScope& scope);

}  // namespace holdfast::control
