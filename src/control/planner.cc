// Planner: desired address sets from health records, written as plans by compare-and-swap.
#include "control/planner.h"

#include <algorithm>

#include "control/ip_address.h"
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
    : store_(store), endpoints_(std::move(endpoints)) {}

Planner::~Planner() {
  stop();
}

Result<PlanResult> Planner::planEndpoint(const EndpointConfig& endpoint) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Every attempt re-reads health too, so a retry never writes what an earlier read saw.
    auto desired = computeDesired(endpoint);
    if (!desired.ok()) {
      return desired.error();
    }
    if (!desired->has_value()) {
      logger_.debug("waiting for a first health observation of every backend",
                    {{"endpoint.name", endpoint.name}});
      return PlanResult{PlanOutcome::kWaiting, 0};
    }
    noteFailOpen(endpoint, (*desired)->fail_open);

    auto written = tryWrite(endpoint, **desired);
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

Result<std::optional<Planner::Desired>> Planner::computeDesired(const EndpointConfig& endpoint) {
  auto range = store_.range(healthPrefix(endpoint.name));
  if (!range.ok()) {
    return range.error();
  }
  std::map<std::string, bool, std::less<>> observed;
  const std::string prefix = healthPrefix(endpoint.name);
  for (const store::KeyValue& kv : range->kvs) {
    auto record = decodeHealth(kv.value);
    if (!record.ok()) {
      logger_.warn("health record unreadable, counting the backend as unhealthy",
                   {{"endpoint.name", endpoint.name}, {"error.message", record.error().message}});
    }
    observed[kv.key.substr(prefix.size())] = record.ok() && record->healthy;
  }

  Desired desired;
  for (const BackendConfig& backend : endpoint.backends) {
    const auto it = observed.find(backend.address);
    if (it == observed.end()) {
      return std::optional<Desired>();
    }
    if (it->second) {
      desired.addresses.push_back(backend.address);
    }
  }

  // Fail open: serving every backend beats serving none (S1).
  if (desired.addresses.empty()) {
    desired.fail_open = true;
    for (const BackendConfig& backend : endpoint.backends) {
      desired.addresses.push_back(backend.address);
    }
  }
  desired.addresses = sortedAddresses(std::move(desired.addresses));
  return std::optional<Desired>(std::move(desired));
}

Result<std::optional<PlanResult>> Planner::tryWrite(const EndpointConfig& endpoint,
                                                    const Desired& desired) {
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
  // A latest plan older than what is published (a hand edit of published/) is re-planned too.
  if (state.latest_plan && matches(*state.latest_plan, endpoint, desired.addresses) &&
      state.latest_plan->generation >= published->generation()) {
    return std::optional<PlanResult>(
        PlanResult{PlanOutcome::kUnchanged, state.latest_plan->generation});
  }

  const Plan plan{state.newest + 1,  endpoint.name, endpoint.rrtype,  endpoint.ttl_seconds,
                  desired.addresses, "planner",     desired.fail_open};
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
                                {"plan.fail_open", plan.fail_open}});
  return std::optional<PlanResult>(PlanResult{PlanOutcome::kCreated, plan.generation});
}

void Planner::noteFailOpen(const EndpointConfig& endpoint, bool failing_open) {
  bool was_failing_open = false;
  {
    const std::lock_guard lock(mu_);
    was_failing_open = std::exchange(failing_open_[endpoint.name], failing_open);
  }
  if (failing_open && !was_failing_open) {
    logger_.warn("all backends unhealthy, failing open",
                 {{"endpoint.name", endpoint.name}, {"backend.count", endpoint.backends.size()}});
  } else if (!failing_open && was_failing_open) {
    logger_.info("a backend is healthy again, fail-open ended", {{"endpoint.name", endpoint.name}});
  }
}

Status Planner::planAll() {
  Status first = okStatus();
  for (const EndpointConfig& endpoint : endpoints_) {
    auto result = planEndpoint(endpoint);
    if (!result.ok()) {
      logger_.warn("planning failed", {{"endpoint.name", endpoint.name},
                                       {"error.code", errcName(result.error().code)},
                                       {"error.message", result.error().message}});
      if (first.ok()) {
        first = result.error();
      }
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
    WatchLoopOptions options{std::string(kHealthPrefix), kResyncInterval,
                             [this] { return replan_requested_.exchange(false); }};
    runWatchLoop(store_, options, token, [this] { (void)planAll(); });
  });
}

void Planner::stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

}  // namespace holdfast::control
