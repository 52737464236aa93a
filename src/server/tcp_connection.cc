// The per-connection loop of DNS over TCP: read frame, answer, write, with its bounds.
#include "server/tcp_connection.h"

#include <cstring>
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

// The largest frame: a prefix and a message of the largest size it can state.
constexpr std::size_t kFrameBytes = kLengthPrefixBytes + kMaxMessageBytes;

// The input buffer holds at least one whole frame of any size; the output buffer one answer of
// the largest size after any number of smaller ones, so a batch always makes progress. Pages
// are touched only as far as used, so a connection exchanging small messages keeps a few pages
// resident.
constexpr std::size_t kInBytes = kFrameBytes;
constexpr std::size_t kOutBytes = 2 * kFrameBytes;

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
      in_(std::make_unique_for_overwrite<std::uint8_t[]>(kInBytes)),
      out_(std::make_unique_for_overwrite<std::uint8_t[]>(kOutBytes)) {}

void TcpConnection::start() {
  // Pipelined answers must leave at once, not wait for the client to acknowledge the previous.
  asio::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);

  touch();
  waitDeadline();
  readMore();
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

void TcpConnection::readMore() {
  ++pending_;
  socket_.async_read_some(asio::buffer(in_.get() + in_end_, kInBytes - in_end_),
                          [this](const asio::error_code& ec, std::size_t bytes) {
                            complete([&] { onRead(ec, bytes); });
                          });
}

void TcpConnection::onRead(const asio::error_code& ec, std::size_t bytes) {
  // End of stream, or the client vanished; a partial message left in the buffer dies with it.
  if (ec) {
    close();
    return;
  }
  // Not progress yet: the idle deadline moves only when a whole query has been answered, so a
  // client trickling a frame octet by octet cannot hold the connection open.
  received_at_ = std::chrono::steady_clock::now();
  in_end_ += bytes;
  serveBuffered();
}

void TcpConnection::serveBuffered() {
  bool progressed = false;
  while (!closing_) {
    const std::size_t buffered = in_end_ - in_begin_;
    if (buffered < kLengthPrefixBytes) {
      break;
    }
    const std::size_t length = (std::size_t{in_[in_begin_]} << 8) | in_[in_begin_ + 1];
    if (length < kDnsHeaderBytes) {
      env_.counters.addDropped(1);
      if (logger().enabled(log::Level::kTrace)) {
        logger().trace("tcp frame too short, closing", {{"message.bytes", length}});
      }
      closing_ = true;
      break;
    }
    if (buffered < kLengthPrefixBytes + length || kOutBytes - out_end_ < kFrameBytes) {
      break;  // read the rest of the frame, or write what is answered first
    }
    if (!answerFrame(length)) {
      closing_ = true;
      break;
    }
    in_begin_ += kLengthPrefixBytes + length;
    progressed = true;
    if (env_.max_queries != 0 && queries_ >= env_.max_queries) {
      logger().trace("tcp query limit reached, closing");
      closing_ = true;
      graceful_ = true;
    }
  }

  if (progressed) {
    touch();
  }
  if (out_end_ > 0) {
    ++pending_;
    asio::async_write(socket_, asio::buffer(out_.get(), out_end_),
                      [this](const asio::error_code& ec, std::size_t /*bytes*/) {
                        complete([&] { onWritten(ec); });
                      });
    return;
  }
  if (closing_) {
    finish();
    return;
  }

  // Keep the unanswered part (a frame's beginning) at the front, so the rest of it fits.
  if (in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  readMore();
}

bool TcpConnection::answerFrame(std::size_t length) {
  ++queries_;
  env_.counters.addReceived(1);
  const std::span<const std::uint8_t> query(in_.get() + in_begin_ + kLengthPrefixBytes, length);
  const std::span<std::uint8_t> response(out_.get() + out_end_ + kLengthPrefixBytes,
                                         kMaxMessageBytes);
  const std::size_t answer = env_.handler.handle(query, response, Transport::kTcp);
  if (answer == 0) {
    env_.counters.addDropped(1);
    return true;
  }
  if (answer > response.size()) {
    env_.counters.addDropped(1);
    return false;
  }
  env_.queries.countAnswer(response.first(answer));
  out_[out_end_] = static_cast<std::uint8_t>(answer >> 8);
  out_[out_end_ + 1] = static_cast<std::uint8_t>(answer & 0xff);
  out_end_ += kLengthPrefixBytes + answer;
  ++out_answers_;
  return true;
}

void TcpConnection::onWritten(const asio::error_code& ec) {
  if (ec) {
    env_.counters.addDropped(out_answers_);
    close();
    return;
  }
  env_.counters.addSent(out_answers_);
  const auto now = touch();
  // The answers of a batch count from the read that brought their queries.
  env_.queries.countLatency(now - received_at_, out_answers_);
  out_end_ = 0;
  out_answers_ = 0;
  if (closing_) {
    finish();
    return;
  }
  serveBuffered();
}

void TcpConnection::finish() {
  if (!graceful_) {
    close();
    return;
  }
  // Closing a socket with unread queries makes the kernel reset the connection, and the client
  // would lose the answers just written. Instead: FIN after the last answer, then read and
  // discard until the client closes too, bounded by the idle deadline (not moved any more).
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  discardInput();
}

void TcpConnection::discardInput() {
  ++pending_;
  socket_.async_read_some(asio::buffer(in_.get(), kInBytes),
                          [this](const asio::error_code& ec, std::size_t /*bytes*/) {
                            complete([&] {
                              if (ec) {
                                close();
                              } else {
                                discardInput();
                              }
                            });
                          });
}

void TcpConnection::close() {
  closed_ = true;
  asio::error_code ignored;
  socket_.close(ignored);
  // Cannot fail for a steady_timer; the throwing overload is the only one without deprecation.
  timer_.cancel();
}

}  // namespace holdfast::server
