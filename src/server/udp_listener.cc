// The batched UDP receive loop: recvmmsg, the handler, sendmmsg.
#include "server/udp_listener.h"

#include <span>
#include <utility>

#include <asio/post.hpp>
#include <asio/socket_base.hpp>

namespace holdfast::server {

namespace {

std::string errnoMessage(int error) {
  return asio::error_code(error, asio::system_category()).message();
}

}  // namespace

UdpListener::UdpListener(asio::ip::udp::socket socket, QueryHandler& handler)
    : socket_(std::move(socket)), handler_(handler) {}

void UdpListener::start() {
  waitReadable();
}

void UdpListener::waitReadable() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [this](const asio::error_code& ec) { onReadable(ec); });
}

void UdpListener::onReadable(const asio::error_code& ec) {
  if (ec == asio::error::operation_aborted) {
    return;
  }
  if (ec) {
    log_.error("udp receive loop stopped", {{"error.message", ec.message()}});
    return;
  }
  serveTurn();
}

void UdpListener::serveTurn() {
  for (int batch = 0; batch < kUdpBatchesPerTurn; ++batch) {
    const std::size_t received = receiveBatch();
    if (received == 0) {
      waitReadable();
      return;
    }
    answerBatch(received);
  }

  // More may be waiting. Asio waits for readiness edges, so the loop must not wait again before
  // the socket has been drained: continue after the worker's other ready handlers have run.
  asio::post(socket_.get_executor(), [this] { serveTurn(); });
}

std::size_t UdpListener::receiveBatch() {
  int error = 0;
  const std::size_t received = batch_.receive(socket_.native_handle(), error);
  // Errors other than an empty queue (ENOMEM) also end the turn, rather than spinning on them;
  // the next datagram to arrive wakes the loop again.
  if (error != 0) {
    log_.debug("udp receive failed", {{"error.message", errnoMessage(error)}});
  }
  if (received == 0) {
    return 0;
  }
  counters_.addReceived(received);
  received_at_ = std::chrono::steady_clock::now();
  return received;
}

void UdpListener::answerBatch(std::size_t received) {
  std::uint64_t dropped = 0;
  for (std::size_t slot = 0; slot < received; ++slot) {
    // A datagram larger than the buffer arrived cut short; it cannot be answered correctly.
    if (batch_.truncated(slot)) {
      ++dropped;
      continue;
    }
    const std::span<std::uint8_t> response = batch_.replyBuffer(slot);
    const std::size_t length = handler_.handle(batch_.query(slot), response, Transport::kUdp);
    if (length == 0 || length > response.size()) {
      ++dropped;
      continue;
    }
    answer_counters_.countAnswer(response.first(length));
    batch_.queueReply(slot, length);
  }

  counters_.addDropped(dropped);
  const std::size_t replies = batch_.queuedReplies();
  sendReplies();

  // Every answer of the batch waited for the whole batch: one clock read covers them all.
  answer_counters_.countLatency(std::chrono::steady_clock::now() - received_at_, replies);
  if (log_.enabled(log::Level::kTrace)) {
    log_.trace("udp batch served", {{"packets.received", received}, {"packets.answered", replies}});
  }
}

void UdpListener::sendReplies() {
  const UdpSendResult result = batch_.sendQueued(socket_.native_handle());
  counters_.addSent(result.sent);
  counters_.addDropped(result.dropped);
  if (result.dropped > 0 && log_.enabled(log::Level::kTrace)) {
    log_.trace("udp send failed", {{"packets.dropped", result.dropped},
                                   {"error.message", errnoMessage(result.first_error)}});
  }
}

}  // namespace holdfast::server
