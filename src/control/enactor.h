// Enactor: applies the newest valid plan of each endpoint to published/, by compare-and-swap.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "control/janitor.h"
#include "control/pass_scope.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// One publish decided from one read of the store; commit() applies it only if the published
// record and the zone serial are still exactly as read.
struct Attempt {
  std::string endpoint;
  std::string zone;
  Plan plan;                                   // valid, newer than `published` (S1, S2)
  std::optional<PublishedRecord> published;    // what the check looked at; empty if none
  store::Revision published_mod_revision = 0;  // 0: published/<e> was absent
  std::uint64_t serial_offset = 0;             // zones/<zone>/serial as read
  store::Revision serial_mod_revision = 0;     // 0: the serial key was absent
  bool approved = false;  // an operator approved it: the change budget does not apply
  std::string note;       // an operator's reason, added to the journal entry's why
};

enum class CommitOutcome {
  kApplied,  // published, serial and journal written in one transaction
  kRefused,  // published/<e>, the serial or the journal moved since prepare(); nothing written
  kPaused,   // control/paused or control/paused/<e> exists; nothing was written
  kHeld,     // it removes more than policy.max_remove allows and is not approved
};

enum class EnactOutcome {
  kUpToDate,   // no valid plan is newer than what is published
  kApplied,    // a newer plan was published (and the janitor ran)
  kContended,  // every attempt was refused; the next pass tries again
  kPaused,     // an operator paused publishing; what is published stays as it is
  kHeld,       // the newest plan exceeds the change budget: it waits for a stepped-down plan
               // (over_budget: step) or an operator's approval (over_budget: hold)
};

struct EnactorOptions {
  int keep_plans = 10;  // retention of the janitor run after a publish
  std::chrono::milliseconds full_pass_interval{5000};  // backstop pass without any plan change
};

// One of N independent enactors. Enactors share nothing but the store (L2): each reads the
// newest plan and the published record, and commits one transaction that compares the
// published record's mod_revision, so the "is this plan newer?" check is pinned to the state
// it judged (S3) and the published generation never goes down (S2). A refused commit starts
// over from the newest plan, never the one it held. A corrupt or missing newest plan is skipped
// for the newest valid one (L1). The published record carries the addresses inline (S4).
//
// Blast-radius controls, checked at the write: the same transaction requires that neither
// control/paused nor control/paused/<e> exists (a pause freezes what is published), and that
// the journal entry it appends does not exist yet (the audit journal is append-only). A plan
// that removes more addresses than the endpoint's change budget, measured against the record
// the transaction compares, is held unless the attempt is approved by an operator.
//
// Thread-safety: every method may be called from any thread. The store and clock are borrowed.
class Enactor {
public:
  Enactor(std::string id,
          store::Store& store,
          std::vector<EndpointConfig> endpoints,
          EnactorOptions options,
          const Clock& clock);
  ~Enactor();
  Enactor(const Enactor&) = delete;
  Enactor& operator=(const Enactor&) = delete;

  [[nodiscard]] const std::string& id() const { return id_; }

  // Reads the published record, the zone serial and the newest valid plan. Returns nullopt if
  // that plan is not newer than what is published. Errors: store failures.
  [[nodiscard]] Result<std::optional<Attempt>> prepare(const EndpointConfig& endpoint);

  // Commits `attempt` in one transaction. Logs "stale write refused" when the published record
  // moved; a held or paused publish is logged once per endpoint and plan. Errors: store
  // failures, kInvalidArgument for an endpoint that is not configured, or kInternal if
  // `attempt` is empty (S1) or not newer (S2).
  [[nodiscard]] Result<CommitOutcome> commit(const Attempt& attempt);

  // prepare() and commit() until applied or up to date, at most kMaxAttempts times; after a
  // publish, runs the janitor for the endpoint.
  [[nodiscard]] Result<EnactOutcome> enactEndpoint(const EndpointConfig& endpoint);

  // enactEndpoint() for every endpoint; returns the first error after trying them all.
  [[nodiscard]] Status runOnce();

  // One pass of the enactor thread: runOnce() for a full scope (or one naming control/paused);
  // otherwise enactEndpoint() for the configured endpoints the changed keys name (plans/<e>/...,
  // control/paused/<e>), plus those that failed or were contended in the previous pass.
  [[nodiscard]] Status runScope(const PassScope& scope);

  // Runs runOnce() on a thread on start and every full_pass_interval, and runScope() on every
  // change under plans/ or control/paused, until stop(); both idempotent.
  void start();
  void stop();

  // Bound on prepare/commit rounds per endpoint and pass: a refusal means another enactor
  // made progress, so giving up for this pass loses nothing.
  static constexpr int kMaxAttempts = 8;

private:
  [[nodiscard]] Result<std::optional<Plan>> newestValidPlan(const EndpointConfig& endpoint);
  [[nodiscard]] Result<std::pair<std::uint64_t, store::Revision>> readSerial(
      const std::string& zone);
  // Why a publish transaction failed: a pause, or a moved record (logged).
  CommitOutcome explainRefusal(const Attempt& attempt);
  [[nodiscard]] const EndpointConfig* findEndpoint(std::string_view name) const;
  // enactEndpoint() with logging; remembers a failed or contended endpoint for the next pass
  // and keeps the first error in `first`.
  void enactOne(const EndpointConfig& endpoint, Status& first);
  // runOnce(), calling scope.visited() as it goes.
  [[nodiscard]] Status runEvery(const PassScope& scope);

  enum class Notice {
    kNone,
    kHeld,
    kPaused,
  };
  void notice(const std::string& endpoint,
              Generation generation,
              Notice kind,
              std::size_t removed,
              std::size_t allowed);

  const std::string id_;
  store::Store& store_;
  const std::vector<EndpointConfig> endpoints_;
  const EnactorOptions options_;
  const Clock& clock_;
  Janitor janitor_;
  log::Logger logger_{"control.enactor"};
  std::mutex mu_;
  // guarded by mu_; endpoint -> the notice last logged, so each is logged once
  std::map<std::string, std::pair<Notice, Generation>> notices_;
  std::set<std::string> retry_;  // guarded by mu_; enacted again by the next pass
  std::map<std::string, std::size_t, std::less<>> index_;  // endpoint name -> endpoints_ index
  std::jthread thread_;
};

}  // namespace holdfast::control
