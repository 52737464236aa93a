// Worker: one thread running its own io_context over its share of the server's sockets.
// Internal to the server module.
#pragma once

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "common/result.h"
#include "server/connection_limit.h"
#include "server/query_handler.h"
#include "server/server_stats.h"
#include "server/tcp_listener.h"
#include "server/udp_listener.h"

namespace holdfast::server {

// A worker owns one UDP socket and one TCP listening socket per listen address, and the
// connections accepted on them. Nothing it owns is touched by another thread except the
// counters, so the answer path takes no lock. Sockets are added before start(); stop() ends the
// thread. Destroying a worker stops it first.
class Worker {
public:
  explicit Worker(std::size_t index);

  ~Worker();

  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // The context the worker's sockets must be created on.
  [[nodiscard]] asio::io_context& context() noexcept { return context_; }

  // REQUIRES: not started; the socket belongs to context(); `handler` outlives the worker.
  void addUdp(asio::ip::udp::socket socket, QueryHandler& handler);

  // REQUIRES: not started; the acceptor belongs to context() and listens; `handler` and `limit`
  // outlive the worker.
  void addTcp(asio::ip::tcp::acceptor acceptor,
              QueryHandler& handler,
              const TcpLimits& limits,
              ConnectionLimit& limit);

  // Starts the listeners and the thread. Errors: kInternal when no thread can be created.
  [[nodiscard]] Status start();

  // Asks the thread to stop; returns at once. Thread-safe.
  void requestStop() noexcept { context_.stop(); }

  // Waits for the thread to end. REQUIRES: requestStop() was called; not on the worker thread.
  void join() noexcept;

  // Adds this worker's counters. Thread-safe.
  void addStatsTo(ServerStats& stats) const noexcept;

private:
  void run() noexcept;

  const std::size_t index_;
  // Declared first so it outlives every socket created on it.
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<UdpListener>> udp_;
  std::vector<std::unique_ptr<TcpListener>> tcp_;
  std::thread thread_;
};

}  // namespace holdfast::server
