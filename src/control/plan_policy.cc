// decidePlan: fail-open, panic threshold, minimum-healthy floor and change budget, in that order.
#include "control/plan_policy.h"

#include <algorithm>

#include "control/ip_address.h"
#include "control/records.h"

namespace holdfast::control {

namespace {

std::vector<std::string> allBackends(const EndpointConfig& endpoint) {
  std::vector<std::string> out;
  for (const BackendConfig& backend : endpoint.backends) {
    out.push_back(backend.address);
  }
  return out;
}

bool contains(const std::vector<std::string>& sorted, const std::string& address) {
  return std::binary_search(sorted.begin(), sorted.end(), address);
}

// Tops `decision` up to the floor with unhealthy backends, published ones first (they were
// serving a moment ago), then in configuration order.
void applyFloor(const EndpointConfig& endpoint,
                const std::vector<std::string>& published,
                PlanDecision& decision) {
  const std::size_t floor = endpoint.policy.min_healthy;
  for (const bool from_published : {true, false}) {
    for (const BackendConfig& backend : endpoint.backends) {
      if (decision.addresses.size() >= floor) {
        return;
      }
      const bool chosen = std::find(decision.addresses.begin(), decision.addresses.end(),
                                    backend.address) != decision.addresses.end();
      if (!chosen && (!from_published || contains(published, backend.address))) {
        decision.addresses.push_back(backend.address);
      }
    }
  }
}

// Keeps removals within the budget: the first `allowed` removals (in address order) happen now,
// the others stay in the plan for a later step.
void applyBudget(const EndpointConfig& endpoint,
                 const std::vector<std::string>& published,
                 PlanDecision& decision) {
  const AddressDiff diff = diffAddresses(published, decision.addresses);
  const std::size_t allowed = endpoint.policy.max_remove.allowed(published.size());
  if (diff.removed.size() <= allowed) {
    return;
  }
  decision.held_back = diff.removed.size() - allowed;
  for (std::size_t i = allowed; i < diff.removed.size(); ++i) {
    decision.addresses.push_back(diff.removed[i]);
  }
  decision.addresses = sortedAddresses(std::move(decision.addresses));
  decision.reason += "; step-down: removing " + std::to_string(allowed) + " of " +
                     std::to_string(diff.removed.size()) + " now (change budget)";
}

}  // namespace

std::string_view planModeName(PlanMode mode) {
  switch (mode) {
    case PlanMode::kHealthy:
      return "healthy";
    case PlanMode::kFailOpen:
      return "fail-open";
    case PlanMode::kPanic:
      return "panic";
    case PlanMode::kFloor:
      return "floor";
    case PlanMode::kFrozen:
      return "frozen";
  }
  return "healthy";
}

std::optional<PlanDecision> decidePlan(const EndpointConfig& endpoint,
                                       const Observations& observed,
                                       const std::vector<std::string>* published) {
  PlanDecision decision;
  for (const BackendConfig& backend : endpoint.backends) {
    const auto it = observed.find(backend.address);
    if (it == observed.end()) {
      return std::nullopt;
    }
    if (it->second) {
      decision.addresses.push_back(backend.address);
    }
  }
  decision.healthy = decision.addresses.size();
  const std::size_t total = endpoint.backends.size();
  const std::size_t down = total - decision.healthy;
  const std::string counts = std::to_string(decision.healthy) + " of " + std::to_string(total);
  const EndpointPolicy& policy = endpoint.policy;

  // The panic threshold comes first: with more than it down, every backend is served, and
  // that holds all the more when every backend looks down (even with fail-open off).
  if (policy.panic_percent > 0 && down * 100 > policy.panic_percent * total) {
    decision.mode = PlanMode::kPanic;
    decision.addresses = allBackends(endpoint);
    decision.reason = std::to_string(down) + " of " + std::to_string(total) +
                      " down, above the panic threshold: ignoring health, serving all";
  } else if (decision.healthy == 0) {
    // S1: serving every backend beats serving none; without fail-open, keep what is planned.
    decision.mode = policy.fail_open ? PlanMode::kFailOpen : PlanMode::kFrozen;
    decision.addresses = policy.fail_open ? allBackends(endpoint) : std::vector<std::string>{};
    decision.reason = policy.fail_open ? "no backend healthy: fail-open, serving all"
                                       : "no backend healthy: fail-open off, keeping the plan";
  } else {
    decision.reason = counts + " healthy";
    if (decision.healthy < policy.min_healthy) {
      decision.mode = PlanMode::kFloor;
      applyFloor(endpoint, published != nullptr ? *published : std::vector<std::string>{},
                 decision);
      decision.reason += ", below the minimum of " + std::to_string(policy.min_healthy) +
                         ": keeping unhealthy backends";
    }
  }
  decision.addresses = sortedAddresses(std::move(decision.addresses));

  if (decision.mode != PlanMode::kFrozen && policy.over_budget == OverBudget::kStep &&
      published != nullptr && !published->empty()) {
    applyBudget(endpoint, *published, decision);
  }
  return decision;
}

Result<Observations> readObservations(store::Store& store,
                                      const EndpointConfig& endpoint,
                                      const log::Logger* logger) {
  auto range = store.range(healthPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  Observations observed;
  const std::string prefix = healthPrefix(endpoint.name);
  for (const store::KeyValue& kv : range->kvs) {
    auto record = decodeHealth(kv.value);
    if (!record.ok() && logger != nullptr) {
      logger->warn("health record unreadable, counting the backend as unhealthy",
                   {{"endpoint.name", endpoint.name}, {"error.message", record.error().message}});
    }
    observed[kv.key.substr(prefix.size())] = record.ok() && record->healthy;
  }
  return observed;
}

}  // namespace holdfast::control
