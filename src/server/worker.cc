// A worker thread and the listeners it serves.
#include "server/worker.h"

#include <pthread.h>

#include <string>
#include <system_error>
#include <utility>

namespace holdfast::server {

Worker::Worker(std::size_t index)
    : index_(index),
      // One thread runs this context: the hint lets Asio skip cross-thread bookkeeping.
      context_(1),
      work_(asio::make_work_guard(context_)) {}

Worker::~Worker() {
  requestStop();
  join();
}

void Worker::addUdp(asio::ip::udp::socket socket, QueryHandler& handler) {
  udp_.push_back(std::make_unique<UdpListener>(std::move(socket), handler));
}

void Worker::addTcp(asio::ip::tcp::acceptor acceptor,
                    QueryHandler& handler,
                    const TcpLimits& limits,
                    ConnectionLimit& limit) {
  tcp_.push_back(std::make_unique<TcpListener>(std::move(acceptor), handler, limits, limit));
}

Status Worker::start() {
  for (const auto& listener : udp_) {
    listener->start();
  }
  for (const auto& listener : tcp_) {
    listener->start();
  }

  // Creating a thread is the one step here that reports failure by exception.
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    return makeError(Errc::kInternal, "start server worker thread: " + std::string(e.what()));
  }
  return okStatus();
}

void Worker::join() noexcept {
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Worker::addStatsTo(ServerStats& stats) const noexcept {
  for (const auto& listener : udp_) {
    listener->addStatsTo(stats);
  }
  for (const auto& listener : tcp_) {
    listener->addStatsTo(stats);
  }
}

// NOLINTNEXTLINE(bugprone-exception-escape): a throwing handler is a bug; terminating is intended.
void Worker::run() noexcept {
  // Shown by top and debuggers; the kernel keeps at most 15 characters.
  const std::string name = "hf-server-" + std::to_string(index_);
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());

  // Handlers do not throw; one that did would be a broken invariant.
  context_.run();
}

}  // namespace holdfast::server
