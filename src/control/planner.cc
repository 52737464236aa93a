// Planner: desired address sets from health records, written as plans by compare-and-swap.
#include "control/planner.h"

#include <algorithm>
#include <utility>

#include "control/ip_address.h"
#include "control/plan_policy.h"
#include "control/published_state.h"
#include "control/worker_internal.h"

namespace holdfast::control {

namespace {

// What plans/<e>/ holds, read at one revision.
struct PlanState {
  store::Revision latest_mod_revision = 0;  // 0: no latest pointer
  Generation newest = 0;                    // max of the pointer and every plan key
  std::optional<Plan> latest_plan;          // the plan the pointer names, if it is readable
};

PlanState readPlanState(const store::RangeResult& range,
                        const EndpointConfig& endpoint,
                        const log::Logger& logger) {
  PlanState state;
  Generation pointer = 0;
  const std::string latest_key = latestKey(endpoint.name);
  for (const store::KeyValue& kv : range.kvs) {
    if (kv.key == latest_key) {
      state.latest_mod_revision = kv.mod_revision;
      auto latest = decodeLatest(kv.value);
      if (latest.ok()) {
        pointer = latest->generation;
      } else {
        logger.warn("latest plan pointer unreadable, planning past it",
                    {{"endpoint.name", endpoint.name}, {"error.message", latest.error().message}});
      }
    } else if (const auto generation = parsePlanKey(endpoint.name, kv.key)) {
      state.newest = std::max(state.newest, *generation);
    }
  }
  state.newest = std::max(state.newest, pointer);

  const std::string pointed_key = planKey(endpoint.name, pointer);
  for (const store::KeyValue& kv : range.kvs) {
    if (pointer != 0 && kv.key == pointed_key) {
      auto plan = decodePlan(kv.value);
      if (plan.ok() && plan->generation == pointer && plan->endpoint == endpoint.name) {
        state.latest_plan = std::move(*plan);
      }
    }
  }
  return state;
}

bool matches(const Plan& plan, const EndpointConfig& endpoint, const std::vector<std::string>& to) {
  return plan.addresses == to && plan.ttl == endpoint.ttl_seconds && plan.rrtype == endpoint.rrtype;
}

}  // namespace

Planner::Planner(store::Store& store, std::vector<EndpointConfig> endpoints)
    : store_(store), endpoints_(std::move(endpoints)) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    index_.emplace(endpoints_[i].name, i);
  }
}

Planner::~Planner() {
  stop();
}

Result<PlanResult> Planner::planEndpoint(const EndpointConfig& endpoint) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Every attempt re-reads health too, so a retry never writes what an earlier read saw.
    auto observed = readObservations(store_, endpoint, &logger_);
    if (!observed.ok()) {
      return observed.error();
    }
    auto written = tryWrite(endpoint, *observed);
    if (!written.ok()) {
      return written.error();
    }
    if (written->has_value()) {
      return **written;
    }
    logger_.debug("plan write lost a race, re-reading", {{"endpoint.name", endpoint.name}});
  }
  logger_.warn("plan not written, every attempt lost a race",
               {{"endpoint.name", endpoint.name}, {"plan.attempts", kMaxAttempts}});
  return PlanResult{PlanOutcome::kContended, 0};
}

Result<std::optional<PlanResult>> Planner::tryWrite(const EndpointConfig& endpoint,
                                                    const Observations& observed) {
  auto range = store_.range(planPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  PlanState state = readPlanState(*range, endpoint, logger_);

  // L1: with plans/ deleted or behind, the next generation must still exceed the published
  // one, or no enactor would ever apply it (S2).
  auto published = readPublished(store_, endpoint.name);
  if (!published.ok()) {
    return published.error();
  }
  state.newest = std::max(state.newest, published->generation());

  // The change budget is measured against what is served now, not against the latest plan.
  std::optional<PlanDecision> decision =
      decidePlan(endpoint, observed, published->record ? &published->record->addresses : nullptr);
  if (!decision) {
    logger_.debug("waiting for a first health observation of every backend",
                  {{"endpoint.name", endpoint.name}});
    return std::optional<PlanResult>(PlanResult{PlanOutcome::kWaiting, 0});
  }
  noteMode(endpoint, *decision);
  if (decision->mode == PlanMode::kFrozen) {
    // Frozen means "keep what is served". A newer plan that says otherwise (a hand plan, or
    // one written before every backend went down) is superseded by one that re-affirms what is
    // served: left newest, an over-budget one would wait for an approval for ever (L1).
    const bool keeps_served =
        !published->record || published->record->addresses.empty() ||
        (state.latest_plan && state.latest_plan->generation >= published->generation() &&
         matches(*state.latest_plan, endpoint, published->record->addresses));
    if (keeps_served) {
      return std::optional<PlanResult>(
          PlanResult{PlanOutcome::kFrozen, state.latest_plan ? state.latest_plan->generation : 0});
    }
    decision->addresses = published->record->addresses;
    decision->reason = "no backend healthy: fail-open off, re-affirming what is served";
  }

  // A latest plan older than what is published (a hand edit of published/) is re-planned too.
  // A stepped plan whose step changed (more backends held back, same addresses now) is
  // rewritten as well, so what an operator reviews says what the planner sees.
  // And a latest plan edited in place after its generation was published (what is served
  // differs from the plan of the same generation) is re-planned: no enactor would publish the
  // same generation again, so waiting would never converge (L1).
  const bool edited_after_publish = published->record && state.latest_plan &&
                                    state.latest_plan->generation == published->generation() &&
                                    (published->record->addresses != decision->addresses ||
                                     published->record->ttl != endpoint.ttl_seconds);
  if (state.latest_plan && matches(*state.latest_plan, endpoint, decision->addresses) &&
      state.latest_plan->generation >= published->generation() && !edited_after_publish &&
      (decision->held_back == 0 || state.latest_plan->reason == decision->reason)) {
    return std::optional<PlanResult>(
        PlanResult{PlanOutcome::kUnchanged, state.latest_plan->generation});
  }

  const Plan plan{state.newest + 1,    endpoint.name, endpoint.rrtype,      endpoint.ttl_seconds,
                  decision->addresses, "planner",     decision->failOpen(), decision->reason};
  store::TxnRequest request;
  request.compares.push_back(
      store::Compare::modRevisionIs(latestKey(endpoint.name), state.latest_mod_revision));
  request.compares.push_back(store::Compare::absent(planKey(endpoint.name, plan.generation)));
  request.success.push_back(
      store::Op::put(planKey(endpoint.name, plan.generation), encodePlan(plan)));
  request.success.push_back(
      store::Op::put(latestKey(endpoint.name), encodeLatest(LatestRecord{plan.generation})));
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    return committed.error();
  }
  if (!committed->succeeded) {
    return std::optional<PlanResult>();
  }

  const AddressDiff diff =
      diffAddresses(state.latest_plan ? state.latest_plan->addresses : std::vector<std::string>{},
                    plan.addresses);
  logger_.info("plan created", {{"endpoint.name", endpoint.name},
                                {"plan.generation", plan.generation},
                                {"plan.added", joinAddresses(diff.added)},
                                {"plan.removed", joinAddresses(diff.removed)},
                                {"plan.fail_open", plan.fail_open},
                                {"plan.mode", planModeName(decision->mode)},
                                {"plan.held_back", decision->held_back},
                                {"plan.reason", decision->reason}});
  return std::optional<PlanResult>(PlanResult{PlanOutcome::kCreated, plan.generation});
}

