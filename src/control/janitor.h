// Janitor: deletes old plan generations without ever touching what is served (S4, S5).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/result.h"
#include "control/endpoint.h"
#include "control/records.h"
#include "store/store.h"

namespace holdfast::control {

// A clean-up decided from one read of published/<endpoint>.
struct Cleanup {
  std::string endpoint;
  Generation published_generation = 0;         // P as read
  store::Revision published_mod_revision = 0;  // what the transaction compares (S5)
  std::vector<Generation> doomed;              // every one < P - keep_plans
};

enum class CleanupOutcome {
  kDeleted,  // the doomed plans are gone
  kAborted,  // published/<endpoint> changed since it was read; nothing was deleted
};

// Keeps the last `keep_plans` generations below the published one. Deletes plans/<e>/<g> only
// for g < P - keep_plans, where P is the published generation, in one transaction that
// compares published/<e>'s mod_revision with the value read (S5): a publish in between aborts
// the clean-up. Never deletes the published generation, anything newer, or plans/<e>/latest;
// deletes nothing while no readable record is published. Since published/ holds the addresses
// inline, no deletion can change what is served (S4).
//
// Thread-safety: every method may be called from any thread.
class Janitor {
public:
  Janitor(store::Store& store, std::vector<EndpointConfig> endpoints, int keep_plans);
  ~Janitor();
  Janitor(const Janitor&) = delete;
  Janitor& operator=(const Janitor&) = delete;

  // Reads published/<e> and plans/<e>/; nullopt if there is nothing to delete.
  [[nodiscard]] Result<std::optional<Cleanup>> prepare(const EndpointConfig& endpoint);

  // Deletes the doomed plans if published/<e> is unchanged. Errors: store failures, or
  // kInternal if `cleanup` would delete a plan inside the retention window.
  [[nodiscard]] Result<CleanupOutcome> commit(const Cleanup& cleanup);

  // prepare() then commit() once; returns how many plans were deleted (0 on abort).
  [[nodiscard]] Result<std::size_t> cleanEndpoint(const EndpointConfig& endpoint);

  // Cleans every configured endpoint; returns the first error after trying them all.
  [[nodiscard]] Status runOnce();

  // Runs runOnce() every `interval` on a thread until stop(); both idempotent.
  void start(std::chrono::milliseconds interval);
  void stop();

  // Bound on deletes per transaction, below etcd's default of 128 operations per txn; the
  // rest waits for the next pass.
  static constexpr std::size_t kMaxDeletesPerTxn = 100;

private:
  store::Store& store_;
  const std::vector<EndpointConfig> endpoints_;
  const Generation keep_plans_;
  log::Logger logger_{"control.janitor"};
  std::jthread thread_;
};

}  // namespace holdfast::control
