// One resolver worker thread.
#include "resolver/resolver_worker.h"

#include <system_error>

#include <asio/post.hpp>

namespace holdfast::resolver {

ResolverWorker::ResolverWorker(const WorkerShared& shared,
                               std::shared_ptr<const ForwarderSettings> settings,
                               std::shared_ptr<const AllowList> allow)
    : stats_(shared.stats),
      work_(asio::make_work_guard(context_)),
      scheduler_(context_),
      transport_(context_),
      allow_(std::move(allow)) {
  forwarder_ =
      std::make_unique<Forwarder>(ForwarderDeps{shared.clock, shared.random, scheduler_, transport_,
                                                shared.cache, shared.pool, shared.stats},
                                  std::move(settings));
}

ResolverWorker::~ResolverWorker() {
  stop();
}

void ResolverWorker::addUdp(asio::ip::udp::socket socket) {
  udp_.push_back(std::make_unique<UdpFrontend>(std::move(socket),
                                               FrontendContext{*forwarder_, allow_, stats_}));
}

void ResolverWorker::addTcp(asio::ip::tcp::acceptor acceptor) {
  tcp_.push_back(std::make_unique<TcpFrontend>(std::move(acceptor),
                                               FrontendContext{*forwarder_, allow_, stats_}));
}

Status ResolverWorker::start() {
  for (auto& u : udp_) {
    u->start();
  }
  for (auto& t : tcp_) {
    t->start();
  }
  try {
    thread_ = std::thread([this] { context_.run(); });
  } catch (const std::system_error& e) {
    return makeError(Errc::kInternal, std::string("cannot start a resolver thread: ") + e.what());
  }
  return okStatus();
}

void ResolverWorker::apply(std::shared_ptr<const ForwarderSettings> settings,
                           std::shared_ptr<const AllowList> allow) {
  asio::post(context_, [this, settings = std::move(settings), allow = std::move(allow)]() mutable {
    forwarder_->setSettings(std::move(settings));
    allow_ = std::move(allow);
  });
}

void ResolverWorker::stop() noexcept {
  if (!thread_.joinable()) {
    return;
  }
  // Clients still waiting get SERVFAIL from the loop's own thread, then the loop ends.
  asio::post(context_, [this] {
    forwarder_->abandonAll();
    context_.stop();
  });
  thread_.join();
}

}  // namespace holdfast::resolver
