// World: construction of a deployment, step dispatch, clients and operator edits.
#include "sim/world.h"

#include <algorithm>

#include <fmt/format.h>

#include "control/ip_address.h"
#include "control/records.h"

namespace holdfast::sim {

namespace {

std::vector<control::EndpointConfig> makeEndpoints(const WorldOptions& options) {
  std::vector<control::EndpointConfig> endpoints;
  for (int e = 0; e < options.endpoints; ++e) {
    control::EndpointConfig endpoint;
    endpoint.name = fmt::format("e{}.sim.test.", e);
    endpoint.zone = "sim.test.";
    endpoint.rrtype = control::kTypeA;
    endpoint.ttl_seconds = options.ttl_seconds;
    for (int b = 1; b <= options.backends; ++b) {
      endpoint.backends.push_back(control::BackendConfig{fmt::format("10.0.{}.{}", e, b)});
    }
    endpoint.check.port = 80;
    endpoint.check.rise = options.rise;
    endpoint.check.fall = options.fall;
    // The naive design has no blast-radius policy; its planner runs with the defaults.
    if (options.protocol == Protocol::kHoldfast) {
      endpoint.policy = options.policy;
    }
    endpoints.push_back(std::move(endpoint));
  }
  return endpoints;
}

bool isWorkerAction(Action action) {
  switch (action) {
    case Action::kPlan:
    case Action::kPrepare:
    case Action::kCommit:
    case Action::kCleanPrepare:
    case Action::kCleanCommit:
    case Action::kEnact:
    case Action::kCheck:
    case Action::kApply:
    case Action::kCleanup:
    case Action::kProbe:
      return true;
    default:
      return false;
  }
}

bool isOperatorEdit(Action action) {
  switch (action) {
    case Action::kDeletePlan:
    case Action::kCorruptPlan:
    case Action::kDeleteLatest:
    case Action::kCorruptLatest:
    case Action::kDeletePlans:
    case Action::kHandPlan:
    case Action::kResetSerial:
    case Action::kPause:
    case Action::kResume:
      return true;
    default:
      return false;
  }
}

}  // namespace

World::World(WorldOptions options)
    : options_(std::move(options)),
      endpoints_(makeEndpoints(options_)),
      checker_(options_, endpoints_, store_),
      clients_(static_cast<std::size_t>(std::max(options_.clients, 0))) {
  store_.setObserver([this](const Commit& commit) {
    commits_.push_back(commit);
    checker_.onCommit(commit);
  });
  for (Client& client : clients_) {
    client.cache.resize(endpoints_.size());
  }

  auto add = [this](ActorId id, auto make) {
    clocks_[id] = std::make_unique<ActorClock>(now_ms_);
    const WorkerContext context{store_, endpoints_, options_, *clocks_[id]};
    workers_[id] = make(context);
    worker_ids_.push_back(id);
  };
  add(ActorId{ActorKind::kHealth, 0},
      [this](const WorkerContext& c) { return makeHealth(c, prober_); });
  for (int i = 1; i <= options_.planners; ++i) {
    add(ActorId{ActorKind::kPlanner, i}, [](const WorkerContext& c) { return makePlanner(c); });
  }
  for (int i = 1; i <= options_.enactors; ++i) {
    const std::string id = fmt::format("enactor-{}", i);
    add(ActorId{ActorKind::kEnactor, i}, [&](const WorkerContext& c) {
      return options_.protocol == Protocol::kNaive ? makeNaiveEnactor(c, id)
                                                   : makeHoldfastEnactor(c, id);
    });
  }
  if (options_.protocol == Protocol::kHoldfast) {
    add(ActorId{ActorKind::kJanitor, 0}, [](const WorkerContext& c) { return makeJanitor(c); });
  }
}

World::~World() = default;

ActorClock& World::clockOf(ActorId actor) {
  auto& clock = clocks_[actor];
  if (!clock) {
    clock = std::make_unique<ActorClock>(now_ms_);
  }
  return *clock;
}

Worker* World::worker(ActorId actor) {
  const auto it = workers_.find(actor);
  return it == workers_.end() ? nullptr : it->second.get();
}

StepOutcome World::execute(Step& step, FaultDecider* decider) {
  now_ms_ = std::max(now_ms_, step.at_ms);
  commits_.clear();
  step.note.clear();
  const std::size_t violations_before = checker_.violations().size();
  checker_.setStep(steps_, now_ms_);

  StepOutcome outcome = StepOutcome::kSkipped;
  Worker* const actor_worker = worker(step.actor);
  if (needsEndpoint(step) &&
      (step.endpoint < 0 || step.endpoint >= static_cast<int>(endpoints_.size()))) {
    step.note = "no such endpoint";
  } else if (runsOnStore(step) && actor_worker != nullptr && !actor_worker->up()) {
    step.note = "down";
  } else if (runsOnStore(step)) {
    store_.beginStep(step.actor, seen_[step.actor], step, decider);
    outcome = dispatch(step);
    const SimStore::StepEnd end = store_.endStep();
    seen_[step.actor] = std::max(seen_[step.actor], end.seen);
    if (end.crashed && actor_worker != nullptr) {
      actor_worker->crash();
      step.note += "; crashed";
      outcome = StepOutcome::kError;
    }
  } else {
    outcome = dispatch(step);
  }

  ++steps_;
  if (listener_) {
    const auto& all = checker_.violations();
    listener_(
        step, commits_,
        std::span<const Violation>(all.data() + violations_before, all.size() - violations_before));
  }
  return outcome;
}

bool World::needsEndpoint(const Step& step) const {
  switch (step.action) {
    case Action::kPlan:
    case Action::kPrepare:
    case Action::kCleanPrepare:
    case Action::kEnact:
    case Action::kApply:
    case Action::kDeletePlan:
    case Action::kCorruptPlan:
    case Action::kDeleteLatest:
    case Action::kCorruptLatest:
    case Action::kDeletePlans:
    case Action::kHandPlan:
    case Action::kResetSerial:
    case Action::kResolve:
      return true;
    case Action::kPause:
    case Action::kResume:
      return step.endpoint != -1;
    default:
      return false;
  }
}

bool World::runsOnStore(const Step& step) const {
  return isWorkerAction(step.action) || isOperatorEdit(step.action);
}

StepOutcome World::dispatch(Step& step) {
  switch (step.action) {
    case Action::kSkew:
      clockOf(step.actor).setSkew(step.number);
      step.note = fmt::format("wall clock off by {} ms", step.number);
      return StepOutcome::kDone;
    case Action::kCrash:
    case Action::kRestart:
      return crashOrRestart(step);
    case Action::kFaultsStop:
      step.note = "faults stop; recovery rounds follow";
      return StepOutcome::kDone;
    case Action::kSetHealth:
      prober_.set(step.address, step.up);
      step.note = fmt::format("backend {} is {}", step.address, step.up ? "up" : "down");
      return StepOutcome::kDone;
    case Action::kResolve:
      return resolve(step);
    default:
      break;
  }
  if (isOperatorEdit(step.action)) {
    return step.actor.kind == ActorKind::kOperator ? operatorEdit(step) : StepOutcome::kSkipped;
  }
  Worker* const actor = worker(step.actor);
  if (actor == nullptr) {
    step.note = "no such actor";
    return StepOutcome::kSkipped;
  }
  return actor->run(step);
}

StepOutcome World::crashOrRestart(Step& step) {
  const bool crash = step.action == Action::kCrash;
  if (step.actor.kind == ActorKind::kClient && step.actor.index >= 1 &&
      step.actor.index <= static_cast<int>(clients_.size())) {
    clients_[step.actor.index - 1].cache.assign(endpoints_.size(), CacheEntry{});
    step.note = crash ? "crashed: cache lost" : "restarted";
    return StepOutcome::kDone;
  }
  Worker* const actor = worker(step.actor);
  if (actor == nullptr || actor->up() != crash) {
    step.note = crash ? "not running" : "already running";
    return StepOutcome::kSkipped;
  }
  if (crash) {
    actor->crash();
  } else {
    actor->restart();
  }
  step.note = crash ? "crashed: everything held in memory is lost" : "restarted with empty memory";
  return StepOutcome::kDone;
}

StepOutcome World::resolve(Step& step) {
  if (step.actor.kind != ActorKind::kClient || step.actor.index < 1 ||
      step.actor.index > static_cast<int>(clients_.size())) {
    step.note = "no such client";
    return StepOutcome::kSkipped;
  }
  Client& client = clients_[step.actor.index - 1];
  CacheEntry& entry = client.cache[step.endpoint];
  const std::int64_t client_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      clockOf(step.actor).wallNow().time_since_epoch())
                                      .count();
  if (entry.valid && client_now < entry.expires_ms) {
    ++client.cached;
    client.empty += entry.empty ? 1 : 0;
    step.note = entry.empty ? "EMPTY ANSWER from the cache" : "answered from the cache";
    return StepOutcome::kDone;
  }

