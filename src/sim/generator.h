// Generator: produces (and runs) the chaos phase of a schedule from a seed.
#pragma once

#include <cstdint>
#include <map>
#include <queue>
#include <vector>

#include "sim/rng.h"
#include "sim/schedule.h"
#include "sim/sim_store.h"
#include "sim/world.h"

namespace holdfast::sim {

// How hard one schedule is pushed. Each seed draws its own rates, some of them zero ("swarm
// testing": a run with fewer kinds of fault reaches states that a run with all of them hides).
struct FaultRates {
  double crash_per_op = 0;               // the actor dies at a store operation (before or after it)
  double crash_at_end = 0;               // the actor dies right after a step
  double fail_per_op = 0;                // a store operation fails and changes nothing
  double ambiguous_per_txn = 0;          // a transaction commits but reports failure
  double conflict_per_txn = 0;           // another writer touches a compared key first
  double stale_read = 0;                 // a read is served from an older revision
  int max_lag = 1;                       // revisions
  double lost_watch = 0;                 // a watch notification never arrives
  double duplicate_watch = 0;            // a watch notification arrives twice
  double long_pause = 0;                 // after a step the actor stalls for seconds to minutes
  double skew = 0;                       // an actor's wall clock is off by up to 10 s
  std::int64_t health_change_ms = 4000;  // mean time between backend changes
  std::int64_t operator_ms = 0;          // mean time between hand edits; 0: none
  bool pauses = false;                   // the operator also pauses and resumes
};

[[nodiscard]] FaultRates drawRates(Rng& rng, Protocol protocol);

struct GeneratorOptions {
  std::int64_t chaos_ms = 60000;          // faults stop after this much virtual time
  std::int64_t probe_interval_ms = 1000;  // health check interval
  std::int64_t resync_ms = 5000;          // planner and enactor passes without any watch event
  std::int64_t janitor_ms = 5000;
  std::int64_t resolve_ms = 2000;  // mean time between a client's lookups
};

// A discrete-event scheduler on the virtual clock. Planners wake on health changes, enactors
// on plan changes (each notification possibly lost, duplicated or late) and all of them on
// their timers; each wake-up starts a pass, and a pass is a chain of steps whose gaps are
// heavy-tailed delays (with the occasional long pause, like a stop-the-world GC). Health
// changes, hand edits and client lookups arrive as their own events. Every step is executed on
// the world as soon as it is decided, and every decision, faults included, is recorded in it,
// so the recorded steps replay exactly without the generator.
class Generator final : public FaultDecider {
public:
  Generator(World& world, Rng& rng, FaultRates rates, GeneratorOptions options);

  // Runs until the faults-stop step has been executed, appending every executed step to `out`.
  void run(std::vector<Step>& out);

  void decide(int op, bool is_txn, std::vector<OpFault>& out) override;

private:
  enum class Trigger {
    kTimer,
    kWake,
    kContinue,
    kRestart,
    kHealthChange,
    kOperator,
    kResolve,
    kStop,
  };

  struct Event {
    std::int64_t at = 0;
    std::uint64_t seq = 0;
    ActorId actor;
    Trigger trigger = Trigger::kWake;

    bool operator>(const Event& other) const {
      return at != other.at ? at > other.at : seq > other.seq;
    }
  };

  // Where a worker is in its passes.
  struct Flow {
    bool busy = false;  // a continuation is scheduled
    bool in_pass = false;
    bool due = false;  // a wake-up arrived: another pass must follow
    int cursor = 0;
  };

  void schedule(std::int64_t at, ActorId actor, Trigger trigger);
  void handle(const Event& event);
  void wake(ActorId actor);
  void advance(ActorId actor);
  [[nodiscard]] std::int64_t periodOf(ActorId actor) const;
  StepOutcome runStep(Step step);
  void notifyWatchers(const std::vector<Commit>& commits);
  void changeHealth();
  void editByHand();
  [[nodiscard]] std::vector<control::Generation> planGenerations(int endpoint);
  void stop();

  World& world_;
  Rng& rng_;
  const FaultRates rates_;
  const GeneratorOptions options_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t seq_ = 0;
  std::map<ActorId, Flow> flows_;
  std::vector<Step>* out_ = nullptr;
  ActorId current_;
  bool stopped_ = false;
};

}  // namespace holdfast::sim
