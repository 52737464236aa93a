// TcpListener: the TCP front end of one worker, accepting connections on its own socket.
// Internal to the server module.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include <asio/error_code.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "common/log.h"
#include "server/connection_limit.h"
#include "server/query_handler.h"
#include "server/server_stats.h"
#include "server/tcp_connection.h"

namespace holdfast::server {

// Pause after an accept error such as running out of descriptors: the pending connection stays
// queued and would fail again at once, so without a pause the worker would spin and log without
// end. Short enough that service resumes quickly once descriptors are free.
inline constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// Per-connection settings of a listener, from ServerOptions.
struct TcpLimits {
  std::chrono::milliseconds idle_timeout;
  std::size_t max_queries;
};

// Accepts connections on one listening socket and owns them until they finish. Beyond the
// shared connection limit, a new connection is closed at once and counted as refused. Not
// thread-safe except addStatsTo(); runs on the acceptor's io_context thread.
class TcpListener final : private TcpConnectionOwner {
public:
  // `handler` and `limit` must outlive the listener.
  TcpListener(asio::ip::tcp::acceptor acceptor,
              QueryHandler& handler,
              const TcpLimits& limits,
              ConnectionLimit& limit);

  // Closes every connection. The io_context must not be running.
  ~TcpListener() override;

  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // Starts accepting. Runs until the io_context stops; the listener must not be destroyed while
  // that context still runs.
  void start();

  // Adds this listener's counters. Thread-safe.
  void addStatsTo(ServerStats& stats) const noexcept;

private:
  void accept();

  void onAccept(const asio::error_code& ec, asio::ip::tcp::socket socket);

  void release(TcpConnection& connection) noexcept override;

  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  ConnectionLimit& limit_;
  TransportCounters counters_;
  QueryCounters answer_counters_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_{0};
  const TcpConnectionEnv env_;
  std::unordered_map<TcpConnection*, std::unique_ptr<TcpConnection>> connections_;
  log::Logger log_{"server.tcp"};
};

}  // namespace holdfast::server
