// The simulated actors that run control-plane code: planners, enactors, janitor, health checker.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "control/endpoint.h"
#include "control/prober.h"
#include "sim/rng.h"
#include "sim/schedule.h"
#include "store/store.h"

namespace holdfast::sim {

// What one step of an actor came to, for the scheduler.
enum class StepOutcome {
  kSkipped,   // the actor is down, or the step did not apply to its state
  kDone,      // done, nothing further held
  kHeld,      // it now holds something to commit in a later step
  kUpToDate,  // nothing to do
  kApplied,   // published (enactors)
  kRefused,   // a compare failed; the actor starts over
  kBusy,      // naive: the lock is held by another; retry later
  kStuck,     // naive: the active plan is gone; every retry fails the same way
  kError,     // a store failure or a crash
};

// One step an actor wants to take.
struct Proposal {
  Action action = Action::kProbe;
  int endpoint = -1;
};

// An actor that works in passes (over every endpoint) and may hold state between its steps.
// Crash loses that state; restart builds the control-plane objects again.
class Worker {
public:
  virtual ~Worker() = default;

  [[nodiscard]] virtual bool up() const = 0;
  virtual void crash() = 0;
  virtual void restart() = 0;

  // Runs a step of this actor's kind and describes the result in step.note.
  virtual StepOutcome run(Step& step) = 0;

  // The step that finishes what the actor started (commit what it holds, clean up after a
  // publish, retry a refused endpoint); nullopt if nothing is in progress.
  [[nodiscard]] virtual std::optional<Proposal> pending() const = 0;

  // A pass is passLength() steps, each followed by the pending work it creates. With `rng`
  // the step may vary (an enactor sometimes runs enactEndpoint() whole); without, it is fixed.
  [[nodiscard]] virtual int passLength() const = 0;
  [[nodiscard]] virtual Proposal passStep(int index, Rng* rng) const = 0;
};

// The backends' real state, as the simulated health checks see it. The truth is the world's,
// so it survives a crash of the checker.
class SimProber final : public control::Prober {
public:
  void set(const std::string& address, bool up) { truth_[address] = up; }

  [[nodiscard]] bool up(const std::string& address) const {
    const auto it = truth_.find(address);
    return it == truth_.end() || it->second;
  }

  [[nodiscard]] control::ProbeResult probe(const std::string& address,
                                           const control::HealthCheckConfig& check) override;

private:
  std::map<std::string, bool, std::less<>> truth_;
};

// A virtual clock as one actor reads it: world time, plus that actor's skew on the wall clock.
class ActorClock final : public Clock {
public:
  // 2025-10-20T06:48:00Z, when the simulated day starts.
  static constexpr std::int64_t kEpochMs = 1760942880000;

  explicit ActorClock(const std::int64_t& now_ms) : now_ms_(now_ms) {}

  void setSkew(std::int64_t skew_ms) { skew_ms_ = skew_ms; }

  [[nodiscard]] TimePoint now() const override {
    return TimePoint{std::chrono::milliseconds(now_ms_)};
  }

  [[nodiscard]] std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::time_point{
        std::chrono::milliseconds(kEpochMs + now_ms_ + skew_ms_)};
  }

private:
  const std::int64_t& now_ms_;
  std::int64_t skew_ms_ = 0;
};

// What every worker borrows from the world.
struct WorkerContext {
  store::Store& store;
  const std::vector<control::EndpointConfig>& endpoints;
  const WorldOptions& options;
  const Clock& clock;
};

// control::Planner: one planEndpoint() per step.
[[nodiscard]] std::unique_ptr<Worker> makePlanner(const WorkerContext& context);
// control::Janitor on its own timer: prepare() and commit() as separate steps (S5).
[[nodiscard]] std::unique_ptr<Worker> makeJanitor(const WorkerContext& context);
// control::HealthChecker::probeAll() against `prober`.
[[nodiscard]] std::unique_ptr<Worker> makeHealth(const WorkerContext& context, SimProber& prober);
// control::Enactor through prepare()/commit() (or enactEndpoint() whole), with the clean-up
// it runs after a publish as its own janitor's prepare()/commit().
[[nodiscard]] std::unique_ptr<Worker> makeHoldfastEnactor(const WorkerContext& context,
                                                          std::string id);
// NaiveEnactor: the 2025 design.
[[nodiscard]] std::unique_ptr<Worker> makeNaiveEnactor(const WorkerContext& context,
                                                       std::string id);

}  // namespace holdfast::sim
