// The batched UDP receive loop: recvmmsg, the handler, sendmmsg.
#include "server/udp_listener.h"

#include <errno.h>

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
    : socket_(std::move(socket)),
      handler_(handler),
      queries_(std::make_unique_for_overwrite<std::uint8_t[]>(kUdpBatchSize * kMaxMessageBytes)),
      responses_(std::make_unique_for_overwrite<std::uint8_t[]>(kUdpBatchSize * kMaxMessageBytes)) {
  for (std::size_t slot = 0; slot < kUdpBatchSize; ++slot) {
    query_iov_[slot] = iovec{queryBuffer(slot), kMaxMessageBytes};
    msghdr& header = queries_in_[slot].msg_hdr;
    header.msg_name = &peers_[slot];
    header.msg_iov = &query_iov_[slot];
    header.msg_iovlen = 1;
  }
}

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
  for (mmsghdr& message : queries_in_) {
    message.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    message.msg_hdr.msg_flags = 0;
  }

  int received = 0;
  do {
    received = ::recvmmsg(socket_.native_handle(), queries_in_.data(), kUdpBatchSize, MSG_DONTWAIT,
                          nullptr);
  } while (received < 0 && errno == EINTR);

  // Errors other than an empty queue (ENOMEM) also end the turn, rather than spinning on them;
  // the next datagram to arrive wakes the loop again.
  if (received < 0) {
    const int error = errno;
    if (error != EAGAIN && error != EWOULDBLOCK) {
      log_.debug("udp receive failed", {{"error.message", errnoMessage(error)}});
    }
    return 0;
  }
  counters_.addReceived(static_cast<std::uint64_t>(received));
  received_at_ = std::chrono::steady_clock::now();
  return static_cast<std::size_t>(received);
}

void UdpListener::answerBatch(std::size_t received) {
  std::size_t replies = 0;
  std::uint64_t dropped = 0;
  for (std::size_t slot = 0; slot < received; ++slot) {
    const mmsghdr& query = queries_in_[slot];

    // A datagram larger than the buffer arrived cut short; it cannot be answered correctly.
    if ((query.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
      ++dropped;
      continue;
    }

    const std::span<std::uint8_t> response(responseBuffer(slot), kMaxMessageBytes);
    const std::size_t length = handler_.handle(
        std::span<const std::uint8_t>(queryBuffer(slot), query.msg_len), response, Transport::kUdp);
    if (length == 0 || length > response.size()) {
      ++dropped;
      continue;
    }

    answer_counters_.countAnswer(response.first(length));
    reply_iov_[replies] = iovec{response.data(), length};
    msghdr& reply = replies_out_[replies].msg_hdr;
    reply.msg_name = &peers_[slot];
    reply.msg_namelen = query.msg_hdr.msg_namelen;
    reply.msg_iov = &reply_iov_[replies];
    reply.msg_iovlen = 1;
    ++replies;
  }

  counters_.addDropped(dropped);
  sendReplies(replies);

  // Every answer of the batch waited for the whole batch: one clock read covers them all.
  answer_counters_.countLatency(std::chrono::steady_clock::now() - received_at_, replies);
  if (log_.enabled(log::Level::kTrace)) {
    log_.trace("udp batch served", {{"packets.received", received}, {"packets.answered", replies}});
  }
}

void UdpListener::sendReplies(std::size_t count) {
  std::size_t next = 0;
  while (next < count) {
    const int sent = ::sendmmsg(socket_.native_handle(), replies_out_.data() + next,
                                static_cast<unsigned int>(count - next), MSG_DONTWAIT);
    if (sent > 0) {
      counters_.addSent(static_cast<std::uint64_t>(sent));
      next += static_cast<std::size_t>(sent);
      continue;
    }
    const int error = sent < 0 ? errno : EIO;
    if (error == EINTR) {
      continue;
    }

    // Limitation: a full socket send buffer drops the rest of the batch instead of waiting for
    // the socket to become writable; the clients retry, as UDP clients of DNS must.
    if (error == EAGAIN || error == EWOULDBLOCK || sent == 0) {
      counters_.addDropped(count - next);
      if (log_.enabled(log::Level::kTrace)) {
        log_.trace("udp send buffer full", {{"packets.dropped", count - next}});
      }
      return;
    }

    // This reply's destination was refused by the kernel (unreachable, not permitted): skip it.
    counters_.addDropped(1);
    if (log_.enabled(log::Level::kTrace)) {
      log_.trace("udp send failed", {{"error.message", errnoMessage(error)}});
    }
    ++next;
  }
}

}  // namespace holdfast::server
