// The client side of the resolver: UDP and TCP listeners that hand queries to a Forwarder.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "common/log.h"
#include "resolver/allow_list.h"
#include "resolver/forwarder.h"
#include "server/udp_batch.h"

namespace holdfast::resolver {

// TCP clients per worker. Each holds a descriptor and buffers; beyond the bound new
// connections are closed at once and the client retries (RFC 7766 section 6.2.2 allows it).
inline constexpr std::size_t kMaxTcpClientsPerWorker = 256;

// A TCP client that sends nothing for this long is closed (RFC 7766 section 6.2.3 suggests
// seconds), so idle connections cannot hold descriptors.
inline constexpr std::chrono::seconds kTcpClientIdleTimeout{10};

// What the listeners of one worker share. The allow list is swapped on reload by the worker's
// own thread, so reading it needs no lock.
struct FrontendContext {
  Forwarder& forwarder;
  std::shared_ptr<const AllowList>& allow;
  ResolverStats& stats;  // answers and their latency are counted as they are sent
};

// Receives datagrams in batches (recvmmsg) and answers those the forwarder can answer at once
// (cache hits, refusals) in one sendmmsg per batch; answers that need upstreams are sent one by
// one when they come. Not thread-safe: runs on its socket's io_context thread. Must outlive the
// forwarder's responders (the worker destroys the forwarder first).
class UdpFrontend {
public:
  UdpFrontend(asio::ip::udp::socket socket, FrontendContext context);

  UdpFrontend(const UdpFrontend&) = delete;
  UdpFrontend& operator=(const UdpFrontend&) = delete;

  void start();

private:
  void waitReadable();
  void onReadable(const asio::error_code& ec);
  void serveTurn();
  void answerBatch(std::size_t received);

  asio::ip::udp::socket socket_;
  FrontendContext context_;
  server::UdpBatch batch_;
  asio::ip::udp::endpoint peer_;                      // of the datagram being handled
  std::chrono::steady_clock::time_point received_{};  // when its batch arrived
  std::function<Responder()> make_responder_;
  log::Logger log_{"resolver.udp"};
};

// Accepts TCP clients and serves each with length-framed queries (RFC 1035 section 4.2.2), one
// at a time per connection.
// Limitation: pipelined queries are read only after the previous answer is written, so one slow
// upstream question delays the next on that connection (RFC 7766 section 6.2.1.1 allows
// out-of-order answers; they are not used yet).
class TcpFrontend {
public:
  TcpFrontend(asio::ip::tcp::acceptor acceptor, FrontendContext context);

  TcpFrontend(const TcpFrontend&) = delete;
  TcpFrontend& operator=(const TcpFrontend&) = delete;

  void start();

private:
  void accept();

  asio::ip::tcp::acceptor acceptor_;
  FrontendContext context_;
  std::shared_ptr<std::size_t> active_ = std::make_shared<std::size_t>(0);
  log::Logger log_{"resolver.tcp"};
};

}  // namespace holdfast::resolver
