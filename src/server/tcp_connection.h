// TcpConnection: one DNS-over-TCP client (RFC 7766), length-framed queries answered in order.
// Internal to the server module.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <asio/error_code.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include "server/connection_limit.h"
#include "server/query_handler.h"
#include "server/server_stats.h"

namespace holdfast::server {

class TcpConnection;

// Owns connections and destroys them when they finish. Called on the connection's thread.
class TcpConnectionOwner {
public:
  virtual ~TcpConnectionOwner() = default;

  // Destroys `connection`, which has no operation pending. Called once per connection.
  virtual void release(TcpConnection& connection) noexcept = 0;
};

// What every connection of a listener shares; it must outlive them.
struct TcpConnectionEnv {
  QueryHandler& handler;
  TcpConnectionOwner& owner;
  TransportCounters& counters;
  QueryCounters& queries;
  std::chrono::milliseconds idle_timeout;  // see ServerOptions::tcp_idle_timeout
  std::size_t max_queries;                 // see ServerOptions::max_tcp_queries_per_connection
};

// Reads a 2-byte length and a message, asks the handler, writes the answer, and again, so
// pipelined queries are answered in the order they came. It closes itself when the client
// closes or vanishes, sends a partial or malformed frame, makes no progress for idle_timeout, or
// has sent max_queries queries; then it waits for its pending operations to end and asks the
// owner to destroy it. Not thread-safe: runs on the socket's io_context thread.
class TcpConnection {
public:
  // `slot` is the place this connection holds in the server's connection limit.
  TcpConnection(asio::ip::tcp::socket socket, ConnectionSlot slot, const TcpConnectionEnv& env);

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void start();

private:
  // Runs a completion: counts the operation done, runs `step` unless closed, and hands the
  // connection to its owner once closed with nothing pending. `*this` may be gone afterwards.
  template <typename Step>
  void complete(Step step);

  // Moves the idle deadline to idle_timeout from now; returns now.
  std::chrono::steady_clock::time_point touch();

  void waitDeadline();

  void onDeadline(const asio::error_code& ec);

  void readLength();

  void onLength(const asio::error_code& ec);

  void onMessage(const asio::error_code& ec, std::size_t length);

  void onWritten(const asio::error_code& ec);

  void close();

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  ConnectionSlot slot_;
  const TcpConnectionEnv& env_;
  const std::unique_ptr<std::uint8_t[]> query_;  // kMaxMessageBytes
  const std::unique_ptr<std::uint8_t[]> reply_;  // length prefix + kMaxMessageBytes
  std::array<std::uint8_t, 2> length_{};
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point received_at_;  // when the query being answered arrived
  std::size_t queries_ = 0;
  int pending_ = 0;  // operations started and not completed
  bool closed_ = false;
};

}  // namespace holdfast::server
