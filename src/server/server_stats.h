// Traffic counters of the network front ends: atomics on the data path, plain snapshots for
// readers.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "server/query_stats.h"

namespace holdfast::server {

// Messages seen on one transport.
struct TransportStats {
  std::uint64_t received = 0;  // complete messages read from clients
  std::uint64_t sent = 0;      // answers handed to the kernel
  std::uint64_t dropped =
      0;  // messages that got no answer: handler returned 0, malformed, send failed

  TransportStats& operator+=(const TransportStats& other) noexcept {
    received += other.received;
    sent += other.sent;
    dropped += other.dropped;
    return *this;
  }
};

// A point-in-time view of a Server's counters, summed over its workers.
struct ServerStats {
  TransportStats udp;
  TransportStats tcp;
  std::uint64_t tcp_connections_accepted = 0;
  std::uint64_t tcp_connections_refused = 0;  // closed at once: max_tcp_connections was reached
  std::uint64_t tcp_connections_active = 0;
  // Answers by response code and query type, and their latency, per transport.
  QueryStats udp_queries;
  QueryStats tcp_queries;
};

// Counters are written by one worker thread and read by any; a cache line of their own keeps
// workers from slowing each other down through false sharing.
inline constexpr std::size_t kCacheLineBytes = 64;

// The live counters of one listener. Thread-safe; relaxed ordering, since readers only need
// eventually consistent totals.
class alignas(kCacheLineBytes) TransportCounters {
public:
  void addReceived(std::uint64_t count) noexcept {
    received_.fetch_add(count, std::memory_order_relaxed);
  }

  void addSent(std::uint64_t count) noexcept { sent_.fetch_add(count, std::memory_order_relaxed); }

  void addDropped(std::uint64_t count) noexcept {
    dropped_.fetch_add(count, std::memory_order_relaxed);
  }

  [[nodiscard]] TransportStats snapshot() const noexcept {
    return TransportStats{received_.load(std::memory_order_relaxed),
                          sent_.load(std::memory_order_relaxed),
                          dropped_.load(std::memory_order_relaxed)};
  }

private:
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace holdfast::server