  const ServedView& view = checker_.served(step.endpoint);
  if (!view.in_service) {
    entry = CacheEntry{};
    step.note = "not served yet";
    return StepOutcome::kDone;
  }
  ++client.answers;
  if (view.addresses.empty()) {
    // RFC 2308: a NOERROR answer without records is cached for the negative TTL.
    ++client.empty;
    entry = CacheEntry{true, true, client_now + options_.negative_ttl_ms};
    step.note = "EMPTY ANSWER: " + view.detail;
    return StepOutcome::kDone;
  }
  entry = CacheEntry{true, false, client_now + std::int64_t{view.ttl} * 1000};
  step.note = fmt::format("answer [{}] ttl {}", control::joinAddresses(view.addresses), view.ttl);
  return StepOutcome::kDone;
}

StepOutcome World::operatorEdit(Step& step) {
  if (step.action == Action::kPause || step.action == Action::kResume) {
    return pause(step);
  }
  const control::EndpointConfig& endpoint = endpoints_[step.endpoint];
  store::TxnRequest request;
  switch (step.action) {
    case Action::kDeletePlan:
      request.success.push_back(store::Op::del(control::planKey(endpoint.name, step.generation)));
      step.note = fmt::format("deleted plan {} by hand", step.generation);
      break;
    case Action::kCorruptPlan:
      request.success.push_back(
          store::Op::put(control::planKey(endpoint.name, step.generation), "{\"corrupt"));
      step.note = fmt::format("corrupted plan {} by hand", step.generation);
      break;
    case Action::kDeleteLatest:
      request.success.push_back(store::Op::del(control::latestKey(endpoint.name)));
      step.note = "deleted the latest pointer by hand";
      break;
    case Action::kCorruptLatest:
      request.success.push_back(store::Op::put(control::latestKey(endpoint.name), "[]"));
      step.note = "corrupted the latest pointer by hand";
      break;
    case Action::kDeletePlans:
      request.success.push_back(store::Op::delPrefix(control::planPrefix(endpoint.name)));
      step.note = "deleted every plan by hand";
      break;
    case Action::kHandPlan:
      request = handPlan(step, endpoint);
      break;
    case Action::kResetSerial:
      if (step.number == 0) {
        request.success.push_back(store::Op::del(control::serialKey(endpoint.zone)));
      } else {
        request.success.push_back(store::Op::put(
            control::serialKey(endpoint.zone),
            step.number == 1 ? control::encodeSerial({0}) : std::string("{\"serial")));
      }
      step.note = step.number == 0   ? "deleted the zone serial by hand"
                  : step.number == 1 ? "set the zone serial back to 0 by hand"
                                     : "garbled the zone serial by hand";
      break;
    default:
      return StepOutcome::kSkipped;
  }
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    step.note = "error: " + committed.error().message;
    return StepOutcome::kError;
  }
  return StepOutcome::kDone;
}

