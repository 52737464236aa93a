// UdpListener: the UDP front end of one worker, a batched receive loop on its own socket.
// Internal to the server module.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <asio/error_code.hpp>
#include <asio/ip/udp.hpp>

#include "common/log.h"
#include "server/query_handler.h"
#include "server/server_stats.h"
#include "server/udp_batch.h"

namespace holdfast::server {

// Serves one bound UDP socket on the socket's io_context: receives a batch, asks the handler for
// each answer, sends the answers as a batch. Its buffers are allocated once; nothing is
// allocated or locked per packet. Not thread-safe except stats(); runs on one worker thread.
// Limitation: answers leave from the kernel's choice of source address, without IP_PKTINFO; on a
// wildcard address of a multi-homed host a client may see the answer come from another address,
// so list the specific addresses to serve.
class UdpListener {
public:
  // `handler` must outlive the listener.
  UdpListener(asio::ip::udp::socket socket, QueryHandler& handler);

  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Starts the receive loop. It runs until the socket's io_context stops; the listener must not
  // be destroyed while that context still runs.
  void start();

  // Thread-safe.
  [[nodiscard]] TransportStats stats() const noexcept { return counters_.snapshot(); }

  // Adds this listener's counters. Thread-safe.
  void addStatsTo(ServerStats& stats) const noexcept {
    stats.udp += counters_.snapshot();
    stats.udp_queries += answer_counters_.snapshot();
  }

private:
  void waitReadable();

  void onReadable(const asio::error_code& ec);

  void serveTurn();

  // Receives up to a batch; 0 when nothing is waiting.
  std::size_t receiveBatch();

  void answerBatch(std::size_t received);

  void sendReplies();

  asio::ip::udp::socket socket_;
  QueryHandler& handler_;
  UdpBatch batch_;
  TransportCounters counters_;
  QueryCounters answer_counters_;
  std::chrono::steady_clock::time_point received_at_;  // when the batch being answered arrived
  log::Logger log_{"server.udp"};
};

}  // namespace holdfast::server
