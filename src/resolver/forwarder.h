// Forwarder: answers client queries from the cache or through upstreams, and keeps answering
// with stale or last-known-good data when upstreams fail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>

#include "common/clock.h"
#include "common/log.h"
#include "resolver/cache.h"
#include "resolver/client_query.h"
#include "resolver/random.h"
#include "resolver/scheduler.h"
#include "resolver/settings.h"
#include "resolver/stats.h"
#include "resolver/upstream_pool.h"
#include "resolver/upstream_transport.h"

namespace holdfast::resolver {

// Queries in flight to upstreams per forwarder (per worker thread). Beyond it new cache misses
// get stale data or SERVFAIL at once, so memory and sockets stay bounded under a flood of
// unique names.
inline constexpr std::size_t kMaxTransactions = 4096;

// Clients waiting on one in-flight question; more identical queries are answered SERVFAIL
// rather than queued without bound.
inline constexpr std::size_t kMaxWaitersPerTransaction = 256;

// Prefetch: a fresh answer asked for at least this often, with less than this share of its TTL
// left, is refreshed in the background before it expires, so popular names never miss.
inline constexpr std::uint64_t kPrefetchMinHits = 3;
inline constexpr int kPrefetchRemainingPercent = 10;
// Answers with shorter TTLs are not prefetched: they would be refreshed almost every query.
inline constexpr std::chrono::seconds kPrefetchMinTtl{10};

// Last-known-good holds and stale answers are logged at most this often per second per
// forwarder (counters see every one).
inline constexpr int kEventLogsPerSecond = 5;

// Sends a reply to the client that asked; called at most once, on the forwarder's thread.
using Responder = std::function<void(std::span<const std::uint8_t>)>;

// Everything a forwarder uses but does not own; all must outlive it.
struct ForwarderDeps {
  const Clock& clock;
  Random& random;
  Scheduler& scheduler;
  UpstreamTransport& transport;
  Cache& cache;
  UpstreamPool& pool;
  ResolverStats& stats;
};

// What the front end knows about the client.
struct ClientContext {
  ClientTransport transport = ClientTransport::kUdp;
  bool allowed = false;  // inside the allow-list; others get REFUSED
};

struct Transaction;

// Limitation: the answer path allocates a little per query (the record table of the scanned
// query, one shared_ptr copy per cache hit), short of the design's allocation-free goal.
// One per event loop. Not thread-safe: handle() and every callback run on the loop's thread;
// the cache and pool it shares are thread-safe.
class Forwarder {
public:
  Forwarder(const ForwarderDeps& deps, std::shared_ptr<const ForwarderSettings> settings);
  ~Forwarder();

  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // New settings apply to queries that arrive afterwards.
  void setSettings(std::shared_ptr<const ForwarderSettings> settings);

  // Handles one message from a client. When the answer is known now (cache hit, stale answer,
  // error, REFUSED) it is written to `out` (kMaxMessageBytes) and its length returned. Otherwise
  // returns 0 and, if the query goes upstream, calls `make_responder` once, before returning,
  // for the callback that will carry the answer. Responses and garbage are dropped (0, no
  // responder). Never throws; never fails for any input.
  std::size_t handle(std::span<const std::uint8_t> query,
                     const ClientContext& context,
                     std::span<std::uint8_t> out,
                     const std::function<Responder()>& make_responder) noexcept;

  // Questions in flight to upstreams.
  [[nodiscard]] std::size_t inFlight() const noexcept { return transactions_.size(); }

  // Ends every transaction, answering waiting clients SERVFAIL (on shutdown).
  void abandonAll() noexcept;

private:
  friend struct TransactionOps;

  std::size_t resolve(const MessageInfo& info,
                      const ClientQuery& client,
                      std::span<std::uint8_t> out,
                      const std::function<Responder()>& make_responder);
  bool askUpstreams(const CacheKey& key,
                    const MessageInfo& info,
                    const ClientQuery& client,
                    bool has_stale,
                    const std::function<Responder()>& make_responder);
  std::size_t answerFromCache(const CacheHit& hit,
                              const ClientQuery& client,
                              std::span<std::uint8_t> out);
  std::size_t answerStats(const ClientQuery& client, std::span<std::uint8_t> out);
  void maybePrefetch(const CacheKey& key, const CacheHit& hit, const MessageInfo& info);
  bool logAllowed();

  ForwarderDeps deps_;
  std::shared_ptr<const ForwarderSettings> settings_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Transaction>> transactions_;
  std::unordered_map<CacheKey, std::uint64_t, CacheKeyHash> by_key_;
  std::uint64_t next_serial_ = 1;
  Clock::TimePoint log_window_start_{};
  int logs_in_window_ = 0;
  log::Logger log_{"resolver"};
};

}  // namespace holdfast::resolver
