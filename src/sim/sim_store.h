// SimStore: the store the simulated actors share, wrapping MemoryStore with fault injection.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/schedule.h"
#include "store/memory_store.h"
#include "store/store.h"

namespace holdfast::sim {

// Chooses the faults of each store operation while a schedule is being generated.
class FaultDecider {
public:
  virtual ~FaultDecider() = default;

  // Appends the faults of operation `op` of the running step (kEndOfStep: after the last one).
  virtual void decide(int op, bool is_txn, std::vector<OpFault>& out) = 0;
};

// One committed change, attributed to the actor whose step made it.
struct Commit {
  ActorId actor;
  store::Revision revision = 0;
  std::vector<store::Event> events;  // in the order the transaction wrote them
};

// Transactions go to a MemoryStore, so their meaning is the production backend's. Around it:
//  - stale reads: a read may be served at an older revision, which is exactly the same as the
//    read having happened that much earlier. Reads of one step never go back in time and never
//    before `floor`, so each actor still sees its own writes (per-actor causality). Together
//    with steps taken one at a time this covers every interleaving of store operations;
//  - faults per operation (failures, ambiguous commits, conflicting writes, crashes), taken
//    from the step being replayed or decided on the fly by a FaultDecider and recorded in it;
//  - every committed change is reported to an observer (the invariant checker).
// Outside a step (setup, checks) calls go straight through. Single-threaded, like the simulator.
class SimStore final : public store::Store {
public:
  SimStore();

  using Observer = std::function<void(const Commit&)>;

  void setObserver(Observer observer) { observer_ = std::move(observer); }

  // Starts a step of `actor`. Faults come from step.faults; with a decider they are decided
  // first and appended there. `step` and `decider` must outlive endStep().
  void beginStep(ActorId actor, store::Revision floor, Step& step, FaultDecider* decider);

  struct StepEnd {
    int ops = 0;               // store operations the step made
    bool crashed = false;      // the actor died during or right after the step
    store::Revision seen = 0;  // newest revision the actor read or wrote: its next floor
  };

  StepEnd endStep();

  [[nodiscard]] Result<store::GetResult> get(std::string_view key) override;
  [[nodiscard]] Result<store::RangeResult> range(std::string_view prefix) override;
  [[nodiscard]] Result<store::TxnResult> txn(const store::TxnRequest& request) override;
  // Never blocks: the simulator has no threads to wake it.
  [[nodiscard]] Result<store::WatchResult> watch(std::string_view prefix,
                                                 store::Revision after,
                                                 std::chrono::milliseconds max_wait) override;
  [[nodiscard]] Result<store::Revision> currentRevision() override;

  // The current revision, outside any step.
  [[nodiscard]] store::Revision revision() const { return revision_; }

  // The current state without faults, stale reads or step accounting, for the checker and the
  // scheduler, which observe the world rather than act in it. Writes must go through txn().
  [[nodiscard]] store::Store& direct() { return inner_; }

private:
  struct Version {
    store::Revision revision = 0;
    std::optional<store::KeyValue> kv;  // empty: deleted at this revision
  };

  // What the current step's operation `op` suffers; decided first when generating.
  std::vector<OpFault> faultsOf(int op, bool is_txn);
  // The revision a read of this step is served at, given its lag.
  store::Revision readRevision(int lag);
  std::optional<store::KeyValue> readAt(std::string_view key, store::Revision revision) const;
  Result<store::TxnResult> commit(ActorId actor, const store::TxnRequest& request);
  void interfere(const store::TxnRequest& request);
  void record(ActorId actor, const store::TxnRequest& request, const store::TxnResult& result);

  store::MemoryStore inner_;
  std::map<std::string, std::vector<Version>, std::less<>> versions_;
  store::Revision revision_ = 0;
  Observer observer_;

  bool in_step_ = false;
  ActorId actor_;
  Step* step_ = nullptr;
  FaultDecider* decider_ = nullptr;
  int ops_ = 0;
  bool crashed_ = false;
  store::Revision floor_ = 0;
};

}  // namespace holdfast::sim
