// Server: the authoritative DNS front end, UDP and TCP listeners served by worker threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "common/result.h"
#include "server/connection_limit.h"
#include "server/query_handler.h"
#include "server/server_stats.h"

namespace holdfast::server {

class Worker;

// Upper bound on ServerOptions::threads. Each worker holds a socket per listen address and
// transport plus about 2 MiB of UDP buffer address space per address; far more workers than
// cores only adds contention, and a typo such as 10000 should fail at start.
inline constexpr std::size_t kMaxServerThreads = 256;

struct ServerOptions {
  // Addresses to serve on UDP and TCP: "127.0.0.1:5300", "[::1]:5300"; port 0 lets the kernel
  // choose one port, shared by UDP and TCP of that entry.
  std::vector<std::string> listen;

  // Worker threads; each has its own socket per address (SO_REUSEPORT), so the kernel spreads
  // the load. From 1 to kMaxServerThreads.
  std::size_t threads = 2;

  // A TCP connection that makes no progress for this long is closed: each open connection holds
  // a descriptor and buffers, and RFC 7766 section 6.2.3 has servers close idle ones after
  // seconds. It also bounds the time to receive one message and to write one answer.
  std::chrono::milliseconds tcp_idle_timeout{10000};

  // Open TCP connections over all workers, so descriptors and memory stay bounded under load or
  // attack. Beyond it a new connection is closed at once (counted as refused); clients retry.
  std::size_t max_tcp_connections = 512;

  // Queries answered on one TCP connection before it is closed gracefully (the answers due are
  // written, then a FIN); the client reconnects, possibly to another worker. 0: no limit, as in
  // Knot DNS and NSD: a pipelining client loses the queries it sent past the limit and waits for
  // its timeout to retry them, so a limit costs busy clients answers.
  std::size_t max_tcp_queries_per_connection = 0;
};

// Serves DNS over UDP and TCP on every listen address, with `threads` workers, each running its
// own event loop over its own sockets. Every message goes to the QueryHandler, which must be
// thread-safe. All methods are thread-safe, but none may be called from inside the handler.
class Server {
  // Only start() can make one, so only start() can construct a Server.
  struct Passkey {
    explicit Passkey() = default;
  };

public:
  // Binds every address for UDP and TCP, then starts the workers. Errors: kConfig for bad
  // options, kIo naming the address and the OS reason ("bind 127.0.0.1:53 (udp): Permission
  // denied"), kInternal when threads cannot start. `handler` must outlive the server.
  [[nodiscard]] static Result<std::unique_ptr<Server>> start(const ServerOptions& options,
                                                             QueryHandler& handler);

  // Use start().
  Server(Passkey key, std::size_t max_tcp_connections);

  // Stops the server.
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound UDP endpoints, one per listen entry in order, with the actual ports. Still
  // available after stop().
  [[nodiscard]] std::vector<asio::ip::udp::endpoint> udpEndpoints() const;

  // The bound TCP endpoints, one per listen entry in order; each shares the port of its UDP one.
  [[nodiscard]] std::vector<asio::ip::tcp::endpoint> tcpEndpoints() const;

  // Counters summed over the workers; after stop(), their final values.
  [[nodiscard]] ServerStats stats() const;

  // Stops the workers, joins their threads and closes every socket and connection. Idempotent.
  void stop() noexcept;

private:
  ConnectionLimit connection_limit_;
  std::vector<asio::ip::udp::endpoint> udp_endpoints_;  // immutable once started
  std::vector<asio::ip::tcp::endpoint> tcp_endpoints_;  // immutable once started

  mutable std::mutex mutex_;
  bool stopped_ = false;                          // guarded by mutex_
  std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mutex_ once started
  ServerStats final_stats_;                       // guarded by mutex_
};

}  // namespace holdfast::server
