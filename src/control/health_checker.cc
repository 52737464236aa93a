// HealthChecker: rise/fall hysteresis and the per-backend probe threads.
#include "control/health_checker.h"

#include <chrono>

#include "control/records.h"
#include "control/worker_internal.h"

namespace holdfast::control {

bool HealthState::observe(bool success) {
  if (!healthy_) {
    healthy_ = success;
    streak_ = 0;
    return true;
  }
  if (success == *healthy_) {
    streak_ = 0;
    return false;
  }
  ++streak_;
  if (streak_ < (success ? rise_ : fall_)) {
    return false;
  }
  healthy_ = success;
  streak_ = 0;
  return true;
}

HealthChecker::HealthChecker(store::Store& store,
                             std::vector<EndpointConfig> endpoints,
                             Prober& prober,
                             const Clock& clock)
    : store_(store), endpoints_(std::move(endpoints)), prober_(prober), clock_(clock) {
  for (const EndpointConfig& endpoint : endpoints_) {
    for (const BackendConfig& backend : endpoint.backends) {
      backends_.push_back(std::make_unique<Backend>(Backend{
          &endpoint, backend.address, HealthState(endpoint.check.rise, endpoint.check.fall)}));
    }
  }
}

HealthChecker::~HealthChecker() {
  stop();
}

void HealthChecker::start() {
  if (!threads_.empty()) {
    return;
  }
  for (const auto& backend : backends_) {
    threads_.emplace_back(
        [this, raw = backend.get()](std::stop_token token) { runBackend(token, *raw); });
  }
}

void HealthChecker::stop() {
  for (std::jthread& thread : threads_) {
    thread.request_stop();
  }
  threads_.clear();  // jthread joins on destruction
}

void HealthChecker::probeAll() {
  for (const auto& backend : backends_) {
    probeBackend(*backend);
  }
}

void HealthChecker::runBackend(std::stop_token token, Backend& backend) {
  using Steady = std::chrono::steady_clock;
  const std::chrono::milliseconds interval = backend.endpoint->check.interval;
  while (!token.stop_requested()) {
    const Steady::time_point started = Steady::now();
    probeBackend(backend);
    const auto spent =
        std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started);
    if (spent < interval && !sleepFor(token, interval - spent)) {
      return;
    }
  }
}

void HealthChecker::probeBackend(Backend& backend) {
  const ProbeResult result = prober_.probe(backend.address, backend.endpoint->check);
  if (backend.state.observe(result.healthy)) {
    backend.reason = result.reason;
    backend.write_pending = true;
    logger_.info("backend health changed",
                 {{"endpoint.name", backend.endpoint->name},
                  {"backend.address", backend.address},
                  {"health.state", result.healthy ? "healthy" : "unhealthy"},
                  {"health.reason", result.reason}});
  }
  if (backend.write_pending) {
    writeHealth(backend);
  }
}

// Limitation: the record is written on transitions only; a health key deleted by hand stays
// missing until the backend's state changes, and the planner keeps the endpoint's last plan.
void HealthChecker::writeHealth(Backend& backend) {
  const auto checked_at =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wallNow().time_since_epoch());
  const HealthRecord record{*backend.state.healthy(), checked_at.count(), backend.reason};
  auto written =
      store_.put(healthKey(backend.endpoint->name, backend.address), encodeHealth(record));
  if (!written.ok()) {
    logger_.warn("health write failed, retrying after the next probe",
                 {{"endpoint.name", backend.endpoint->name},
                  {"backend.address", backend.address},
                  {"error.code", errcName(written.error().code)},
                  {"error.message", written.error().message}});
    return;
  }
  backend.write_pending = false;
}

}  // namespace holdfast::control
