// ResolverOptions: everything `holdfast resolver` runs with, from flags or the YAML file.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "common/cores.h"
#include "resolver/active_prober.h"
#include "resolver/alert_monitor.h"
#include "resolver/allow_list.h"
#include "resolver/settings.h"
#include "resolver/upstream.h"
#include "resolver/upstream_pool.h"

namespace holdfast::resolver {

// The default listen address: loopback, on a port that needs no privileges and does not clash
// with a system resolver on 53.
inline constexpr const char* kDefaultListen = "127.0.0.1:5354";

// Cache bound by default: tens of thousands of typical answers, small beside any host's memory.
inline constexpr std::size_t kDefaultCacheBytes = 64 * 1024 * 1024;

// Lower bound on the cache setting: below a few hundred typical answers a cache mostly evicts.
inline constexpr std::size_t kMinCacheBytes = 64 * 1024;

// Upper bound on the cache setting, so a typo cannot ask for more memory than a host has.
inline constexpr std::size_t kMaxCacheBytes = std::size_t{64} * 1024 * 1024 * 1024;

// Worker threads at most (each has its own sockets and event loop).
inline constexpr std::size_t kMaxResolverThreads = 64;

// Worker threads by default: one per core this process may run on, within the bound.
[[nodiscard]] inline std::size_t defaultResolverThreads() noexcept {
  return std::min(availableCores(), kMaxResolverThreads);
}

// Where the resolver keeps its API token and resolver.json (only with a metrics listener): the
// same default as `holdfast up`'s data_dir, so both are found from one working directory.
inline constexpr const char* kDefaultResolverDataDir = "holdfast-data";

// Operations: metrics endpoint and webhook alerts (wired by the command line).
// Limitation: fixed at start; a reload that changes them keeps the running ones (restart to
// change them).
struct ResolverOpsOptions {
  std::string metrics_listen;  // empty: no metrics listener (and no cache API)
  std::string data_dir = kDefaultResolverDataDir;
  std::string token_file;  // bearer token of the cache API; empty: data_dir/resolver.token
  std::vector<std::string> webhooks;  // http:// URLs; empty: no webhook alerts
  std::chrono::milliseconds alert_resolve_after{kDefaultAlertResolveAfter};
};

struct ResolverOptions {
  // Fixed at start; a reload that changes them is refused for these fields (kept as they were).
  std::vector<std::string> listen{kDefaultListen};
  std::size_t threads = defaultResolverThreads();

  // Reloadable.
  std::vector<Upstream> upstreams;
  std::vector<std::string> allow = kDefaultAllow;
  std::size_t cache_bytes = kDefaultCacheBytes;
  PoolOptions pool;
  ForwarderSettings forwarder;
  std::vector<LkgRule> last_known_good;  // compiled into forwarder.last_known_good
  ActiveProbeOptions active_probe;       // off by default

  // Fixed at start.
  ResolverOpsOptions ops;
};

}  // namespace holdfast::resolver
