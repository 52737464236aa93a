// Batched UDP receive and send.
#include "server/udp_batch.h"

#include <errno.h>

namespace holdfast::server {

UdpBatch::UdpBatch()
    : queries_(std::make_unique_for_overwrite<std::uint8_t[]>(kUdpBatchSize * kUdpSlotBytes)),
      responses_(std::make_unique_for_overwrite<std::uint8_t[]>(kUdpBatchSize * kUdpSlotBytes)) {
  for (std::size_t slot = 0; slot < kUdpBatchSize; ++slot) {
    query_iov_[slot] = iovec{queries_.get() + slot * kUdpSlotBytes, kUdpSlotBytes};
    msghdr& header = queries_in_[slot].msg_hdr;
    header.msg_name = &peers_[slot];
    header.msg_iov = &query_iov_[slot];
    header.msg_iovlen = 1;
  }
}

std::size_t UdpBatch::receive(int fd, int& error) noexcept {
  replies_ = 0;
  error = 0;
  for (mmsghdr& message : queries_in_) {
    message.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    message.msg_hdr.msg_flags = 0;
  }
  int received = 0;
  do {
    received = ::recvmmsg(fd, queries_in_.data(), kUdpBatchSize, MSG_DONTWAIT, nullptr);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      error = errno;
    }
    return 0;
  }
  return static_cast<std::size_t>(received);
}

void UdpBatch::queueReply(std::size_t slot, std::size_t length) noexcept {
  reply_iov_[replies_] = iovec{responses_.get() + slot * kUdpSlotBytes, length};
  msghdr& reply = replies_out_[replies_].msg_hdr;
  reply.msg_name = &peers_[slot];
  reply.msg_namelen = queries_in_[slot].msg_hdr.msg_namelen;
  reply.msg_iov = &reply_iov_[replies_];
  reply.msg_iovlen = 1;
  ++replies_;
}

UdpSendResult UdpBatch::sendQueued(int fd) noexcept {
  UdpSendResult result;
  std::size_t next = 0;
  while (next < replies_) {
    const int sent = ::sendmmsg(fd, replies_out_.data() + next,
                                static_cast<unsigned int>(replies_ - next), MSG_DONTWAIT);
    if (sent > 0) {
      result.sent += static_cast<std::size_t>(sent);
      next += static_cast<std::size_t>(sent);
      continue;
    }
    const int error = sent < 0 ? errno : EIO;
    if (error == EINTR) {
      continue;
    }
    if (result.first_error == 0) {
      result.first_error = error;
    }
    // Limitation: a full socket send buffer drops the rest of the batch instead of waiting for
    // the socket to become writable; the clients retry, as UDP clients of DNS must.
    if (error == EAGAIN || error == EWOULDBLOCK || sent == 0) {
      result.dropped += replies_ - next;
      break;
    }
    // This reply's destination was refused by the kernel: skip it.
    ++result.dropped;
    ++next;
  }
  replies_ = 0;
  return result;
}

}  // namespace holdfast::server
