// SnapshotHandler: answers DNS messages from whatever snapshot is current.
#pragma once

#include "server/query_handler.h"
#include "zone/answer.h"
#include "zone/snapshot_holder.h"

namespace holdfast::server {

// Bridges the network front ends to the answer algorithm. Thread-safe: each call takes its own
// reference to the current snapshot, so a publish in the middle of a query does not affect it.
class SnapshotHandler final : public QueryHandler {
public:
  explicit SnapshotHandler(const zone::SnapshotHolder& holder) : holder_(holder) {}

  std::size_t handle(std::span<const std::uint8_t> query,
                     std::span<std::uint8_t> response,
                     Transport transport) noexcept override {
    const auto snapshot = holder_.load();
    if (!snapshot) {
      return 0;
    }
    return zone::answerQuery(
        *snapshot, query, response,
        transport == Transport::kTcp ? zone::Transport::kTcp : zone::Transport::kUdp);
  }

private:
  const zone::SnapshotHolder& holder_;
};

}  // namespace holdfast::server
