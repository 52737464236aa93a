// Checker: tests S1-S5 (and the blast-radius rules) on every committed change, and L1 at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/endpoint.h"
#include "sim/schedule.h"
#include "sim/served_view.h"
#include "sim/sim_store.h"

namespace holdfast::sim {

enum class Property {
  kS1,  // never empty
  kS2,  // monotonic
  kS3,  // atomic check: a publish replaced exactly what its newer-than check looked at
  kS4,  // self-contained: no write but a publish changes what is served
  kS5,  // safe clean-up: deletes only plans older than published - K, judged at the delete
  kL1,  // recovery: converges within the bound after faults stop, one enactor paused (L2)
  kB1,  // change budget: no publish removes more than the budget allows
  kB2,  // pause: nothing is published while the endpoint or everything is paused
  kB3,  // audit: every publish is journalled with exactly its diff
};

inline constexpr std::size_t kPropertyCount = 9;

// "S1", "L1", "B2", ...
[[nodiscard]] std::string_view propertyName(Property property);
// "never empty", "monotonic", ...
[[nodiscard]] std::string_view propertyTitle(Property property);
// Lower is more severe; shrinking keeps the most severe violation of a run.
[[nodiscard]] int severity(Property property);

struct Violation {
  Property property = Property::kS1;
  std::int64_t at_ms = 0;
  std::size_t step = 0;  // index of the step in execution order
  std::string message;
};

// Watches every commit of one world. The served view it keeps per endpoint is also what the
// simulated DNS server answers clients with. Single-threaded.
class Checker {
public:
  Checker(const WorldOptions& options,
          const std::vector<control::EndpointConfig>& endpoints,
          SimStore& store);

  // Context for the violations found while a step runs.
  void setStep(std::size_t index, std::int64_t at_ms) {
    step_ = index;
    at_ms_ = at_ms;
  }

  void onCommit(const Commit& commit);

  // Records a violation found elsewhere (liveness).
  void fail(Property property, std::string message);

  [[nodiscard]] const ServedView& served(int endpoint) const { return views_[endpoint]; }

  // Why endpoint `e` has not converged (empty if it has): what is served is the newest valid
  // plan and a planner would change nothing given the health in the store.
  [[nodiscard]] std::string unconverged(int endpoint);

  [[nodiscard]] const std::vector<Violation>& violations() const { return violations_; }

  // Bound on violations kept per run: the first ones say what went wrong.
  static constexpr std::size_t kMaxViolations = 64;

private:
  void checkEndpoint(int e, const Commit& commit);
  void checkPublish(int e, const Commit& commit, const ServedView& before, const ServedView& after);
  void checkCleanup(int e, const Commit& commit, const ServedView& before);
  [[nodiscard]] bool pausedBefore(int e) const;

  const WorldOptions& options_;
  const std::vector<control::EndpointConfig>& endpoints_;
  SimStore& store_;
  std::vector<std::string> publish_keys_;
  std::vector<std::string> plan_prefixes_;
  std::vector<ServedView> views_;
  std::vector<Violation> violations_;
  bool global_pause_ = false;
  std::vector<bool> endpoint_pause_;
  std::size_t step_ = 0;
  std::int64_t at_ms_ = 0;
};

}  // namespace holdfast::sim
