// TcpConnection: one DNS-over-TCP client (RFC 7766), length-framed queries answered in order.
// Internal to the server module.
#pragma once

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

// Reads whatever the client has sent into a buffer, answers every complete length-framed query
// in it in order, writes all those answers with one write, and again; so pipelined queries cost
// one read and one write per batch, not per query, and are answered in the order they came. It
// closes itself when the client closes or vanishes, sends a partial or malformed frame, makes no
// progress for idle_timeout, or has sent max_queries queries (after writing the answers due);
// then it waits for its pending operations to end and asks the owner to destroy it. Not
// thread-safe: runs on the socket's io_context thread.
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

  // Reads more of the stream after what the input buffer holds.
  void readMore();

  void onRead(const asio::error_code& ec, std::size_t bytes);

  // Answers the complete frames in the input buffer while the output buffer has room for the
  // largest answer, then writes the answers, reads on, or closes.
  void serveBuffered();

  // Answers one complete frame of `length` octets at in_begin_. False: the connection must close
  // once the answers before it are written.
  bool answerFrame(std::size_t length);

  void onWritten(const asio::error_code& ec);

  // Ends the connection once the answers due are written: at once after an error or a bad frame;
  // after the query limit gracefully, so the client reads every answer before the end of stream
  // (queries it pipelined past the limit go unanswered; RFC 7766 section 6.2.4 has it retry them).
  void finish();

  void discardInput();

  void close();

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  ConnectionSlot slot_;
  const TcpConnectionEnv& env_;
  const std::unique_ptr<std::uint8_t[]> in_;   // kInBytes: frames as read, not yet answered
  const std::unique_ptr<std::uint8_t[]> out_;  // kOutBytes: framed answers not yet written
  std::size_t in_begin_ = 0;                   // first octet not yet answered
  std::size_t in_end_ = 0;                     // end of what was read
  std::size_t out_end_ = 0;                    // end of the answers to write
  std::size_t out_answers_ = 0;                // answers in the output buffer
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point received_at_;  // when the oldest unwritten query came
  std::size_t queries_ = 0;
  int pending_ = 0;        // operations started and not completed
  bool closing_ = false;   // close once the answers in the output buffer are written
  bool graceful_ = false;  // ... with a FIN, reading and discarding until the client closes
  bool closed_ = false;
};

}  // namespace holdfast::server
