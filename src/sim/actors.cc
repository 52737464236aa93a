// Workers over the real control classes: Planner, Janitor, HealthChecker, Enactor.
#include "sim/actors.h"

#include <fmt/format.h>

#include "control/enactor.h"
#include "control/health_checker.h"
#include "control/ip_address.h"
#include "control/janitor.h"
#include "control/planner.h"

namespace holdfast::sim {

namespace {

std::string errorNote(const Error& error) {
  return "error: " + error.message;
}

const char* planOutcomeName(control::PlanOutcome outcome) {
  switch (outcome) {
    case control::PlanOutcome::kUnchanged:
      return "unchanged";
    case control::PlanOutcome::kCreated:
      return "created";
    case control::PlanOutcome::kWaiting:
      return "waiting for health";
    case control::PlanOutcome::kContended:
      return "contended";
    case control::PlanOutcome::kFrozen:
      return "frozen (fail-open off)";
  }
  return "?";
}

class PlannerWorker final : public Worker {
public:
  explicit PlannerWorker(const WorkerContext& context) : c_(context) { restart(); }

  bool up() const override { return planner_ != nullptr; }

  void crash() override { planner_.reset(); }

  void restart() override { planner_ = std::make_unique<control::Planner>(c_.store, c_.endpoints); }

  StepOutcome run(Step& step) override {
    auto result = planner_->planEndpoint(c_.endpoints[step.endpoint]);
    if (!result.ok()) {
      step.note = errorNote(result.error());
      return StepOutcome::kError;
    }
    step.note =
        fmt::format("plan {}: generation {}", planOutcomeName(result->outcome), result->generation);
    return StepOutcome::kDone;
  }

  std::optional<Proposal> pending() const override { return std::nullopt; }

  int passLength() const override { return static_cast<int>(c_.endpoints.size()); }

  Proposal passStep(int index, Rng* /*rng*/) const override { return {Action::kPlan, index}; }

private:
  WorkerContext c_;
  std::unique_ptr<control::Planner> planner_;
};

class JanitorWorker final : public Worker {
public:
  explicit JanitorWorker(const WorkerContext& context) : c_(context) { restart(); }

  bool up() const override { return janitor_ != nullptr; }

  void crash() override {
    janitor_.reset();
    held_.reset();
  }

  void restart() override {
    janitor_ = std::make_unique<control::Janitor>(c_.store, c_.endpoints, c_.options.keep_plans);
  }

  StepOutcome run(Step& step) override {
    if (step.action == Action::kPrepare) {
      held_.reset();
      auto prepared = janitor_->prepare(c_.endpoints[step.endpoint]);
      if (!prepared.ok()) {
        step.note = errorNote(prepared.error());
        return StepOutcome::kError;
      }
      held_ = std::move(*prepared);
      step.note = held_ ? fmt::format("would delete {} plans below {} - {}", held_->doomed.size(),
                                      held_->published_generation, c_.options.keep_plans)
                        : "nothing to delete";
      return held_ ? StepOutcome::kHeld : StepOutcome::kUpToDate;
    }
    if (!held_) {
      step.note = "nothing held";
      return StepOutcome::kSkipped;
    }
    const control::Cleanup cleanup = std::move(*held_);
    held_.reset();
    auto outcome = janitor_->commit(cleanup);
    if (!outcome.ok()) {
      step.note = errorNote(outcome.error());
      return StepOutcome::kError;
    }
    const bool deleted = *outcome == control::CleanupOutcome::kDeleted;
    step.note = deleted ? fmt::format("deleted {} plans", cleanup.doomed.size())
                        : "aborted: the published record changed";
    return deleted ? StepOutcome::kDone : StepOutcome::kRefused;
  }

  std::optional<Proposal> pending() const override {
    if (held_) {
      return Proposal{Action::kCommit, -1};
    }
    return std::nullopt;
  }

  int passLength() const override { return static_cast<int>(c_.endpoints.size()); }

  Proposal passStep(int index, Rng* /*rng*/) const override { return {Action::kPrepare, index}; }

private:
  WorkerContext c_;
  std::unique_ptr<control::Janitor> janitor_;
  std::optional<control::Cleanup> held_;
};

class HealthWorker final : public Worker {
public:
  HealthWorker(const WorkerContext& context, SimProber& prober) : c_(context), prober_(prober) {
    restart();
  }

  bool up() const override { return checker_ != nullptr; }

  void crash() override { checker_.reset(); }

  void restart() override {
    checker_ = std::make_unique<control::HealthChecker>(c_.store, c_.endpoints, prober_, c_.clock);
  }

  StepOutcome run(Step& step) override {
    checker_->probeAll();
    step.note = "probed every backend";
    return StepOutcome::kDone;
  }

  std::optional<Proposal> pending() const override { return std::nullopt; }

  int passLength() const override { return 1; }

  Proposal passStep(int /*index*/, Rng* /*rng*/) const override { return {Action::kProbe, -1}; }

private:
  WorkerContext c_;
  SimProber& prober_;
  std::unique_ptr<control::HealthChecker> checker_;
};

}  // namespace

control::ProbeResult SimProber::probe(const std::string& address,
                                      const control::HealthCheckConfig& /*check*/) {
  const bool healthy = up(address);
  return control::ProbeResult{healthy, healthy ? "sim: up" : "sim: down"};
}

std::unique_ptr<Worker> makePlanner(const WorkerContext& context) {
  return std::make_unique<PlannerWorker>(context);
}

std::unique_ptr<Worker> makeJanitor(const WorkerContext& context) {
  return std::make_unique<JanitorWorker>(context);
}

std::unique_ptr<Worker> makeHealth(const WorkerContext& context, SimProber& prober) {
  return std::make_unique<HealthWorker>(context, prober);
}

}  // namespace holdfast::sim
