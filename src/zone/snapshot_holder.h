// SnapshotHolder: the current Snapshot, swapped by the publisher and read by every query thread.
#pragma once

#include <atomic>
#include <memory>

#include "zone/snapshot.h"

namespace holdfast::zone {

// Holds the snapshot being served. load() and store() may be called from any number of threads
// at once; a reader keeps the snapshot it loaded alive for as long as it holds the pointer, so a
// publish never pulls data from under a query, and readers never wait for a publish to finish.
//
// Limitation: libstdc++ 12 implements std::atomic<std::shared_ptr> with a small internal spin
// lock around the reference count update, so load() is not strictly lock-free; the lock is held
// for a pointer copy, never across a publish.
class SnapshotHolder {
public:
  // Starts with an empty snapshot (every query REFUSED) so that load() never returns null.
  SnapshotHolder();
  explicit SnapshotHolder(std::shared_ptr<const Snapshot> initial);

  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;

  // The current snapshot; never null.
  [[nodiscard]] std::shared_ptr<const Snapshot> load() const noexcept;

  // Makes `next` current. A null `next` is ignored: there is always something to serve.
  void store(std::shared_ptr<const Snapshot> next) noexcept;

private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace holdfast::zone
