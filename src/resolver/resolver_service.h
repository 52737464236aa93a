// ResolverService: the running resolver — worker threads, each with its own sockets, event loop
// and forwarder, sharing one cache, one upstream pool and one set of counters.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <asio/ip/udp.hpp>

#include "common/result.h"
#include "resolver/active_prober.h"
#include "resolver/cache.h"
#include "resolver/random.h"
#include "resolver/resolver_options.h"
#include "resolver/stats.h"
#include "resolver/upstream_pool.h"

namespace holdfast::resolver {

class ResolverWorker;

// Thread-safe. The cache, pool and counters survive reloads.
class ResolverService {
  struct Passkey {
    explicit Passkey() = default;
  };

public:
  // Checks `options`, binds every listen address for UDP and TCP (one socket per worker,
  // SO_REUSEPORT) and starts the workers. Errors: kConfig for a bad allow list, pattern or
  // empty upstream list; kIo naming an address that cannot be bound.
  [[nodiscard]] static Result<std::unique_ptr<ResolverService>> start(
      const ResolverOptions& options);

  ResolverService(Passkey, const ResolverOptions& options);
  ~ResolverService();

  ResolverService(const ResolverService&) = delete;
  ResolverService& operator=(const ResolverService&) = delete;

  // Applies new upstreams, allow list, cache bound, breaker, stale and last-known-good settings
  // without dropping the cache. Listen addresses and threads cannot change while running: a
  // change there is reported (kConfig) and everything else is still applied. On any other
  // error nothing changes.
  [[nodiscard]] Status reload(const ResolverOptions& options);

  // The bound UDP endpoints, in listen order, with the actual ports.
  [[nodiscard]] std::vector<asio::ip::udp::endpoint> endpoints() const { return endpoints_; }

  [[nodiscard]] const ResolverStats& stats() const noexcept { return stats_; }

  [[nodiscard]] CacheStats cacheStats() const { return cache_.stats(); }

  // The cache the workers share, for the cache API (stats, flushes); thread-safe.
  [[nodiscard]] Cache& cache() noexcept { return cache_; }

  [[nodiscard]] std::vector<UpstreamStatus> upstreamStatus() const { return pool_.status(); }

  // Whether the workers are running (between start and stop): the resolver answers every
  // query then, from upstreams, the cache or stale data.
  [[nodiscard]] bool ready() const noexcept { return running_flag_.load(); }

  // Stops and joins the workers. Idempotent.
  void stop() noexcept;

private:
  ResolverOptions running_;  // listen and threads as started
  SystemRandom random_;
  ResolverStats stats_;
  Cache cache_;
  UpstreamPool pool_;
  std::vector<asio::ip::udp::endpoint> endpoints_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ResolverWorker>> workers_;  // guarded by mutex_ after start
  // Runs on the first worker's loop and is touched only there (and after the loops ended).
  std::unique_ptr<ActiveProber> prober_;
  ActiveProbeOptions probe_options_;  // guarded by mutex_
  std::atomic<bool> running_flag_{false};

  void applyProbes(const ActiveProbeOptions& options);
};

// Compiles the parts of `options` that can fail: the allow list and the last-known-good
// patterns (into options.forwarder.last_known_good). Errors: kConfig.
[[nodiscard]] Result<std::shared_ptr<const AllowList>> compileOptions(ResolverOptions& options);

}  // namespace holdfast::resolver
