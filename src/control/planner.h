// Planner: turns backend health into numbered, immutable plans, one endpoint at a time.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "control/pass_scope.h"
#include "control/plan_policy.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

enum class PlanOutcome {
  kUnchanged,  // the latest plan already holds the desired addresses
  kCreated,    // a new generation was written
  kWaiting,    // some backend has no health observation yet; nothing was written
  kContended,  // every attempt lost the compare-and-swap to another planner; try again later
  kFrozen,     // no backend is healthy and fail-open is off: the latest plan stays as it is
};

struct PlanResult {
  PlanOutcome outcome = PlanOutcome::kUnchanged;
  Generation generation = 0;  // the latest generation after the call (0: none)
};

// Policy for backends without an observation: an endpoint gets no new plan until every
// configured backend has a first health record, so a backend that was never checked is never
// planned and a cold start does not fail open on "nothing known yet". Health records of
// addresses that are not configured are ignored; an unreadable record counts as unhealthy.
//
// The addresses come from decidePlan() (plan_policy.h): the healthy backends, filtered through
// the endpoint's policy (fail-open, S1 by construction; panic threshold; minimum-healthy floor;
// change budget measured against the published set, stepped down over several plans). With
// fail-open off and nothing healthy, no plan is written (kFrozen). A plan is written only when the
// addresses, TTL or rrtype differ from the latest plan (or the latest plan is missing or
// unreadable, which re-plans it: L1). Its generation exceeds every plan key, the latest pointer and
// the published generation, so it is applicable even after plans/ was deleted. The write is one
// transaction that compares plans/<e>/latest's mod_revision and that the new generation's key is
// absent; a lost compare re-reads health and plans and tries again, at most kMaxAttempts times.
//
// Thread-safety: every method may be called from any thread; several planners (in one process
// or many) may run against one store.
class Planner {
public:
  Planner(store::Store& store, std::vector<EndpointConfig> endpoints);
  ~Planner();
  Planner(const Planner&) = delete;
  Planner& operator=(const Planner&) = delete;

  // Plans one endpoint. Errors: store failures only.
  [[nodiscard]] Result<PlanResult> planEndpoint(const EndpointConfig& endpoint);

  // Plans every configured endpoint; returns the first error after trying them all.
  [[nodiscard]] Status planAll();

  // One pass of the planner thread: planAll() for a full scope; otherwise planEndpoint() for
  // the configured endpoints the changed keys name (health/<e>/..., published/<e>), plus those
  // whose planning failed or was contended in the previous pass. Returns the first error.
  [[nodiscard]] Status planScope(const PassScope& scope);

  // Asks the running planner thread for a pass soon (within kWatchSlice).
  void requestReplan();

  // Starts a thread that plans all endpoints on start, on request and every kResyncInterval,
  // and the endpoints that changed on every change under health/ or published/. stop() joins it;
  // both idempotent.
  void start();
  void stop();

  // Bound on compare-and-swap attempts per endpoint and pass; when hit, the pass gives up on
  // that endpoint (kContended) and the next pass tries again.
  static constexpr int kMaxAttempts = 8;

  // Full passes as a backstop for hand edits of plans/ that no health change would notice.
  static constexpr std::chrono::milliseconds kResyncInterval{5000};

private:
  // One read-decide-write round; nullopt if the compare-and-swap was lost.
  [[nodiscard]] Result<std::optional<PlanResult>> tryWrite(const EndpointConfig& endpoint,
                                                           const Observations& observed);
  // Logs when an endpoint's planning mode changes (fail-open, panic, floor, frozen, healthy).
  void noteMode(const EndpointConfig& endpoint, const PlanDecision& decision);
  // planEndpoint() with logging; remembers a failed or contended endpoint for the next pass and
  // keeps the first error in `first`.
  void planOne(const EndpointConfig& endpoint, Status& first);
  // planAll(), calling scope.visited() as it goes.
  [[nodiscard]] Status planEvery(const PassScope& scope);

  store::Store& store_;
  const std::vector<EndpointConfig> endpoints_;
  log::Logger logger_{"control.planner"};
  std::atomic<bool> replan_requested_{false};
  std::mutex mu_;
  std::map<std::string, PlanMode> modes_;  // guarded by mu_; endpoint name -> last mode
  std::set<std::string> retry_;            // guarded by mu_; planned again by the next pass
  std::map<std::string, std::size_t, std::less<>> index_;  // endpoint name -> endpoints_ index
  std::jthread thread_;
};

}  // namespace holdfast::control
