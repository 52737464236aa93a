// NaiveEnactor: the October 2025 enactor design, modelled so the simulator can show its failure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "control/endpoint.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::sim {

// What a naive step did.
enum class NaiveOutcome {
  kNothing,  // nothing to do
  kHeld,     // check: some plan is newer than what is active; it is now held
  kApplied,  // apply: the held plan is active
  kBusy,     // apply: another enactor holds the lock; back off and retry
  kStuck,    // apply: the active plan is gone, so the rollback record cannot be written
  kCleaned,  // cleanup: old plans deleted
  kError,    // a store failure
};

// The design of the 2025 post-event summary, reduced to its mechanics:
//  - check(): the "is this plan newer than the active one?" check, made once per round, long
//    before the writes;
//  - apply(e): one endpoint at a time, under a per-endpoint lock (holder and expiry on the
//    holder's own clock), writing a reference to the plan plus a rollback record that points at
//    the plan that was active. The transaction compares only the lock, not the generation, so a
//    slow enactor overwrites a newer plan with its older one. If the active plan is gone the
//    rollback cannot be written and every apply fails: nothing recovers without a human;
//  - cleanup(): deletes plans more than keep_plans generations older than the plan this enactor
//    applied, without looking at what is active now.
// Used by the simulator only; holdfast's Enactor and Janitor exist to make these impossible.
class NaiveEnactor {
public:
  NaiveEnactor(std::string id,
               store::Store& store,
               const std::vector<control::EndpointConfig>& endpoints,
               int keep_plans,
               const Clock& clock);

  NaiveOutcome check();
  NaiveOutcome apply(int endpoint);
  NaiveOutcome cleanup();

  // The endpoint whose held plan is to be applied next; nullopt if none is held.
  [[nodiscard]] std::optional<int> nextApply() const;

  // True when every held plan is applied and the clean-up is due.
  [[nodiscard]] bool cleanupDue() const { return held_.empty() && !applied_.empty(); }

  [[nodiscard]] std::string heldText() const;

  // How long a lock stays valid after each apply.
  static constexpr std::int64_t kLockLeaseMs = 2000;

private:
  std::int64_t wallMs() const;
  [[nodiscard]] bool lockedByOther(const std::optional<store::KeyValue>& lock) const;

  const std::string id_;
  store::Store& store_;
  const std::vector<control::EndpointConfig>& endpoints_;
  const control::Generation keep_plans_;
  const Clock& clock_;
  std::map<int, control::Generation> held_;     // endpoint -> plan generation checked once
  std::map<int, control::Generation> checked_;  // endpoint -> active generation the check saw
  std::map<int, control::Generation> applied_;  // endpoint -> generation this round applied
};

}  // namespace holdfast::sim
