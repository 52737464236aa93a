// Starting and stopping the server: options, binding, workers.
#include "server/server.h"

#include <span>
#include <string_view>
#include <utility>

#include "common/log.h"
#include "server/listen_address.h"
#include "server/socket_bind.h"
#include "server/worker.h"

namespace holdfast::server {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("server");
  return instance;
}

Error invalidOption(std::string_view message) {
  return makeError(Errc::kConfig, "server options: " + std::string(message));
}

Status validate(const ServerOptions& options) {
  if (options.listen.empty()) {
    return invalidOption("no listen address");
  }
  if (options.threads == 0 || options.threads > kMaxServerThreads) {
    return invalidOption("threads must be from 1 to " + std::to_string(kMaxServerThreads));
  }
  if (options.tcp_idle_timeout <= std::chrono::milliseconds::zero()) {
    return invalidOption("tcp_idle_timeout must be positive");
  }
  if (options.max_tcp_connections == 0) {
    return invalidOption("max_tcp_connections must be positive");
  }
  return okStatus();
}

std::string joinEndpoints(const std::vector<asio::ip::udp::endpoint>& endpoints) {
  std::string text;
  for (const auto& endpoint : endpoints) {
    text += (text.empty() ? "" : ",") + formatEndpoint(endpoint.address(), endpoint.port());
  }
  return text;
}

}  // namespace

Server::Server(Passkey /*key*/, std::size_t max_tcp_connections)
    : connection_limit_(max_tcp_connections) {}

Server::~Server() {
  stop();
}

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& options, QueryHandler& handler) {
  if (Status valid = validate(options); !valid) {
    return valid.error();
  }
  std::vector<ListenAddress> addresses;
  for (const std::string& entry : options.listen) {
    auto address = parseListenAddress(entry);
    if (!address) {
      return address.error();
    }
    addresses.push_back(*address);
  }

  // No thread runs before the workers start, so they are filled and started without the lock.
  auto server = std::make_unique<Server>(Passkey{}, options.max_tcp_connections);
  std::vector<asio::io_context*> contexts;
  for (std::size_t i = 0; i < options.threads; ++i) {
    contexts.push_back(&server->workers_.emplace_back(std::make_unique<Worker>(i))->context());
  }

  // Socket i of every address goes to worker i.
  const TcpLimits limits{options.tcp_idle_timeout, options.max_tcp_queries_per_connection};
  for (const ListenAddress& address : addresses) {
    auto bound = bindListenAddress(address, contexts);
    if (!bound) {
      return bound.error();
    }
    server->udp_endpoints_.emplace_back(address.address, bound->port);
    server->tcp_endpoints_.emplace_back(address.address, bound->port);
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      server->workers_[i]->addUdp(std::move(bound->udp[i]), handler);
      server->workers_[i]->addTcp(std::move(bound->tcp[i]), handler, limits,
                                  server->connection_limit_);
    }
  }

  for (const auto& worker : server->workers_) {
    if (Status started = worker->start(); !started) {
      return started.error();
    }
  }
  logger().info("server started", {{"listen.addresses", joinEndpoints(server->udp_endpoints_)},
                                   {"server.threads", options.threads}});
  return server;
}

std::vector<asio::ip::udp::endpoint> Server::udpEndpoints() const {
  return udp_endpoints_;
}

std::vector<asio::ip::tcp::endpoint> Server::tcpEndpoints() const {
  return tcp_endpoints_;
}

ServerStats Server::stats() const {
  const std::lock_guard lock(mutex_);
  if (stopped_) {
    return final_stats_;
  }
  ServerStats stats;
  for (const auto& worker : workers_) {
    worker->addStatsTo(stats);
  }
  stats.tcp_connections_active = connection_limit_.active();
  return stats;
}

void Server::stop() noexcept {
  const std::lock_guard lock(mutex_);
  if (stopped_) {
    return;
  }
  stopped_ = true;

  // Ask every worker first so they wind down together, then wait for each.
  for (const auto& worker : workers_) {
    worker->requestStop();
  }
  for (const auto& worker : workers_) {
    worker->join();
  }

  for (const auto& worker : workers_) {
    worker->addStatsTo(final_stats_);
  }
  const bool was_serving = !workers_.empty();
  workers_.clear();
  if (was_serving) {
    logger().info("server stopped");
  }
}

}  // namespace holdfast::server
