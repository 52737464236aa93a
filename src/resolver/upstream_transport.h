// UpstreamTransport: the injectable way queries reach upstreams and replies come back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include <asio/ip/address.hpp>

#include "resolver/upstream.h"

namespace holdfast::resolver {

enum class Protocol {
  kUdp,
  kTcp,
};

// Why an exchange ended without a message.
enum class ExchangeError {
  kRefused,  // ICMP port unreachable or TCP RST: nobody listens there
  kClosed,   // the TCP connection closed or reset before a reply
  kIo,       // any other socket error
};

struct ExchangeCallbacks {
  // Every message received for the exchange, with the address and port it came from; the
  // forwarder drops those that do not match. The bytes are valid only during the call.
  std::function<void(std::span<const std::uint8_t>, const asio::ip::address&, std::uint16_t)>
      on_message;
  // Called at most once; no message follows it.
  std::function<void(ExchangeError)> on_error;
};

// One query on the wire. Destroying it closes its socket; no callback runs afterwards.
class Exchange {
public:
  virtual ~Exchange() = default;
};

// Starts exchanges; callbacks run later on the caller's event loop, never inside start(). Not
// thread-safe: one transport per event loop.
class UpstreamTransport {
public:
  virtual ~UpstreamTransport() = default;

  // Sends `query` (copied) to `upstream` over `protocol`: over UDP from a fresh socket with a
  // port chosen at random by the kernel (RFC 5452 section 9.2), over TCP on a new connection
  // with the RFC 1035 section 4.2.2 length prefix.
  [[nodiscard]] virtual std::unique_ptr<Exchange> start(const Upstream& upstream,
                                                        Protocol protocol,
                                                        std::span<const std::uint8_t> query,
                                                        ExchangeCallbacks callbacks) = 0;
};

}  // namespace holdfast::resolver