void Planner::noteMode(const EndpointConfig& endpoint, const PlanDecision& decision) {
  PlanMode previous = PlanMode::kHealthy;
  {
    const std::lock_guard lock(mu_);
    const auto [it, inserted] = modes_.emplace(endpoint.name, decision.mode);
    if (!inserted) {
      previous = std::exchange(it->second, decision.mode);
    }
  }
  if (previous == decision.mode) {
    return;
  }
  const std::initializer_list<log::Field> fields = {{"endpoint.name", endpoint.name},
                                                    {"backend.count", endpoint.backends.size()},
                                                    {"backend.healthy", decision.healthy},
                                                    {"plan.mode", planModeName(decision.mode)},
                                                    {"plan.reason", decision.reason}};
  switch (decision.mode) {
    case PlanMode::kFailOpen:
      logger_.warn("all backends unhealthy, failing open", fields);
      return;
    case PlanMode::kPanic:
      logger_.error("panic threshold crossed, ignoring health and serving every backend", fields);
      return;
    case PlanMode::kFloor:
      logger_.warn("below the minimum-healthy floor, keeping unhealthy backends", fields);
      return;
    case PlanMode::kFrozen:
      logger_.error("all backends unhealthy and fail-open is off, keeping the current plan",
                    fields);
      return;
    case PlanMode::kHealthy:
      break;
  }
  if (previous == PlanMode::kFailOpen) {
    logger_.info("a backend is healthy again, fail-open ended", fields);
  } else {
    logger_.info("health-based planning resumed", fields);
  }
}

void Planner::planOne(const EndpointConfig& endpoint, Status& first) {
  auto result = planEndpoint(endpoint);
  if (result.ok() && result->outcome != PlanOutcome::kContended) {
    return;
  }
  {
    const std::lock_guard lock(mu_);
    retry_.insert(endpoint.name);
  }
  if (!result.ok()) {
    logger_.warn("planning failed", {{"endpoint.name", endpoint.name},
                                     {"error.code", errcName(result.error().code)},
                                     {"error.message", result.error().message}});
    if (first.ok()) {
      first = result.error();
    }
  }
}

Status Planner::planAll() {
  return planEvery(PassScope::everything());
}

Status Planner::planEvery(const PassScope& scope) {
  {
    const std::lock_guard lock(mu_);
    retry_.clear();  // this pass visits them all
  }
  Status first = okStatus();
  std::size_t visited = 0;
  for (const EndpointConfig& endpoint : endpoints_) {
    planOne(endpoint, first);
    scope.visited(++visited);
  }
  return first;
}

Status Planner::planScope(const PassScope& scope) {
  std::optional<std::set<std::string>> names = endpointsOf(scope);
  if (!names) {
    return planEvery(scope);
  }
  {
    const std::lock_guard lock(mu_);
    names->merge(std::exchange(retry_, {}));
  }
  Status first = okStatus();
  for (const std::string& name : *names) {
    // A name that is not configured (any more) has nothing to plan.
    if (const auto it = index_.find(name); it != index_.end()) {
      planOne(endpoints_[it->second], first);
    }
  }
  return first;
}

void Planner::requestReplan() {
  replan_requested_.store(true);
}

void Planner::start() {
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this](std::stop_token token) {
    // Health changes, and publishes: with a change budget, the next step-down plan is due
    // once the last one is published.
    WatchLoopOptions options{{std::string(kHealthPrefix), std::string(kPublishedPrefix)},
                             kResyncInterval,
                             [this] { return replan_requested_.exchange(false); }};
    runWatchLoop(store_, options, token,
                 [this](const PassScope& scope) { (void)planScope(scope); });
  });
}

void Planner::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace holdfast::control
