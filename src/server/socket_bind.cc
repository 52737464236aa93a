// Binds the per-worker SO_REUSEPORT socket groups of one listen address.
#include "server/socket_bind.h"

#include <errno.h>
#include <sys/socket.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <asio/error.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/socket_base.hpp>

namespace holdfast::server {

namespace {

using Tcp = asio::ip::tcp;
using Udp = asio::ip::udp;

enum class Sharing {
  kExclusive,  // a plain bind: fails if anyone holds the port
  kReusePort,  // joins the group of our other workers' sockets
};

// The outcome of one attempt: the sockets, or the OS error with the port and transport it hit.
struct Attempt {
  BoundSockets sockets;
  asio::error_code ec;
  std::uint16_t port = 0;
  std::string_view transport;
};

asio::error_code setReusePort(int fd) {
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0) {
    return asio::error_code(errno, asio::system_category());
  }
  return {};
}

// Opens `socket` (a UDP socket or TCP acceptor) for the endpoint's family and binds it.
template <typename Socket, typename Endpoint>
asio::error_code openAndBind(Socket& socket, const Endpoint& endpoint, Sharing sharing) {
  asio::error_code ec;
  socket.open(endpoint.protocol(), ec);
  if (ec) {
    return ec;
  }

  // v6-only lets "[::]:53" and "0.0.0.0:53" be listed together.
  if (endpoint.address().is_v6()) {
    socket.set_option(asio::ip::v6_only(true), ec);
    if (ec) {
      return ec;
    }
  }

  // Lets a restarted server bind while old connections linger in TIME_WAIT.
  if constexpr (std::is_same_v<Socket, Tcp::acceptor>) {
    socket.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) {
      return ec;
    }
  }
  if (sharing == Sharing::kReusePort) {
    ec = setReusePort(socket.native_handle());
    if (ec) {
      return ec;
    }
  }
  socket.bind(endpoint, ec);
  return ec;
}

// Binds UDP then TCP exclusively, then lets both go: finds a port free for both transports.
Attempt probePort(const ListenAddress& listen, asio::io_context& context) {
  Attempt attempt;
  Udp::socket udp(context);
  attempt.port = listen.port;
  attempt.transport = "udp";
  attempt.ec = openAndBind(udp, Udp::endpoint(listen.address, listen.port), Sharing::kExclusive);
  if (attempt.ec) {
    return attempt;
  }
  attempt.port = udp.local_endpoint(attempt.ec).port();
  if (attempt.ec) {
    return attempt;
  }

  Tcp::acceptor tcp(context);
  attempt.transport = "tcp";
  attempt.ec = openAndBind(tcp, Tcp::endpoint(listen.address, attempt.port), Sharing::kExclusive);
  return attempt;
}

// Binds one UDP socket and one listening TCP socket per context on the probed port.
Attempt bindGroup(const ListenAddress& listen,
                  std::uint16_t port,
                  std::span<asio::io_context* const> contexts) {
  Attempt attempt;
  attempt.port = port;
  attempt.sockets.port = port;
  for (asio::io_context* const context : contexts) {
    Udp::socket& udp = attempt.sockets.udp.emplace_back(*context);
    attempt.transport = "udp";
    attempt.ec = openAndBind(udp, Udp::endpoint(listen.address, port), Sharing::kReusePort);
    if (attempt.ec) {
      return attempt;
    }

    Tcp::acceptor& tcp = attempt.sockets.tcp.emplace_back(*context);
    attempt.transport = "tcp";
    attempt.ec = openAndBind(tcp, Tcp::endpoint(listen.address, port), Sharing::kReusePort);
    if (attempt.ec) {
      return attempt;
    }
    tcp.listen(kTcpListenBacklog, attempt.ec);
    if (attempt.ec) {
      return attempt;
    }
  }
  return attempt;
}

Attempt tryBind(const ListenAddress& listen, std::span<asio::io_context* const> contexts) {
  Attempt probe = probePort(listen, *contexts.front());
  if (probe.ec) {
    return probe;
  }
  // Limitation: another program could take the port between the probe closing and the group
  // binding; with an explicit port that fails with "Address already in use", with port 0 the
  // next attempt picks another port.
  return bindGroup(listen, probe.port, contexts);
}

}  // namespace

Result<BoundSockets> bindListenAddress(const ListenAddress& address,
                                       std::span<asio::io_context* const> contexts) {
  const int attempts = address.port == 0 ? kMaxPortAttempts : 1;
  Attempt last;
  for (int i = 0; i < attempts; ++i) {
    last = tryBind(address, contexts);
    if (!last.ec) {
      return std::move(last.sockets);
    }
    if (last.ec != asio::error::address_in_use) {
      break;
    }
  }

  std::string message = "bind " + formatEndpoint(address.address, last.port) + " (" +
                        std::string(last.transport) + "): " + last.ec.message();
  if (address.port == 0 && last.ec == asio::error::address_in_use) {
    message += "; no port was free for both UDP and TCP after " + std::to_string(kMaxPortAttempts) +
               " attempts";
  }
  return makeError(Errc::kIo, std::move(message));
}

}  // namespace holdfast::server
