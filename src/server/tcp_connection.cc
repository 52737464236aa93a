// The per-connection loop of DNS over TCP: read frame, answer, write, with its bounds.
#include "server/tcp_connection.h"

#include <span>
#include <utility>

#include <asio/buffer.hpp>
#include <asio/read.hpp>
#include <asio/socket_base.hpp>
#include <asio/write.hpp>

#include "common/log.h"

namespace holdfast::server {

namespace {

// RFC 1035 section 4.2.2: every message is preceded by its length in two bytes.
constexpr std::size_t kLengthPrefixBytes = 2;

// RFC 1035 section 4.1.1: a message is at least its 12-byte header. A shorter frame cannot hold
// a query, and a stream cannot be resynchronised after a bad frame, so the connection closes.
constexpr std::size_t kDnsHeaderBytes = 12;

const log::Logger& logger() {
  static const log::Logger instance("server.tcp");
  return instance;
}

}  // namespace

TcpConnection::TcpConnection(asio::ip::tcp::socket socket,
                             ConnectionSlot slot,
                             const TcpConnectionEnv& env)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      slot_(std::move(slot)),
      env_(env),
      query_(std::make_unique_for_overwrite<std::uint8_t[]>(kMaxMessageBytes)),
      reply_(
          std::make_unique_for_overwrite<std::uint8_t[]>(kLengthPrefixBytes + kMaxMessageBytes)) {}

void TcpConnection::start() {
  // Pipelined answers must leave at once, not wait for the client to acknowledge the previous.
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);

  touch();
  waitDeadline();
  readLength();
}

template <typename Step>
void TcpConnection::complete(Step step) {
  --pending_;
  if (!closed_) {
    step();
  }
  if (closed_ && pending_ == 0) {
    env_.owner.release(*this);
  }
}

std::chrono::steady_clock::time_point TcpConnection::touch() {
  const auto now = std::chrono::steady_clock::now();
  deadline_ = now + env_.idle_timeout;
  return now;
}

// One timer wait at a time that re-arms itself to the latest deadline, instead of cancelling and
// restarting a wait for every read and write.
void TcpConnection::waitDeadline() {
  timer_.expires_at(deadline_);
  ++pending_;
  timer_.async_wait([this](const asio::error_code& ec) { complete([&] { onDeadline(ec); }); });
}

void TcpConnection::onDeadline(const asio::error_code& ec) {
  if (!ec && std::chrono::steady_clock::now() >= deadline_) {
    logger().trace("tcp connection idle, closing");
    close();
    return;
  }
  waitDeadline();
}

// Limitation: two reads per message (the prefix, then the body) rather than reading ahead into a
// buffer that may hold several pipelined queries; TCP carries a small share of DNS traffic.
void TcpConnection::readLength() {
  if (queries_ >= env_.max_queries) {
    logger().trace("tcp query limit reached, closing");
    close();
    return;
  }
  ++pending_;
  asio::async_read(socket_, asio::buffer(length_),
                   [this](const asio::error_code& ec, std::size_t /*bytes*/) {
                     complete([&] { onLength(ec); });
                   });
}

void TcpConnection::onLength(const asio::error_code& ec) {
  // End of stream between messages is the normal end; any other error means the client vanished.
  if (ec) {
    close();
    return;
  }

  const std::size_t length = (std::size_t{length_[0]} << 8) | length_[1];
  if (length < kDnsHeaderBytes) {
    env_.counters.addDropped(1);
    if (logger().enabled(log::Level::kTrace)) {
      logger().trace("tcp frame too short, closing", {{"message.bytes", length}});
    }
    close();
    return;
  }

  ++pending_;
  asio::async_read(socket_, asio::buffer(query_.get(), length),
                   [this](const asio::error_code& read_ec, std::size_t bytes) {
                     complete([&] { onMessage(read_ec, bytes); });
                   });
}

void TcpConnection::onMessage(const asio::error_code& ec, std::size_t length) {
  // A partial message: the client closed or vanished in the middle of a query.
  if (ec) {
    close();
    return;
  }
  ++queries_;
  env_.counters.addReceived(1);
  received_at_ = std::chrono::steady_clock::now();

  const std::span<std::uint8_t> response(reply_.get() + kLengthPrefixBytes, kMaxMessageBytes);
  const std::size_t answer = env_.handler.handle(
      std::span<const std::uint8_t>(query_.get(), length), response, Transport::kTcp);
  if (answer == 0) {
    env_.counters.addDropped(1);
    touch();
    readLength();
    return;
  }
  if (answer > response.size()) {
    env_.counters.addDropped(1);
    close();
    return;
  }

  env_.queries.countAnswer(response.first(answer));
  reply_[0] = static_cast<std::uint8_t>(answer >> 8);
  reply_[1] = static_cast<std::uint8_t>(answer & 0xff);
  touch();
  ++pending_;
  asio::async_write(socket_, asio::buffer(reply_.get(), kLengthPrefixBytes + answer),
                    [this](const asio::error_code& write_ec, std::size_t /*bytes*/) {
                      complete([&] { onWritten(write_ec); });
                    });
}

void TcpConnection::onWritten(const asio::error_code& ec) {
  if (ec) {
    env_.counters.addDropped(1);
    close();
    return;
  }
  env_.counters.addSent(1);
  const auto now = touch();
  env_.queries.countLatency(now - received_at_);
  readLength();
}

// Limitation: closing with pipelined queries still unread makes the kernel reset the connection,
// so a client past max_queries may lose answers in flight; RFC 7766 section 6.2.4 has clients
// retry queries left unanswered by a closed connection.
void TcpConnection::close() {
  closed_ = true;
  asio::error_code ignored;
  socket_.close(ignored);
  // Cannot fail for a steady_timer; the throwing overload is the only one without deprecation.
  timer_.cancel();
}

}  // namespace holdfast::server
