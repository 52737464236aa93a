// World::recover: the deterministic, fair schedule after faults stop, and the L1/L2 verdict.
#include <fmt/format.h>

#include "sim/world.h"

namespace holdfast::sim {

namespace {

// Bound on the steps one actor takes to finish its pending work within a round; an actor that
// cannot finish (a naive enactor retrying a lock) tries again next round.
constexpr int kMaxPendingPerRound = 16;

bool stopsDraining(StepOutcome outcome) {
  return outcome == StepOutcome::kBusy || outcome == StepOutcome::kStuck ||
         outcome == StepOutcome::kError || outcome == StepOutcome::kSkipped;
}

}  // namespace

void World::runStep(Step step) {
  step.at_ms = now_ms_;
  (void)execute(step, nullptr);
}

void World::endFaults(const Step& stop) {
  const std::int64_t start = now_ms_;
  for (const ActorId id : worker_ids_) {
    if (!worker(id)->up()) {
      runStep(Step{start, id, Action::kRestart});
    }
  }
  // Pauses are an operator's decision, not a fault, and by design stop all progress; L1 is
  // judged with the automation running.
  if (options_.protocol == Protocol::kHoldfast) {
    for (int e = -1; e < static_cast<int>(endpoints_.size()); ++e) {
      const std::string key =
          e < 0 ? std::string(control::kPausedKey) : control::pausedKey(endpoints_[e].name);
      if (auto got = store_.direct().get(key); got.ok() && got->kv) {
        runStep(Step{start, ActorId{ActorKind::kOperator, 0}, Action::kResume, e});
      }
    }
  }
  if (!stop.address.empty()) {
    Step flip{start, ActorId{ActorKind::kHealth, 0}, Action::kSetHealth};
    flip.address = stop.address;
    flip.up = !prober_.up(stop.address);
    runStep(flip);
  }
}

void World::recover(const Step& stop) {
  const std::int64_t start = now_ms_;
  endFaults(stop);
  const int stalled = static_cast<int>(stop.number);
  for (std::int64_t at = start; at <= start + options_.recovery_bound_ms; at += kRoundMs) {
    now_ms_ = std::max(now_ms_, at);
    runRound(at, stalled);
    if (stop_on_ && broken(*stop_on_)) {
      return;
    }
    bool converged = true;
    for (int e = 0; e < static_cast<int>(endpoints_.size()) && converged; ++e) {
      converged = checker_.unconverged(e).empty();
    }
    if (converged) {
      return;
    }
  }

  checker_.setStep(steps_, now_ms_);
  const std::string paused =
      stalled > 0 ? fmt::format(", enactor-{} paused throughout (L2)", stalled) : "";
  for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e) {
    if (const std::string why = checker_.unconverged(e); !why.empty()) {
      checker_.fail(Property::kL1,
                    fmt::format("{} did not converge within {}.{:03}s after faults stopped{}: {}",
                                endpoints_[e].name, options_.recovery_bound_ms / 1000,
                                options_.recovery_bound_ms % 1000, paused, why));
    }
  }
}

bool World::broken(Property property) const {
  for (const Violation& violation : checker_.violations()) {
    if (violation.property == property) {
      return true;
    }
  }
  return false;
}

void World::runRound(std::int64_t at, int stalled) {
  auto drain = [this, at](ActorId id) {
    Worker* const actor = worker(id);
    for (int i = 0; i < kMaxPendingPerRound && actor->up(); ++i) {
      const auto next = actor->pending();
      if (!next) {
        return;
      }
      Step step{at, id, next->action, next->endpoint};
      if (stopsDraining(execute(step, nullptr))) {
        return;
      }
    }
  };
  auto pass = [&](ActorId id) {
    Worker* const actor = worker(id);
    drain(id);
    for (int i = 0; i < actor->passLength(); ++i) {
      const Proposal proposal = actor->passStep(i, nullptr);
      runStep(Step{at, id, proposal.action, proposal.endpoint});
      drain(id);
    }
  };

  for (const ActorId id : worker_ids_) {
    if (id.kind == ActorKind::kEnactor && id.index == stalled) {
      continue;
    }
    pass(id);
  }
  for (int c = 1; c <= static_cast<int>(clients_.size()); ++c) {
    for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e) {
      runStep(Step{at, ActorId{ActorKind::kClient, c}, Action::kResolve, e});
    }
  }
}

}  // namespace holdfast::sim
