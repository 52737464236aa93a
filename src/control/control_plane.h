// ControlPlane: health checker, planner, enactors and janitor wired together on one store.
#pragma once

#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "control/enactor.h"
#include "control/endpoint.h"
#include "control/health_checker.h"
#include "control/janitor.h"
#include "control/planner.h"
#include "control/prober.h"
#include "store/store.h"

namespace holdfast::control {

// What tests and the simulator replace. Both borrowed; nullptr selects the real one.
struct ControlPlaneHooks {
  Prober* prober = nullptr;      // nullptr: SocketProber
  const Clock* clock = nullptr;  // nullptr: SystemClock::instance()
};

// Runs the whole control plane for `endpoints` against `store`: one health checker thread per
// backend, one planner thread, options.enactors enactor threads ("enactor-1".."enactor-N"),
// and one janitor thread every options.janitor_interval. The store and hooks are borrowed and
// must outlive the ControlPlane. start() and stop() are called from one owning thread.
//
// Limitation: intervals are waited on the machine's steady clock; the injected Clock only
// stamps records (checked_at_ms, applied_at_ms). Deterministic schedules drive the step APIs
// of Planner, Enactor and Janitor directly instead.
class ControlPlane {
public:
  ControlPlane(store::Store& store,
               std::vector<EndpointConfig> endpoints,
               ControlOptions options,
               ControlPlaneHooks hooks = {});
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Validates the configuration and starts every thread. Errors: kConfig (nothing started), or
  // kInvalidArgument if already running.
  [[nodiscard]] Status start();

  // Stops and joins every thread: within about kWatchSlice plus the longest check.timeout.
  // Idempotent; also run by the destructor.
  void stop();

  [[nodiscard]] bool running() const { return running_; }

  // The parts, for inspection and for the CLI's one-shot commands. Valid for the lifetime of
  // this object; their step methods are thread-safe.
  [[nodiscard]] Planner& planner() { return planner_; }

  [[nodiscard]] Janitor& janitor() { return janitor_; }

  [[nodiscard]] const std::vector<std::unique_ptr<Enactor>>& enactors() const { return enactors_; }

private:
  const std::vector<EndpointConfig> endpoints_;
  const ControlOptions options_;
  SocketProber socket_prober_;
  Prober& prober_;
  const Clock& clock_;
  HealthChecker checker_;
  Planner planner_;
  Janitor janitor_;
  std::vector<std::unique_ptr<Enactor>> enactors_;
  bool running_ = false;
};

}  // namespace holdfast::control
