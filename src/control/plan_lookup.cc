// findNewestValidPlan: the latest pointer first, a scan from the newest key as the fallback.
#include "control/plan_lookup.h"

namespace holdfast::control {

namespace {

Result<std::optional<Plan>> scanForValidPlan(store::Store& store,
                                             const EndpointConfig& endpoint,
                                             const SkippedPlan& on_skip) {
  auto range = store.range(planPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  // Plan keys end in 20 digits, so key order is generation order; walk from the newest.
  for (auto it = range->kvs.rbegin(); it != range->kvs.rend(); ++it) {
    const auto generation = parsePlanKey(endpoint.name, it->key);
    if (!generation) {
      continue;
    }
    auto plan = usablePlan(it->value, *generation, endpoint);
    if (plan.ok()) {
      return std::optional<Plan>(std::move(*plan));
    }
    if (on_skip) {
      on_skip(*generation, plan.error());
    }
  }
  return std::optional<Plan>();
}

}  // namespace

Result<Plan> usablePlan(std::string_view value,
                        Generation key_generation,
                        const EndpointConfig& endpoint) {
  auto plan = decodePlan(value);
  if (!plan.ok()) {
    return plan.error();
  }
  if (plan->endpoint != endpoint.name) {
    return makeError(Errc::kParse, "plan names endpoint '" + plan->endpoint + "'");
  }
  if (plan->generation != key_generation) {
    return makeError(Errc::kParse, "plan says generation " + std::to_string(plan->generation));
  }
  if (plan->rrtype != endpoint.rrtype) {
    return makeError(Errc::kParse, "plan has rrtype " + std::to_string(plan->rrtype));
  }
  return plan;
}

Result<std::optional<Plan>> findNewestValidPlan(store::Store& store,
                                                const EndpointConfig& endpoint,
                                                const SkippedPlan& on_skip) {
  auto latest_kv = store.get(latestKey(endpoint.name));
  if (!latest_kv.ok()) {
    return latest_kv.error();
  }
  if (!latest_kv->kv) {
    return scanForValidPlan(store, endpoint, on_skip);
  }
  auto latest = decodeLatest(latest_kv->kv->value);
  if (!latest.ok()) {
    if (on_skip) {
      on_skip(0, latest.error());
    }
    return scanForValidPlan(store, endpoint, on_skip);
  }

  auto plan_kv = store.get(planKey(endpoint.name, latest->generation));
  if (!plan_kv.ok()) {
    return plan_kv.error();
  }
  if (plan_kv->kv) {
    auto plan = usablePlan(plan_kv->kv->value, latest->generation, endpoint);
    if (plan.ok()) {
      return std::optional<Plan>(std::move(*plan));
    }
  }
  // L1: a missing or corrupt newest plan must not stop progress; fall back to the newest
  // valid one (the scan reports why the newest was skipped).
  return scanForValidPlan(store, endpoint, on_skip);
}

}  // namespace holdfast::control
