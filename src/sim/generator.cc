// Generator: events on a virtual clock, passes of steps, and fault decisions.
#include "sim/generator.h"

#include <algorithm>

#include "control/records.h"

namespace holdfast::sim {

namespace {

// Delays, in virtual milliseconds. Each is heavy-tailed: most are short, a few very long.
constexpr std::int64_t kStepLatencyMs = 2;  // between two steps of one pass
constexpr std::int64_t kStepLatencyCapMs = 5000;
constexpr std::int64_t kBackoffMs = 300;  // after a busy lock or an error
constexpr std::int64_t kBackoffCapMs = 20000;
constexpr std::int64_t kLongPauseMs = 5000;  // a stalled actor, like a long GC pause
constexpr std::int64_t kLongPauseCapMs = 120000;
constexpr std::int64_t kWatchDelayMs = 1;  // watch notification latency
constexpr std::int64_t kWatchDelayCapMs = 2000;
constexpr std::int64_t kMaxSkewMs = 10000;

bool retryLater(StepOutcome outcome) {
  return outcome == StepOutcome::kBusy || outcome == StepOutcome::kStuck ||
         outcome == StepOutcome::kError;
}

}  // namespace

FaultRates drawRates(Rng& rng, Protocol protocol) {
  auto maybe = [&rng](double rate) { return rng.chance(0.6) ? rate * (0.5 + rng.unit()) : 0.0; };
  FaultRates rates;
  rates.crash_per_op = maybe(0.004);
  rates.crash_at_end = maybe(0.01);
  rates.fail_per_op = maybe(0.02);
  rates.ambiguous_per_txn = maybe(0.02);
  rates.conflict_per_txn = maybe(0.05);
  rates.stale_read = maybe(0.3);
  rates.max_lag = static_cast<int>(rng.between(1, 8));
  rates.lost_watch = maybe(0.2);
  rates.duplicate_watch = maybe(0.2);
  rates.long_pause = maybe(0.04);
  rates.skew = maybe(0.5);
  rates.health_change_ms = rng.between(1000, 8000);
  rates.operator_ms = rng.chance(0.5) ? rng.between(4000, 20000) : 0;
  rates.pauses = protocol == Protocol::kHoldfast && rates.operator_ms > 0 && rng.chance(0.5);
  return rates;
}

Generator::Generator(World& world, Rng& rng, FaultRates rates, GeneratorOptions options)
    : world_(world), rng_(rng), rates_(rates), options_(options) {}

void Generator::schedule(std::int64_t at, ActorId actor, Trigger trigger) {
  events_.push(Event{at, seq_++, actor, trigger});
}

void Generator::run(std::vector<Step>& out) {
  out_ = &out;
  const WorldOptions& o = world_.options();

  // Clock skew is set once, at the start, per actor.
  std::vector<ActorId> skewable = world_.workerIds();
  for (int c = 1; c <= o.clients; ++c) {
    skewable.push_back(ActorId{ActorKind::kClient, c});
  }
  for (const ActorId id : skewable) {
    if (rng_.chance(rates_.skew)) {
      Step skew{0, id, Action::kSkew};
      skew.number = rng_.between(-kMaxSkewMs, kMaxSkewMs);
      runStep(skew);
    }
  }

  for (const ActorId id : world_.workerIds()) {
    schedule(rng_.between(0, periodOf(id)), id, Trigger::kTimer);
  }
  for (int c = 1; c <= o.clients; ++c) {
    schedule(rng_.between(0, options_.resolve_ms), ActorId{ActorKind::kClient, c},
             Trigger::kResolve);
  }
  schedule(rng_.between(0, rates_.health_change_ms), ActorId{ActorKind::kHealth, 0},
           Trigger::kHealthChange);
  if (rates_.operator_ms > 0) {
    schedule(rng_.between(0, 2 * rates_.operator_ms), ActorId{ActorKind::kOperator, 0},
             Trigger::kOperator);
  }
  schedule(options_.chaos_ms, ActorId{ActorKind::kSim, 0}, Trigger::kStop);

  while (!stopped_ && !events_.empty()) {
    const Event event = events_.top();
    events_.pop();
    handle(event);
  }
  out_ = nullptr;
}

std::int64_t Generator::periodOf(ActorId actor) const {
  switch (actor.kind) {
    case ActorKind::kHealth:
      return options_.probe_interval_ms;
    case ActorKind::kJanitor:
      return options_.janitor_ms;
    default:
      return options_.resync_ms;
  }
}

void Generator::handle(const Event& event) {
  const std::int64_t now = event.at;
  switch (event.trigger) {
    case Trigger::kTimer:
      schedule(now + periodOf(event.actor) + rng_.between(0, periodOf(event.actor) / 10),
               event.actor, Trigger::kTimer);
      wake(event.actor);
      return;
    case Trigger::kWake:
      wake(event.actor);
      return;
    case Trigger::kContinue:
      advance(event.actor);
      return;
    case Trigger::kRestart:
      flows_[event.actor] = Flow{};
      runStep(Step{now, event.actor, Action::kRestart});
      wake(event.actor);
      return;
    case Trigger::kHealthChange:
      changeHealth();
      schedule(now + rng_.between(rates_.health_change_ms / 4, 2 * rates_.health_change_ms),
               event.actor, Trigger::kHealthChange);
      return;
    case Trigger::kOperator:
      editByHand();
      schedule(now + rng_.between(rates_.operator_ms / 2, 2 * rates_.operator_ms), event.actor,
               Trigger::kOperator);
      return;
    case Trigger::kResolve: {
      const auto endpoints = static_cast<std::int64_t>(world_.endpoints().size());
      runStep(Step{now, event.actor, Action::kResolve,
                   static_cast<int>(rng_.between(0, endpoints - 1))});
      schedule(now + rng_.between(options_.resolve_ms / 2, 3 * options_.resolve_ms / 2),
               event.actor, Trigger::kResolve);
      return;
    }
    case Trigger::kStop:
      stop();
      return;
  }
}

void Generator::wake(ActorId actor) {
  Worker* const worker = world_.worker(actor);
  Flow& flow = flows_[actor];
  if (worker == nullptr || !worker->up()) {
    return;
  }
  flow.due = true;
  if (!flow.busy) {
    flow.busy = true;
    schedule(world_.now() + rng_.pareto(kStepLatencyMs, 1.5, kStepLatencyCapMs), actor,
             Trigger::kContinue);
  }
}

void Generator::advance(ActorId actor) {
  Worker* const worker = world_.worker(actor);
  Flow& flow = flows_[actor];
  flow.busy = false;
  if (worker == nullptr || !worker->up()) {
    return;
  }

  // Finish what is held first, then the pass's next step, then a new pass if one is due.
  std::optional<Proposal> next = worker->pending();
  if (!next && flow.in_pass && flow.cursor < worker->passLength()) {
    next = worker->passStep(flow.cursor++, &rng_);
  }
  if (!next && flow.due) {
    flow.in_pass = true;
    flow.due = false;
    flow.cursor = 0;
    next = worker->passStep(flow.cursor++, &rng_);
  }
  if (!next) {
    flow.in_pass = false;
    return;
  }

  const StepOutcome outcome = runStep(Step{world_.now(), actor, next->action, next->endpoint});
  if (!worker->up()) {
    flows_[actor] = Flow{};
    schedule(world_.now() + rng_.between(500, 15000), actor, Trigger::kRestart);
    return;
  }
  std::int64_t delay = rng_.pareto(kStepLatencyMs, 1.3, kStepLatencyCapMs);
  if (retryLater(outcome)) {
    delay += rng_.pareto(kBackoffMs, 1.2, kBackoffCapMs);
  }
  if (rng_.chance(rates_.long_pause)) {
    delay += rng_.pareto(kLongPauseMs, 0.9, kLongPauseCapMs);
  }
  flow.busy = true;
  schedule(world_.now() + delay, actor, Trigger::kContinue);
}

StepOutcome Generator::runStep(Step step) {
  step.at_ms = std::max(step.at_ms, world_.now());
  current_ = step.actor;
  const StepOutcome outcome = world_.execute(step, this);
  out_->push_back(step);
  notifyWatchers(world_.lastCommits());
  return outcome;
}

void Generator::decide(int op, bool is_txn, std::vector<OpFault>& out) {
  switch (current_.kind) {
    case ActorKind::kPlanner:
    case ActorKind::kEnactor:
    case ActorKind::kJanitor:
    case ActorKind::kHealth:
      break;
    default:
      return;  // the operator's hand edits and clients are not faulted
  }
  if (op == OpFault::kEndOfStep) {
    if (rng_.chance(rates_.crash_at_end)) {
      out.push_back(OpFault{OpFault::Kind::kCrashBefore, op, 0});
    }
    return;
  }
  if (rng_.chance(rates_.crash_per_op)) {
    const bool after = rng_.chance(0.5);
    out.push_back(OpFault{after ? OpFault::Kind::kCrashAfter : OpFault::Kind::kCrashBefore, op, 0});
    return;
  }
  if (rng_.chance(rates_.fail_per_op)) {
    out.push_back(OpFault{OpFault::Kind::kFail, op, 0});
    return;
  }
  if (is_txn) {
    if (rng_.chance(rates_.conflict_per_txn)) {
      out.push_back(OpFault{OpFault::Kind::kConflict, op, 0});
    }
    if (rng_.chance(rates_.ambiguous_per_txn)) {
      out.push_back(OpFault{OpFault::Kind::kAmbiguous, op, 0});
    }
  } else if (rng_.chance(rates_.stale_read)) {
    out.push_back(
        OpFault{OpFault::Kind::kLag, op, static_cast<int>(rng_.between(1, rates_.max_lag))});
  }
}

void Generator::notifyWatchers(const std::vector<Commit>& commits) {
  bool health = false;
  bool plans = false;
  bool control = false;
  for (const Commit& commit : commits) {
    for (const store::Event& event : commit.events) {
      health = health || store::hasPrefix(event.kv.key, control::kHealthPrefix);
      plans = plans || store::hasPrefix(event.kv.key, control::kPlansPrefix);
      control = control || store::hasPrefix(event.kv.key, control::kPublishedPrefix) ||
                store::hasPrefix(event.kv.key, control::kPausedKey);
    }
  }
  for (const ActorId id : world_.workerIds()) {
    const bool watches = (id.kind == ActorKind::kPlanner && (health || control)) ||
                         (id.kind == ActorKind::kEnactor && (plans || control));
    if (!watches || rng_.chance(rates_.lost_watch)) {
      continue;
    }
    schedule(world_.now() + rng_.pareto(kWatchDelayMs, 1.5, kWatchDelayCapMs), id, Trigger::kWake);
    if (rng_.chance(rates_.duplicate_watch)) {
      schedule(world_.now() + rng_.pareto(kWatchDelayMs, 1.2, kWatchDelayCapMs), id,
               Trigger::kWake);
    }
  }
}

void Generator::changeHealth() {
  const auto& endpoints = world_.endpoints();
  const auto& backends = endpoints[rng_.below(endpoints.size())].backends;
  const ActorId health{ActorKind::kHealth, 0};
  auto set = [&](const std::string& address, bool up) {
    if (world_.backendUp(address) != up) {
      Step step{world_.now(), health, Action::kSetHealth};
      step.address = address;
      step.up = up;
      runStep(step);
    }
  };

  const std::uint64_t roll = rng_.below(100);
  if (roll < 60) {
    // One backend flaps.
    const std::string& address = backends[rng_.below(backends.size())].address;
    set(address, !world_.backendUp(address));
  } else if (roll < 75) {
    // All of them fail at once: a checker fault, or a real outage.
    for (const control::BackendConfig& backend : backends) {
      set(backend.address, false);
    }
  } else if (roll < 90) {
    for (const control::BackendConfig& backend : backends) {
      set(backend.address, true);
    }
  } else {
    // Most fail but one: the "drop 9 of 10" case.
    const std::size_t survivor = rng_.below(backends.size());
    for (std::size_t b = 0; b < backends.size(); ++b) {
      set(backends[b].address, b == survivor);
    }
  }
}

std::vector<control::Generation> Generator::planGenerations(int endpoint) {
  std::vector<control::Generation> out;
  const std::string& name = world_.endpoints()[endpoint].name;
  auto range = world_.store().direct().range(control::planPrefix(name));
  if (range.ok()) {
    for (const store::KeyValue& kv : range->kvs) {
      if (const auto g = control::parsePlanKey(name, kv.key)) {
        out.push_back(*g);
      }
    }
  }
  return out;
}

// Limitation: hand edits touch plans/ and the pause keys, never published/: a hand-written
// published record would be an operator's decision that S2 does not bind.
void Generator::editByHand() {
  const int endpoints = static_cast<int>(world_.endpoints().size());
  Step step{world_.now(), ActorId{ActorKind::kOperator, 0}, Action::kDeletePlan,
            static_cast<int>(rng_.below(endpoints))};
  const std::vector<control::Generation> generations = planGenerations(step.endpoint);
  const std::uint64_t roll = rng_.below(100);
  if (rates_.pauses && roll < 25) {
    const bool paused_now = rng_.chance(0.5);
    step.action = paused_now ? Action::kPause : Action::kResume;
    step.endpoint = rng_.chance(0.4) ? -1 : step.endpoint;
  } else if (roll < 45) {
    if (generations.empty()) {
      return;
    }
    step.action = rng_.chance(0.5) ? Action::kDeletePlan : Action::kCorruptPlan;
    // Mostly the newest plans: those are the ones an enactor is about to use.
    const std::size_t from_end = std::min<std::size_t>(rng_.below(3), generations.size() - 1);
    step.generation = generations[generations.size() - 1 - from_end];
  } else if (roll < 60) {
    step.action = rng_.chance(0.5) ? Action::kDeleteLatest : Action::kCorruptLatest;
  } else if (roll < 65) {
    step.action = Action::kDeletePlans;
  } else if (roll < 72) {
    step.action = Action::kResetSerial;
    step.number = static_cast<std::int64_t>(rng_.below(3));
  } else {
    // A plan pushed by hand, sometimes with no address at all (invalid: S1).
    step.action = Action::kHandPlan;
    step.generation = (generations.empty() ? 0 : generations.back()) + 1 + rng_.below(3);
    const int backends = world_.options().backends;
    step.number = static_cast<std::int64_t>(rng_.below(std::uint64_t{1} << backends));
  }
  runStep(step);
}

void Generator::stop() {
  Step step{world_.now(), ActorId{ActorKind::kSim, 0}, Action::kFaultsStop};
  const auto& endpoints = world_.endpoints();
  const auto& backends = endpoints[rng_.below(endpoints.size())].backends;
  step.address = backends[rng_.below(backends.size())].address;
  const int enactors = world_.options().enactors;
  if (enactors >= 2 && rng_.chance(0.7)) {
    step.number = rng_.between(1, enactors);
  }
  runStep(step);
  stopped_ = true;
}

}  // namespace holdfast::sim
