// What the admin API and /metrics of `holdfast up` read: the applied configuration, and each
// endpoint's state in the store.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/endpoint.h"
#include "control/pause.h"
#include "control/published_state.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::admin {

// The configuration the API answers for, replaced whole on a reload or an endpoint change.
struct ApiView {
  std::vector<control::EndpointConfig> endpoints;  // the file's, then those made through the API
  std::set<std::string> api_endpoints;             // names of those made through the API
  std::vector<std::string> zones;                  // apexes, "example.test."
};

// Hands the current view to request threads; set() by the thread that applies a configuration.
// Thread-safe.
class ViewHolder {
public:
  void set(std::shared_ptr<const ApiView> view);
  [[nodiscard]] std::shared_ptr<const ApiView> get() const;

private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ApiView> view_;  // guarded by mutex_; never null after the first set()
};

struct BackendState {
  std::string address;
  std::optional<control::HealthRecord> health;  // nullopt: not checked yet or unreadable
};

// One endpoint as the store shows it now.
struct EndpointState {
  control::EndpointConfig config;
  control::PublishedState published;
  control::Generation latest_plan = 0;  // plans/<e>/latest; 0 when absent or unreadable
  bool fail_open = false;  // the published plan failed open and no backend is healthy now
  std::vector<BackendState> backends;
  control::PauseState pause;
  std::string source = "config";  // "config" (the configuration file) or "api" (the admin API)
};

// Reads published/<e>, plans/<e>/latest, the published plan, health/<e>/ and the pauses.
// Errors: store failures.
[[nodiscard]] Result<EndpointState> readEndpointState(store::Store& store,
                                                      const control::EndpointConfig& endpoint);

// An operator-facing condition worth attention, derived from the state.
struct ActiveAlert {
  std::string name;     // "endpoint_paused", "failing_open", "backend_unhealthy", ...
  std::string subject;  // the endpoint, or endpoint/backend
  std::string summary;
};

[[nodiscard]] std::vector<ActiveAlert> alertsOf(const EndpointState& state);

// The endpoint of `view` named `name` ("api.example.test" or with the trailing dot; any case);
// nullptr when none.
[[nodiscard]] const control::EndpointConfig* findEndpoint(const ApiView& view,
                                                          const std::string& name);

// "api" if `name` (normalized) was made through the admin API, else "config".
[[nodiscard]] std::string sourceOf(const ApiView& view, const std::string& name);

// "A" or "AAAA".
[[nodiscard]] std::string typeName(std::uint16_t rrtype);

}  // namespace holdfast::admin
