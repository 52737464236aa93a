// Starting, reloading and stopping the resolver.
#include "resolver/resolver_service.h"

#include <asio/post.hpp>
#include <fmt/format.h>

#include "resolver/resolver_worker.h"
#include "server/listen_address.h"
#include "server/socket_bind.h"

namespace holdfast::resolver {

namespace {

const log::Logger& logger() {
  static const log::Logger instance("resolver");
  return instance;
}

}  // namespace

Result<std::shared_ptr<const AllowList>> compileOptions(ResolverOptions& options) {
  if (options.cache_bytes < kMinCacheBytes || options.cache_bytes > kMaxCacheBytes) {
    return makeError(Errc::kConfig, "cache size out of range");
  }
  if (options.upstreams.empty()) {
    return makeError(Errc::kConfig, "at least one upstream is required");
  }
  if (options.upstreams.size() > kMaxUpstreams) {
    return makeError(Errc::kConfig, fmt::format("at most {} upstreams", kMaxUpstreams));
  }
  if (options.active_probe.enabled()) {
    if (options.active_probe.interval < kMinActiveProbeInterval ||
        options.active_probe.interval > kMaxActiveProbeInterval) {
      return makeError(Errc::kConfig, "probe interval out of range");
    }
    if (auto name = encodeName(options.active_probe.name); !name.ok()) {
      return name.error();
    }
  }
  auto lkg = LastKnownGood::compile(options.last_known_good);
  if (!lkg.ok()) {
    return lkg.error();
  }
  options.forwarder.last_known_good = std::move(*lkg);
  auto allow = AllowList::parse(options.allow);
  if (!allow.ok()) {
    return allow.error();
  }
  return std::shared_ptr<const AllowList>(std::make_shared<AllowList>(std::move(*allow)));
}

ResolverService::ResolverService(Passkey, const ResolverOptions& options)
    : running_(options),
      cache_(options.cache_bytes),
      pool_(options.upstreams, options.pool, random_, stats_) {}

ResolverService::~ResolverService() {
  stop();
}

Result<std::unique_ptr<ResolverService>> ResolverService::start(const ResolverOptions& given) {
  ResolverOptions options = given;
  auto allow = compileOptions(options);
  if (!allow.ok()) {
    return allow.error();
  }
  if (options.threads == 0 || options.threads > kMaxResolverThreads) {
    return makeError(Errc::kConfig, fmt::format("threads must be 1 to {}", kMaxResolverThreads));
  }
  auto service = std::make_unique<ResolverService>(Passkey(), options);
  const auto settings = std::make_shared<const ForwarderSettings>(options.forwarder);
  const WorkerShared shared{SystemClock::instance(), service->random_, service->cache_,
                            service->pool_, service->stats_};
  for (std::size_t i = 0; i < options.threads; ++i) {
    service->workers_.push_back(std::make_unique<ResolverWorker>(shared, settings, *allow));
  }
  std::vector<asio::io_context*> contexts;
  for (auto& w : service->workers_) {
    contexts.push_back(&w->context());
  }

  for (const std::string& text : options.listen) {
    auto address = server::parseListenAddress(text);
    if (!address.ok()) {
      return address.error();
    }
    auto bound = server::bindListenAddress(*address, contexts);
    if (!bound.ok()) {
      return bound.error();
    }
    service->endpoints_.emplace_back(address->address, bound->port);
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      service->workers_[i]->addUdp(std::move(bound->udp[i]));
      service->workers_[i]->addTcp(std::move(bound->tcp[i]));
    }
  }
  for (auto& w : service->workers_) {
    if (auto s = w->start(); !s.ok()) {
      return s.error();
    }
  }
  service->running_flag_ = true;
  service->applyProbes(options.active_probe);
  return service;
}

Status ResolverService::reload(const ResolverOptions& given) {
  ResolverOptions options = given;
  auto allow = compileOptions(options);
  if (!allow.ok()) {
    return allow.error();
  }
  cache_.setMaxBytes(options.cache_bytes);
  pool_.reconfigure(options.upstreams, options.pool);
  const auto settings = std::make_shared<const ForwarderSettings>(options.forwarder);
  {
    std::lock_guard lock(mutex_);
    for (auto& w : workers_) {
      w->apply(settings, *allow);
    }
  }
  applyProbes(options.active_probe);
  logger().info("resolver configuration applied", {{"upstream.count", options.upstreams.size()},
                                                   {"cache.max_bytes", options.cache_bytes}});
  if (options.listen != running_.listen || options.threads != running_.threads) {
    return makeError(Errc::kConfig,
                     "listen addresses and threads apply only at start; restart to change them");
  }
  return okStatus();
}

// The prober lives on the first worker's loop: it shares that loop's timers and transport.
void ResolverService::applyProbes(const ActiveProbeOptions& options) {
  std::lock_guard lock(mutex_);
  if (workers_.empty() ||
      (options.interval == probe_options_.interval && options.name == probe_options_.name &&
       options.qtype == probe_options_.qtype)) {
    return;
  }
  probe_options_ = options;
  ResolverWorker& worker = *workers_.front();
  asio::post(worker.context(), [this, &worker, options] {
    prober_.reset();
    if (options.enabled()) {
      prober_ = std::make_unique<ActiveProber>(
          ActiveProberDeps{SystemClock::instance(), random_, worker.scheduler(), worker.transport(),
                           pool_, stats_},
          options);
      prober_->start();
    }
  });
  logger().info("active probes",
                {{"probe.interval.ms", options.interval.count()}, {"probe.name", options.name}});
}

void ResolverService::stop() noexcept {
  running_flag_ = false;
  std::vector<std::unique_ptr<ResolverWorker>> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  if (!workers.empty()) {
    // Runs before the loop's own shutdown handler, which is posted after it.
    asio::post(workers.front()->context(), [this] {
      if (prober_) {
        prober_->stop();
      }
    });
  }
  for (auto& w : workers) {
    w->stop();
  }
  prober_.reset();  // the loops have ended; nothing else touches it
}

}  // namespace holdfast::resolver
