// Binding one listen address for UDP and TCP on one port, one socket per worker (SO_REUSEPORT).
// Internal to the server module.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "common/result.h"
#include "server/listen_address.h"

namespace holdfast::server {

// When port 0 is asked, how many kernel-chosen ports to try. UDP picks the port and TCP may find
// it taken by another program; a few tries make that failure vanishingly rare while a real
// shortage of ports is still reported at once.
inline constexpr int kMaxPortAttempts = 8;

// Connections the kernel queues per worker's listening socket until its accept loop takes them;
// beyond it the kernel drops new handshakes and clients retry. Enough for a burst of clients
// reconnecting at once; the kernel caps it at net.core.somaxconn.
inline constexpr int kTcpListenBacklog = 256;

// The sockets of one listen address: element i of each vector belongs to context i.
struct BoundSockets {
  std::uint16_t port = 0;
  std::vector<asio::ip::udp::socket> udp;
  std::vector<asio::ip::tcp::acceptor> tcp;  // listening
};

// Binds `address` for UDP and TCP on the same port, one socket of each per context, all sharing
// the port through SO_REUSEPORT so the kernel spreads packets and connections over the workers.
// Before that, both transports are bound once without SO_REUSEPORT, so a port already served by
// anyone (even another SO_REUSEPORT group) fails instead of silently sharing its traffic; that
// probe also picks the port when 0 is asked. IPv6 sockets are v6-only. REQUIRES: contexts is not
// empty. Errors: kIo "bind 127.0.0.1:53 (udp): Permission denied".
[[nodiscard]] Result<BoundSockets> bindListenAddress(const ListenAddress& address,
                                                     std::span<asio::io_context* const> contexts);

}  // namespace holdfast::server
