// Enactor: applies the newest valid plan of each endpoint to published/, by compare-and-swap.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "control/janitor.h"
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
};

enum class CommitOutcome {
  kApplied,  // published, serial and journal written in one transaction
  kRefused,  // published/<e> or the serial changed since prepare(); nothing was written
};

enum class EnactOutcome {
  kUpToDate,   // no valid plan is newer than what is published
  kApplied,    // a newer plan was published (and the janitor ran)
  kContended,  // every attempt was refused; the next pass tries again
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
  // moved. Errors: store failures, or kInternal if `attempt` is empty (S1) or not newer (S2).
  [[nodiscard]] Result<CommitOutcome> commit(const Attempt& attempt);

  // prepare() and commit() until applied or up to date, at most kMaxAttempts times; after a
  // publish, runs the janitor for the endpoint.
  [[nodiscard]] Result<EnactOutcome> enactEndpoint(const EndpointConfig& endpoint);

  // enactEndpoint() for every endpoint; returns the first error after trying them all.
  [[nodiscard]] Status runOnce();

  // Runs runOnce() on a thread on start, on every change under plans/, and every
  // full_pass_interval, until stop(); both idempotent.
  void start();
  void stop();

  // Bound on prepare/commit rounds per endpoint and pass: a refusal means another enactor
  // made progress, so giving up for this pass loses nothing.
  static constexpr int kMaxAttempts = 8;

private:
  [[nodiscard]] Result<std::optional<Plan>> newestValidPlan(const EndpointConfig& endpoint);
  [[nodiscard]] Result<std::optional<Plan>> scanForValidPlan(const EndpointConfig& endpoint);
  [[nodiscard]] Result<std::pair<std::uint64_t, store::Revision>> readSerial(
      const std::string& zone);
  void reportRefusal(const Attempt& attempt);

  const std::string id_;
  store::Store& store_;
  const std::vector<EndpointConfig> endpoints_;
  const EnactorOptions options_;
  const Clock& clock_;
  Janitor janitor_;
  log::Logger logger_{"control.enactor"};
  std::jthread thread_;
};

}  // namespace holdfast::control
