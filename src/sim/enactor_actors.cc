// Enactor workers: holdfast's real Enactor through its step API, and the naive 2025 model.
#include <fmt/format.h>

#include "control/enactor.h"
#include "control/ip_address.h"
#include "control/janitor.h"
#include "sim/actors.h"
#include "sim/naive_enactor.h"

namespace holdfast::sim {

namespace {

std::string errorNote(const Error& error) {
  return "error: " + error.message;
}

// How often an enactor pass runs enactEndpoint() whole instead of prepare() and commit() as
// separate steps: both are the real code, the split one lets other actors run in between.
constexpr double kWholeEnactShare = 0.25;

class HoldfastEnactorWorker final : public Worker {
public:
  HoldfastEnactorWorker(const WorkerContext& context, std::string id)
      : c_(context), id_(std::move(id)) {
    restart();
  }

  bool up() const override { return enactor_ != nullptr; }

  void crash() override {
    enactor_.reset();
    janitor_.reset();
    held_.reset();
    held_cleanup_.reset();
    clean_ = retry_ = -1;
    retries_ = 0;
  }

  void restart() override {
    const control::EnactorOptions options{c_.options.keep_plans, std::chrono::seconds(5)};
    enactor_ = std::make_unique<control::Enactor>(id_, c_.store, c_.endpoints, options, c_.clock);
    janitor_ = std::make_unique<control::Janitor>(c_.store, c_.endpoints, c_.options.keep_plans);
  }

  StepOutcome run(Step& step) override {
    switch (step.action) {
      case Action::kPrepare:
        return prepare(step);
      case Action::kCommit:
        return commit(step);
      case Action::kCleanPrepare:
        return cleanPrepare(step);
      case Action::kCleanCommit:
        return cleanCommit(step);
      case Action::kEnact:
        return enact(step);
      default:
        step.note = "not an action of a holdfast enactor";
        return StepOutcome::kSkipped;
    }
  }

  std::optional<Proposal> pending() const override {
    if (held_cleanup_) {
      return Proposal{Action::kCleanCommit, -1};
    }
    if (clean_ >= 0) {
      return Proposal{Action::kCleanPrepare, clean_};
    }
    if (held_) {
      return Proposal{Action::kCommit, -1};
    }
    if (retry_ >= 0) {
      return Proposal{Action::kPrepare, retry_};
    }
    return std::nullopt;
  }

  int passLength() const override { return static_cast<int>(c_.endpoints.size()); }

  Proposal passStep(int index, Rng* rng) const override {
    const bool whole = rng == nullptr || rng->chance(kWholeEnactShare);
    return {whole ? Action::kEnact : Action::kPrepare, index};
  }

private:
  StepOutcome prepare(Step& step) {
    retry_ = -1;
    held_.reset();
    auto prepared = enactor_->prepare(c_.endpoints[step.endpoint]);
    if (!prepared.ok()) {
      step.note = errorNote(prepared.error());
      return StepOutcome::kError;
    }
    held_ = std::move(*prepared);
    if (!held_) {
      retries_ = 0;
      step.note = "up to date";
      return StepOutcome::kUpToDate;
    }
    held_endpoint_ = step.endpoint;
    step.note = fmt::format(
        "holds plan {} [{}], published {}", held_->plan.generation,
        control::joinAddresses(held_->plan.addresses),
        held_->published ? std::to_string(held_->published->generation) : std::string("nothing"));
    return StepOutcome::kHeld;
  }

  StepOutcome commit(Step& step) {
    if (!held_) {
      step.note = "nothing held";
      return StepOutcome::kSkipped;
    }
    const control::Attempt attempt = std::move(*held_);
    held_.reset();
    auto outcome = enactor_->commit(attempt);
    if (!outcome.ok()) {
      step.note = errorNote(outcome.error());
      return StepOutcome::kError;
    }
    if (*outcome == control::CommitOutcome::kApplied) {
      retries_ = 0;
      clean_ = held_endpoint_;
      step.note = fmt::format("published plan {}", attempt.plan.generation);
      return StepOutcome::kApplied;
    }
    if (*outcome == control::CommitOutcome::kPaused || *outcome == control::CommitOutcome::kHeld) {
      retries_ = 0;
      const bool paused = *outcome == control::CommitOutcome::kPaused;
      step.note = fmt::format("plan {} not published: {}", attempt.plan.generation,
                              paused ? "paused" : "held, over the change budget");
      return StepOutcome::kDone;
    }
    // Refused: start over from the newest plan, as enactEndpoint() does, a bounded number of
    // times per pass.
    if (++retries_ < control::Enactor::kMaxAttempts) {
      retry_ = held_endpoint_;
    } else {
      retries_ = 0;
    }
    step.note = fmt::format("refused plan {}: the published record moved", attempt.plan.generation);
    return StepOutcome::kRefused;
  }

  StepOutcome cleanPrepare(Step& step) {
    clean_ = -1;
    auto prepared = janitor_->prepare(c_.endpoints[step.endpoint]);
    if (!prepared.ok()) {
      step.note = errorNote(prepared.error());
      return StepOutcome::kError;
    }
    held_cleanup_ = std::move(*prepared);
    step.note =
        held_cleanup_
            ? fmt::format("would delete {} plans below {} - {}", held_cleanup_->doomed.size(),
                          held_cleanup_->published_generation, c_.options.keep_plans)
            : "nothing to delete";
    return held_cleanup_ ? StepOutcome::kHeld : StepOutcome::kDone;
  }

