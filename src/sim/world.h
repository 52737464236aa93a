// World: one simulated deployment (store, actors, clients, checker) that executes steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/endpoint.h"
#include "sim/actors.h"
#include "sim/checker.h"
#include "sim/schedule.h"
#include "sim/sim_store.h"

namespace holdfast::sim {

// What clients saw in one run.
struct ClientStats {
  std::size_t answers = 0;        // answers from the server (cache misses)
  std::size_t cached = 0;         // answers from a client's own cache
  std::size_t empty_answers = 0;  // in-service answers with no address
  std::size_t clients_saw_empty = 0;
};

// Called after every executed step with the commits it made and the violations it caused.
using StepListener =
    std::function<void(const Step&, std::span<const Commit>, std::span<const Violation>)>;

// Everything of one run. Steps are executed one at a time at their virtual time; the same
// steps on the same options always give the same result. Endpoint e is "e<e>.sim.test." with
// backends 10.0.<e>.1 and up. Single-threaded.
class World {
public:
  explicit World(WorldOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  [[nodiscard]] const WorldOptions& options() const { return options_; }

  [[nodiscard]] const std::vector<control::EndpointConfig>& endpoints() const { return endpoints_; }

  [[nodiscard]] std::int64_t now() const { return now_ms_; }

  [[nodiscard]] Checker& checker() { return checker_; }

  [[nodiscard]] const Checker& checker() const { return checker_; }

  [[nodiscard]] SimStore& store() { return store_; }

  // Executes `step` at step.at_ms (time never goes back) and writes what happened into
  // step.note. Faults come from step.faults or, with a decider, are decided and recorded there.
  StepOutcome execute(Step& step, FaultDecider* decider);

  // The commits made by the last executed step.
  [[nodiscard]] const std::vector<Commit>& lastCommits() const { return commits_; }

  // The planners, enactors, janitor and health checker; nullptr for other actors.
  [[nodiscard]] Worker* worker(ActorId actor);

  [[nodiscard]] const std::vector<ActorId>& workerIds() const { return worker_ids_; }

  [[nodiscard]] bool backendUp(const std::string& address) const { return prober_.up(address); }

  // Runs after the faults-stop step: every actor comes back, pauses are lifted, backend
  // stop.address flips and enactor stop.number stays paused (L2). Then fair rounds of every
  // other actor until each endpoint converges, or L1 is recorded as violated when
  // options.recovery_bound_ms passes first.
  void recover(const Step& stop);

  // Ends recover() early, after the round in which `property` was first broken (shrinking needs
  // no more than that).
  void stopRecoveryOn(Property property) { stop_on_ = property; }

  // True once some committed change has broken `property`.
  [[nodiscard]] bool broken(Property property) const;

  void setListener(StepListener listener) { listener_ = std::move(listener); }

  [[nodiscard]] ClientStats clientStats() const;

  [[nodiscard]] std::size_t stepsExecuted() const { return steps_; }

  // Time between recovery rounds.
  static constexpr std::int64_t kRoundMs = 500;

private:
  struct CacheEntry {
    bool valid = false;
    bool empty = false;
    std::int64_t expires_ms = 0;  // on the client's clock
  };

  struct Client {
    std::vector<CacheEntry> cache;  // per endpoint
    std::size_t answers = 0;
    std::size_t cached = 0;
    std::size_t empty = 0;
  };

  StepOutcome dispatch(Step& step);
  StepOutcome resolve(Step& step);
  StepOutcome operatorEdit(Step& step);
  StepOutcome pause(Step& step);
  // A plan written by hand: generation step.generation, the backends in bit mask step.number.
  [[nodiscard]] store::TxnRequest handPlan(Step& step,
                                           const control::EndpointConfig& endpoint) const;
  StepOutcome crashOrRestart(Step& step);
  [[nodiscard]] bool needsEndpoint(const Step& step) const;
  [[nodiscard]] bool runsOnStore(const Step& step) const;
  // Brings every actor back, lifts pauses and flips backend stop.address.
  void endFaults(const Step& stop);
  void runRound(std::int64_t at, int stalled);
  void runStep(Step step);
  ActorClock& clockOf(ActorId actor);

  WorldOptions options_;
  std::vector<control::EndpointConfig> endpoints_;
  std::int64_t now_ms_ = 0;
  SimStore store_;
  Checker checker_;
  SimProber prober_;
  std::map<ActorId, std::unique_ptr<ActorClock>> clocks_;
  std::map<ActorId, std::unique_ptr<Worker>> workers_;
  std::vector<ActorId> worker_ids_;
  std::map<ActorId, store::Revision> seen_;  // newest revision each actor has observed
  std::vector<Client> clients_;
  std::vector<Commit> commits_;
  StepListener listener_;
  std::optional<Property> stop_on_;
  std::size_t steps_ = 0;
};

}  // namespace holdfast::sim
