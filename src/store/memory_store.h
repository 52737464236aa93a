// MemoryStore: the store interface held in process memory, for unit tests and the simulator.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>

#include "store/store.h"

namespace holdfast::store {

// Thread-safe; all state sits under one mutex. Keeps the last `history_limit` events for
// watches; older ones are compacted away.
class MemoryStore final : public Store {
public:
  // Bound on retained watch history: beyond it, watchers must re-read (kCompacted).
  static constexpr std::size_t kDefaultHistoryLimit = 100000;

  explicit MemoryStore(std::size_t history_limit = kDefaultHistoryLimit)
      : history_limit_(history_limit) {}

  [[nodiscard]] Result<GetResult> get(std::string_view key) override;
  [[nodiscard]] Result<RangeResult> range(std::string_view prefix) override;
  [[nodiscard]] Result<TxnResult> txn(const TxnRequest& request) override;
  [[nodiscard]] Result<WatchResult> watch(std::string_view prefix,
                                          Revision after,
                                          std::chrono::milliseconds max_wait) override;
  [[nodiscard]] Result<Revision> currentRevision() override;

private:
  void applyOps(const std::vector<Op>& ops, Revision revision);  // REQUIRES: mu_ held

  const std::size_t history_limit_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, KeyValue, std::less<>> data_;  // guarded by mu_
  std::deque<Event> history_;                          // guarded by mu_
  Revision revision_ = 0;                              // guarded by mu_
  Revision compacted_ = 0;  // guarded by mu_; events with revision <= this are gone
};

}  // namespace holdfast::store