store::TxnRequest World::handPlan(Step& step, const control::EndpointConfig& endpoint) const {
  control::Plan plan{step.generation, endpoint.name, endpoint.rrtype, endpoint.ttl_seconds, {},
                     "operator",      false};
  for (std::size_t b = 0; b < endpoint.backends.size() && b < 63; ++b) {
    if ((step.number >> b) & 1) {
      plan.addresses.push_back(endpoint.backends[b].address);
    }
  }
  plan.addresses = control::sortedAddresses(std::move(plan.addresses));
  store::TxnRequest request;
  request.success.push_back(
      store::Op::put(control::planKey(endpoint.name, plan.generation), encodePlan(plan)));
  request.success.push_back(store::Op::put(control::latestKey(endpoint.name),
                                           encodeLatest(control::LatestRecord{plan.generation})));
  step.note = fmt::format("wrote plan {} by hand: [{}]", plan.generation,
                          control::joinAddresses(plan.addresses));
  return request;
}

StepOutcome World::pause(Step& step) {
  const std::string key = step.endpoint < 0 ? std::string(control::kPausedKey)
                                            : control::pausedKey(endpoints_[step.endpoint].name);
  store::TxnRequest request;
  if (step.action == Action::kPause) {
    request.success.push_back(store::Op::put(
        key, control::encodePause(control::PauseRecord{"operator", now_ms_, "simulated"})));
  } else {
    request.success.push_back(store::Op::del(key));
  }
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    step.note = "error: " + committed.error().message;
    return StepOutcome::kError;
  }
  step.note =
      fmt::format("{} {}", step.action == Action::kPause ? "paused" : "resumed",
                  step.endpoint < 0 ? std::string("everything") : endpoints_[step.endpoint].name);
  return StepOutcome::kDone;
}

ClientStats World::clientStats() const {
  ClientStats stats;
  for (const Client& client : clients_) {
    stats.answers += client.answers;
    stats.cached += client.cached;
    stats.empty_answers += client.empty;
    stats.clients_saw_empty += client.empty > 0 ? 1 : 0;
  }
  return stats;
}

}  // namespace holdfast::sim
