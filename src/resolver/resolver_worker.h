// ResolverWorker: one thread with its io_context, sockets, timers, transport and forwarder.
// Internal to the resolver module.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>

#include "common/result.h"
#include "resolver/asio_scheduler.h"
#include "resolver/asio_transport.h"
#include "resolver/forwarder.h"
#include "resolver/frontend.h"

namespace holdfast::resolver {

// What the workers share; all thread-safe, all outliving the workers.
struct WorkerShared {
  const Clock& clock;
  Random& random;
  Cache& cache;
  UpstreamPool& pool;
  ResolverStats& stats;
};

// Nothing it owns is touched by another thread: settings changes are posted to its loop.
class ResolverWorker {
public:
  ResolverWorker(const WorkerShared& shared,
                 std::shared_ptr<const ForwarderSettings> settings,
                 std::shared_ptr<const AllowList> allow);
  ~ResolverWorker();

  ResolverWorker(const ResolverWorker&) = delete;
  ResolverWorker& operator=(const ResolverWorker&) = delete;

  [[nodiscard]] asio::io_context& context() noexcept { return context_; }

  // For work that runs on this worker's loop (active probes); use only on that loop.
  [[nodiscard]] Scheduler& scheduler() noexcept { return scheduler_; }

  [[nodiscard]] UpstreamTransport& transport() noexcept { return transport_; }

  // REQUIRES: not started; the sockets belong to context().
  void addUdp(asio::ip::udp::socket socket);
  void addTcp(asio::ip::tcp::acceptor acceptor);

  [[nodiscard]] Status start();

  // Thread-safe: runs on the worker's loop.
  void apply(std::shared_ptr<const ForwarderSettings> settings,
             std::shared_ptr<const AllowList> allow);

  // Thread-safe; waits for the thread to end.
  void stop() noexcept;

private:
  ResolverStats& stats_;
  // Declared first so it is destroyed last, after every socket and timer made on it.
  asio::io_context context_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  AsioScheduler scheduler_;
  AsioTransport transport_;
  std::shared_ptr<const AllowList> allow_;
  std::vector<std::unique_ptr<UdpFrontend>> udp_;
  std::vector<std::unique_ptr<TcpFrontend>> tcp_;
  std::unique_ptr<Forwarder> forwarder_;  // destroyed before the front ends it answers through
  std::thread thread_;
};

}  // namespace holdfast::resolver
