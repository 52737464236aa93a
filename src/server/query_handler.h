// QueryHandler: the interface the network front ends call for every DNS message they receive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace holdfast::server {

// The transport a message arrived on; the handler decides truncation from it (RFC 1035
// section 4.2.1: answers over UDP that do not fit the client's size set the TC bit).
enum class Transport {
  kUdp,
  kTcp,
};

// Size of both buffers handed to the handler: the largest DNS message a 16-bit TCP length prefix
// can frame (RFC 1035 section 4.2.2). UDP payloads are never larger.
inline constexpr std::size_t kMaxMessageBytes = 65535;

// Answers one DNS message. Called concurrently from every worker thread, so implementations must
// be thread-safe; a call that blocks stalls every socket of its worker.
class QueryHandler {
public:
  virtual ~QueryHandler() = default;

  // Writes the answer to `query` into `response` (kMaxMessageBytes long) and returns its length;
  // 0 means send nothing. A length above response.size() is a handler bug: the front end drops
  // the message. `query` and `response` are valid only for the duration of the call.
  virtual std::size_t handle(std::span<const std::uint8_t> query,
                             std::span<std::uint8_t> response,
                             Transport transport) noexcept = 0;
};

}  // namespace holdfast::server
