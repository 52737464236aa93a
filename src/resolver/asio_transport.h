// AsioTransport: upstream exchanges over real UDP and TCP sockets.
#pragma once

#include <asio/io_context.hpp>

#include "resolver/upstream_transport.h"

namespace holdfast::resolver {

// Each UDP exchange opens its own socket and connects it to the upstream: the kernel picks a
// random source port (RFC 5452 section 9.2), drops datagrams from any other address and port
// (the source check), and reports ICMP port unreachable as an error at once. Each TCP exchange
// opens its own connection and reads one length-framed reply. Not thread-safe: one per
// io_context, used from its thread.
class AsioTransport final : public UpstreamTransport {
public:
  explicit AsioTransport(asio::io_context& context) : context_(context) {}

  [[nodiscard]] std::unique_ptr<Exchange> start(const Upstream& upstream,
                                                Protocol protocol,
                                                std::span<const std::uint8_t> query,
                                                ExchangeCallbacks callbacks) override;

private:
  asio::io_context& context_;
};

}  // namespace holdfast::resolver
