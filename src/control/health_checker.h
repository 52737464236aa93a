// HealthChecker: probes every backend on its own thread and records health transitions.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "control/endpoint.h"
#include "control/prober.h"
#include "store/store.h"

namespace holdfast::control {

// Rise/fall hysteresis of one backend: `rise` consecutive successes turn an unhealthy backend
// healthy, `fall` consecutive failures turn a healthy one unhealthy. The first result sets the
// state directly. Not thread-safe; each backend's state belongs to one thread.
class HealthState {
public:
  HealthState(int rise, int fall) : rise_(rise), fall_(fall) {}

  // Feeds one probe result. Returns true if the state changed, including the first result.
  bool observe(bool success);

  // nullopt until the first result.
  [[nodiscard]] std::optional<bool> healthy() const { return healthy_; }

private:
  int rise_;
  int fall_;
  std::optional<bool> healthy_;
  int streak_ = 0;  // consecutive results that contradict the current state
};

// Probes the backends of `endpoints` every check.interval with check.timeout and, on each
// transition, writes `health/<endpoint>/<address>` and logs "backend health changed".
// Limitation: health/<endpoint>/<address> holds one observation, not one per checker; two
// control processes probing the same backend overwrite each other (last transition wins).
// The store, prober and clock are borrowed and must outlive the checker. start() and stop() are
// called from one owning thread; the destructor stops.
class HealthChecker {
public:
  HealthChecker(store::Store& store,
                std::vector<EndpointConfig> endpoints,
                Prober& prober,
                const Clock& clock);
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  // Starts one thread per backend; the first probe runs at once.
  // Limitation: one thread per backend; fine for tens to hundreds of backends, a pool would be
  // needed beyond that.
  void start();

  // Stops and joins every thread; waits at most about one check.timeout. Idempotent.
  void stop();

  // Probes every backend once, in order, on the calling thread. Only while not started.
  void probeAll();

private:
  struct Backend {
    const EndpointConfig* endpoint;
    std::string address;
    HealthState state;
    bool write_pending = false;  // a transition whose store write has not succeeded yet
    std::string reason;
  };

  void probeBackend(Backend& backend);
  void writeHealth(Backend& backend);
  void runBackend(std::stop_token token, Backend& backend);

  store::Store& store_;
  const std::vector<EndpointConfig> endpoints_;
  Prober& prober_;
  const Clock& clock_;
  log::Logger logger_{"control.health"};
  std::vector<std::unique_ptr<Backend>> backends_;  // each used by exactly one thread
  std::vector<std::jthread> threads_;
};

}  // namespace holdfast::control
