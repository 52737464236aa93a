// What the next plan of an endpoint should hold: health filtered through the blast-radius policy.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "store/store.h"

namespace holdfast::control {

// The latest health observation per backend address: true if healthy.
using Observations = std::map<std::string, bool, std::less<>>;

// Which rule decided a plan's addresses.
enum class PlanMode {
  kHealthy,   // the healthy backends
  kFailOpen,  // none healthy: every backend (S1)
  kPanic,     // more than policy.panic_percent down at once: every backend
  kFloor,     // fewer healthy than policy.min_healthy: topped up with unhealthy backends
  kFrozen,    // none healthy and fail_open is off: no new plan, the current one stays
};

// The planner's decision for one endpoint.
struct PlanDecision {
  PlanMode mode = PlanMode::kHealthy;
  std::vector<std::string> addresses;  // sorted and unique; empty only for kFrozen
  std::size_t healthy = 0;             // backends observed healthy
  std::size_t held_back = 0;           // removals postponed by the change budget (step-down)
  std::string reason;                  // why, for the plan and the audit journal

  // True if a plan with these addresses serves every backend despite health.
  [[nodiscard]] bool failOpen() const {
    return mode == PlanMode::kFailOpen || mode == PlanMode::kPanic;
  }
};

// Short name of a mode ("healthy", "fail-open", "panic", "floor", "frozen") for logs.
[[nodiscard]] std::string_view planModeName(PlanMode mode);

// Decides the addresses of the next plan. nullopt while some configured backend has no
// observation yet (a backend never checked is never planned, and a cold start does not fail
// open on "nothing known"). Rules, in order: none healthy (fail-open or frozen), the panic
// threshold, the minimum-healthy floor (preferring backends that are published now), then, with
// OverBudget::kStep and a published set, the change budget: at most budget.allowed(published)
// of the published addresses are removed, the rest held back for later plans (additions are
// never held back). Deterministic: the same inputs give the same decision.
[[nodiscard]] std::optional<PlanDecision> decidePlan(const EndpointConfig& endpoint,
                                                     const Observations& observed,
                                                     const std::vector<std::string>* published);

// Reads health/<endpoint>/ into observations. An unreadable record counts as unhealthy (logged
// at warn through `logger` if given). Errors: store failures only.
[[nodiscard]] Result<Observations> readObservations(store::Store& store,
                                                    const EndpointConfig& endpoint,
                                                    const log::Logger* logger);

}  // namespace holdfast::control
