// The accept loop of one TCP listening socket and the ownership of its connections.
#include "server/tcp_listener.h"

#include <utility>

#include <asio/error.hpp>

namespace holdfast::server {

TcpListener::TcpListener(asio::ip::tcp::acceptor acceptor,
                         QueryHandler& handler,
                         const TcpLimits& limits,
                         ConnectionLimit& limit)
    : acceptor_(std::move(acceptor)),
      retry_timer_(acceptor_.get_executor()),
      limit_(limit),
      env_{handler, *this, counters_, answer_counters_, limits.idle_timeout, limits.max_queries} {}

TcpListener::~TcpListener() {
  connections_.clear();
}

void TcpListener::start() {
  accept();
}

void TcpListener::addStatsTo(ServerStats& stats) const noexcept {
  stats.tcp += counters_.snapshot();
  stats.tcp_queries += answer_counters_.snapshot();
  stats.tcp_connections_accepted += accepted_.load(std::memory_order_relaxed);
  stats.tcp_connections_refused += refused_.load(std::memory_order_relaxed);
}

void TcpListener::accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    onAccept(ec, std::move(socket));
  });
}

void TcpListener::onAccept(const asio::error_code& ec, asio::ip::tcp::socket socket) {
  if (ec == asio::error::operation_aborted) {
    return;
  }

  // A client that reset before being accepted concerns only itself.
  if (ec == asio::error::connection_aborted) {
    accept();
    return;
  }
  if (ec) {
    log_.warn("tcp accept failed, pausing",
              {{"error.message", ec.message()}, {"duration.ms", kAcceptRetryDelay.count()}});
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](const asio::error_code& wait_ec) {
      if (!wait_ec) {
        accept();
      }
    });
    return;
  }

  std::optional<ConnectionSlot> slot = ConnectionSlot::acquire(limit_);
  if (!slot) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    log_.trace("tcp connection refused, limit reached");
    asio::error_code ignored;
    socket.close(ignored);
    accept();
    return;
  }

  accepted_.fetch_add(1, std::memory_order_relaxed);
  auto connection = std::make_unique<TcpConnection>(std::move(socket), std::move(*slot), env_);
  TcpConnection& started = *connection;
  connections_.emplace(&started, std::move(connection));
  started.start();
  accept();
}

void TcpListener::release(TcpConnection& connection) noexcept {
  connections_.erase(&connection);
}

}  // namespace holdfast::server
