// UdpBatch: the buffers and message headers of batched UDP receive and send (recvmmsg,
// sendmmsg), shared by the authoritative server's and the resolver's UDP front ends.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace holdfast::server {

// Datagrams taken per recvmmsg call and answered per sendmmsg call. Larger batches save system
// calls under load; each slot holds a query and a response buffer of kUdpSlotBytes (touched only
// as far as used), so 16 slots bound the buffers to 2 MiB of address space per socket.
inline constexpr std::size_t kUdpBatchSize = 16;

// A slot's buffer size: the largest UDP payload.
inline constexpr std::size_t kUdpSlotBytes = 65535;

// Batches served per turn before the loop yields to the worker's other sockets and
// connections, so that a flooded socket cannot starve them.
inline constexpr int kUdpBatchesPerTurn = 8;

// What one sendmmsg round did with the queued replies.
struct UdpSendResult {
  std::size_t sent = 0;
  std::size_t dropped = 0;  // refused by the kernel, or left when the send buffer was full
  int first_error = 0;      // errno of the first failure, 0 if none
};

// One socket's batch: received datagrams in slots, replies queued from slots. Its buffers are
// allocated once; nothing is allocated per datagram. Not thread-safe: belongs to one socket's
// loop.
class UdpBatch {
public:
  UdpBatch();

  UdpBatch(const UdpBatch&) = delete;
  UdpBatch& operator=(const UdpBatch&) = delete;

  // Receives up to kUdpBatchSize datagrams from `fd` without waiting and forgets any replies
  // queued before. Returns how many arrived; 0 when none is waiting, and also on an error
  // (then `error` holds errno; EAGAIN is not an error and leaves it 0).
  [[nodiscard]] std::size_t receive(int fd, int& error) noexcept;

  // The datagram in `slot`, valid until the next receive().
  [[nodiscard]] std::span<const std::uint8_t> query(std::size_t slot) const noexcept {
    return {queries_.get() + slot * kUdpSlotBytes, queries_in_[slot].msg_len};
  }

  // True when the datagram in `slot` was larger than the slot and arrived cut short.
  [[nodiscard]] bool truncated(std::size_t slot) const noexcept {
    return (queries_in_[slot].msg_hdr.msg_flags & MSG_TRUNC) != 0;
  }

  [[nodiscard]] const sockaddr* peer(std::size_t slot) const noexcept {
    return reinterpret_cast<const sockaddr*>(&peers_[slot]);
  }

  [[nodiscard]] socklen_t peerLength(std::size_t slot) const noexcept {
    return queries_in_[slot].msg_hdr.msg_namelen;
  }

  // Where the reply to the datagram in `slot` is written (kUdpSlotBytes).
  [[nodiscard]] std::span<std::uint8_t> replyBuffer(std::size_t slot) const noexcept {
    return {responses_.get() + slot * kUdpSlotBytes, kUdpSlotBytes};
  }

  // Queues the first `length` octets of slot's reply buffer for its datagram's sender.
  // REQUIRES: 0 < length <= kUdpSlotBytes; each slot queued at most once per batch.
  void queueReply(std::size_t slot, std::size_t length) noexcept;

  [[nodiscard]] std::size_t queuedReplies() const noexcept { return replies_; }

  // Sends every queued reply with as few sendmmsg calls as the kernel allows, then forgets them.
  // A full send buffer drops the rest (the clients retry, as UDP clients of DNS must); a reply the
  // kernel refuses (unreachable, not permitted) is skipped.
  UdpSendResult sendQueued(int fd) noexcept;

private:
  const std::unique_ptr<std::uint8_t[]> queries_;
  const std::unique_ptr<std::uint8_t[]> responses_;
  std::array<sockaddr_storage, kUdpBatchSize> peers_{};
  std::array<iovec, kUdpBatchSize> query_iov_{};
  std::array<mmsghdr, kUdpBatchSize> queries_in_{};
  std::array<iovec, kUdpBatchSize> reply_iov_{};
  std::array<mmsghdr, kUdpBatchSize> replies_out_{};
  std::size_t replies_ = 0;
};

}  // namespace holdfast::server
