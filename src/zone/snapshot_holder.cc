// SnapshotHolder: atomic publication of snapshots.
#include "zone/snapshot_holder.h"

#include <utility>

namespace holdfast::zone {

SnapshotHolder::SnapshotHolder() : current_(std::make_shared<const Snapshot>()) {}

SnapshotHolder::SnapshotHolder(std::shared_ptr<const Snapshot> initial)
    : current_(initial != nullptr ? std::move(initial) : std::make_shared<const Snapshot>()) {}

std::shared_ptr<const Snapshot> SnapshotHolder::load() const noexcept {
  return current_.load(std::memory_order_acquire);
}

void SnapshotHolder::store(std::shared_ptr<const Snapshot> next) noexcept {
  if (next == nullptr) {
    return;
  }
  current_.store(std::move(next), std::memory_order_release);
}

}  // namespace holdfast::zone
