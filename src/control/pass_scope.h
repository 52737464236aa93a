// What a control-plane pass must visit: everything, or the endpoints that changed since the last.
#pragma once

#include <cstddef>
#include <functional>
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
  // Full only, optional: a full pass calls it every kInterleaveEvery endpoints; it runs an
  // incremental pass for what changed meanwhile, so a long full pass does not delay a change.
  std::function<void()> interleave;

  [[nodiscard]] static PassScope everything() { return PassScope{}; }

  // Calls `interleave`, if any, after every kInterleaveEvery-th endpoint (`visited` counts them).
  void visited(std::size_t count) const {
    if (interleave && count % kInterleaveEvery == 0) {
      interleave();
    }
  }

  static constexpr std::size_t kInterleaveEvery = 64;
};

// The endpoint a control-plane key belongs to: health/<e>/<address>, plans/<e>/<generation or
// latest>, published/<e> and control/paused/<e>. nullopt for any other key (control/paused
// itself, which concerns every endpoint).
[[nodiscard]] std::optional<std::string> endpointOfKey(std::string_view key);

// The endpoints an incremental scope names; nullopt if the scope is full or a key names no
// single endpoint (then the pass must visit every endpoint).
[[nodiscard]] std::optional<std::set<std::string>> endpointsOf(const PassScope& scope);

}  // namespace holdfast::control
