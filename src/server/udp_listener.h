// UdpListener: the UDP front end of one worker, a batched receive loop on its own socket.
// Internal to the server module.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <asio/error_code.hpp>
#include <asio/ip/udp.hpp>

#include "common/log.h"
#include "server/query_handler.h"
#include "server/server_stats.h"

namespace holdfast::server {

// Datagrams taken per recvmmsg call and answered per sendmmsg call. Larger batches save system
// calls under load; each slot holds a query and a response buffer of kMaxMessageBytes (touched
// only as far as used), so 16 slots bound the buffers to 2 MiB of address space per socket.
inline constexpr std::size_t kUdpBatchSize = 16;

// Batches served per turn before the loop yields to the worker's other sockets and
// connections, so that a flooded socket cannot starve them.
inline constexpr int kUdpBatchesPerTurn = 8;

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

  void sendReplies(std::size_t count);

  [[nodiscard]] std::uint8_t* queryBuffer(std::size_t slot) const noexcept {
    return queries_.get() + slot * kMaxMessageBytes;
  }

  [[nodiscard]] std::uint8_t* responseBuffer(std::size_t slot) const noexcept {
    return responses_.get() + slot * kMaxMessageBytes;
  }

  asio::ip::udp::socket socket_;
  QueryHandler& handler_;
  const std::unique_ptr<std::uint8_t[]> queries_;
  const std::unique_ptr<std::uint8_t[]> responses_;
  std::array<sockaddr_storage, kUdpBatchSize> peers_{};
  std::array<iovec, kUdpBatchSize> query_iov_{};
  std::array<mmsghdr, kUdpBatchSize> queries_in_{};
  std::array<iovec, kUdpBatchSize> reply_iov_{};
  std::array<mmsghdr, kUdpBatchSize> replies_out_{};
  TransportCounters counters_;
  QueryCounters answer_counters_;
  std::chrono::steady_clock::time_point received_at_;  // when the batch being answered arrived
  log::Logger log_{"server.udp"};
};

}  // namespace holdfast::server