  StepOutcome cleanCommit(Step& step) {
    if (!held_cleanup_) {
      step.note = "nothing held";
      return StepOutcome::kSkipped;
    }
    const control::Cleanup cleanup = std::move(*held_cleanup_);
    held_cleanup_.reset();
    auto outcome = janitor_->commit(cleanup);
    if (!outcome.ok()) {
      step.note = errorNote(outcome.error());
      return StepOutcome::kError;
    }
    const bool deleted = *outcome == control::CleanupOutcome::kDeleted;
    step.note = deleted ? fmt::format("deleted {} plans", cleanup.doomed.size())
                        : "clean-up aborted: the published record changed";
    return StepOutcome::kDone;
  }

  StepOutcome enact(Step& step) {
    auto outcome = enactor_->enactEndpoint(c_.endpoints[step.endpoint]);
    if (!outcome.ok()) {
      step.note = errorNote(outcome.error());
      return StepOutcome::kError;
    }
    switch (*outcome) {
      case control::EnactOutcome::kUpToDate:
        step.note = "enact: up to date";
        return StepOutcome::kUpToDate;
      case control::EnactOutcome::kApplied:
        step.note = "enact: published and cleaned up";
        return StepOutcome::kApplied;
      case control::EnactOutcome::kContended:
        step.note = "enact: every attempt refused";
        return StepOutcome::kRefused;
      case control::EnactOutcome::kPaused:
        step.note = "enact: paused";
        return StepOutcome::kDone;
      case control::EnactOutcome::kHeld:
        step.note = "enact: held, over the change budget";
        return StepOutcome::kDone;
    }
    return StepOutcome::kDone;
  }

  WorkerContext c_;
  const std::string id_;
  std::unique_ptr<control::Enactor> enactor_;
  std::unique_ptr<control::Janitor> janitor_;
  std::optional<control::Attempt> held_;
  int held_endpoint_ = -1;
  std::optional<control::Cleanup> held_cleanup_;
  int clean_ = -1;  // endpoint whose clean-up is due after a publish
  int retry_ = -1;  // endpoint to prepare again after a refusal
  int retries_ = 0;
};

class NaiveEnactorWorker final : public Worker {
public:
  NaiveEnactorWorker(const WorkerContext& context, std::string id)
      : c_(context), id_(std::move(id)) {
    restart();
  }

  bool up() const override { return enactor_ != nullptr; }

  void crash() override { enactor_.reset(); }

  void restart() override {
    enactor_ = std::make_unique<NaiveEnactor>(id_, c_.store, c_.endpoints, c_.options.keep_plans,
                                              c_.clock);
  }

  StepOutcome run(Step& step) override {
    NaiveOutcome outcome = NaiveOutcome::kNothing;
    switch (step.action) {
      case Action::kCheck:
        outcome = enactor_->check();
        break;
      case Action::kApply:
        outcome = enactor_->apply(step.endpoint);
        break;
      case Action::kCleanup:
        outcome = enactor_->cleanup();
        break;
      default:
        step.note = "not an action of a naive enactor";
        return StepOutcome::kSkipped;
    }
    return describe(outcome, step);
  }

  std::optional<Proposal> pending() const override {
    if (const auto e = enactor_->nextApply()) {
      return Proposal{Action::kApply, *e};
    }
    if (enactor_->cleanupDue()) {
      return Proposal{Action::kCleanup, -1};
    }
    return std::nullopt;
  }

  int passLength() const override { return 1; }

  Proposal passStep(int /*index*/, Rng* /*rng*/) const override { return {Action::kCheck, -1}; }

private:
  StepOutcome describe(NaiveOutcome outcome, Step& step) {
    switch (outcome) {
      case NaiveOutcome::kNothing:
        step.note = "nothing to do";
        return StepOutcome::kUpToDate;
      case NaiveOutcome::kHeld:
        step.note = "checked once, holds " + enactor_->heldText();
        return StepOutcome::kHeld;
      case NaiveOutcome::kApplied:
        step.note = "applied its held plan (no generation compare)";
        return StepOutcome::kApplied;
      case NaiveOutcome::kBusy:
        step.note = "lock busy, backing off";
        return StepOutcome::kBusy;
      case NaiveOutcome::kStuck:
        step.note = "the active plan is gone: cannot write the rollback record";
        return StepOutcome::kStuck;
      case NaiveOutcome::kCleaned:
        step.note = "deleted plans much older than the ones it applied";
        return StepOutcome::kDone;
      case NaiveOutcome::kError:
        step.note = "store error";
        return StepOutcome::kError;
    }
    return StepOutcome::kDone;
  }

  WorkerContext c_;
  const std::string id_;
  std::unique_ptr<NaiveEnactor> enactor_;
};

}  // namespace

std::unique_ptr<Worker> makeHoldfastEnactor(const WorkerContext& context, std::string id) {
  return std::make_unique<HoldfastEnactorWorker>(context, std::move(id));
}

std::unique_ptr<Worker> makeNaiveEnactor(const WorkerContext& context, std::string id) {
  return std::make_unique<NaiveEnactorWorker>(context, std::move(id));
}

}  // namespace holdfast::sim
