// UpstreamPool: the configured upstreams with their measured latency, breakers and retry budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "resolver/circuit_breaker.h"
#include "resolver/guarded.h"
#include "resolver/random.h"
#include "resolver/retry_budget.h"
#include "resolver/rtt_estimator.h"
#include "resolver/stats.h"
#include "resolver/upstream.h"

namespace holdfast::resolver {

// Upper bound on configured upstreams: selection scans them all under one lock.
inline constexpr std::size_t kMaxUpstreams = 32;

// Queries in flight to one upstream over all workers. Beyond it the upstream is skipped as if
// busy, so a slow upstream cannot pile up sockets and memory without limit.
inline constexpr int kMaxOutstandingPerUpstream = 1024;

// Chance, in thousandths, that selection tries a random available upstream instead of the
// fastest, so a recovered or improved upstream gets measured again (epsilon-greedy).
inline constexpr std::uint64_t kExplorePermille = 50;

// An upstream's identity inside the pool; stable across reloads for the same address.
using UpstreamId = std::uint32_t;

struct PoolOptions {
  BreakerOptions breaker;
  RetryBudgetOptions retry_budget;
};

// Where to send one attempt.
struct UpstreamChoice {
  UpstreamId id = 0;
  Upstream upstream;
  bool edns = true;  // false once the upstream rejected EDNS
  std::chrono::milliseconds rto{kInitialRto};
  // When to send a hedged attempt elsewhere while this one is still out: the smallest RTO of
  // any usable upstream, so a query sent to a slow upstream (exploration, or the only one left
  // measured slow) waits no longer than the fast ones usually take.
  std::chrono::milliseconds hedge_after{kInitialRto};
  bool probe = false;  // a half-open breaker's one probe: its verdict must be reported
};

// Why an attempt failed.
enum class FailureKind {
  kTimeout,
  kBadRcode,   // SERVFAIL, REFUSED, NOTIMP or another unusable response code
  kMalformed,  // a reply that could not be parsed
  kTransport,  // connection refused or reset, send failed
};

// One line of status for logs and the stats query.
struct UpstreamStatus {
  std::string name;
  BreakerState state = BreakerState::kClosed;
  std::chrono::microseconds srtt{0};
  int outstanding = 0;
  // Totals since the upstream was configured (kept across reloads).
  std::uint64_t queries = 0;   // attempts sent, probes included
  std::uint64_t failures = 0;  // attempts failed, timeouts included
  std::uint64_t timeouts = 0;
  std::uint64_t opened = 0;  // breaker transitions to open (closed → open)
  std::uint64_t closed = 0;  // breaker transitions to closed
};

// Thread-safe: every method takes the pool's lock. Breaker transitions are logged (logger
// "resolver.upstream") and counted in `stats`.
class UpstreamPool {
public:
  // `clock`, `random` and `stats` must outlive the pool; `random` must be thread-safe when the
  // pool is used from several threads.
  UpstreamPool(std::vector<Upstream> upstreams,
               const PoolOptions& options,
               Random& random,
               ResolverStats& stats);

  // Replaces the list; upstreams that stay keep their measurements and breaker state.
  void reconfigure(std::vector<Upstream> upstreams, const PoolOptions& options);

  // The best upstream for a new attempt: among those with a closed breaker and room for more
  // queries, not in `exclude` (if that leaves none, any of them), the lowest smoothed RTT,
  // except now and then a random one. Counts the attempt as outstanding. Nothing when no
  // breaker is closed.
  [[nodiscard]] std::optional<UpstreamChoice> select(Clock::TimePoint now,
                                                     std::span<const UpstreamId> exclude);

  // An upstream whose open breaker is due for its probe, now half-open; counted as outstanding.
  [[nodiscard]] std::optional<UpstreamChoice> takeDueProbe(Clock::TimePoint now);

  // The same upstream again (a TCP re-send after truncation, a re-send without EDNS), whatever
  // its breaker says: the upstream did answer. Counted as outstanding. Nothing after a reload
  // removed it.
  [[nodiscard]] std::optional<UpstreamChoice> reuse(UpstreamId id);

  // Whether any breaker is closed or any probe is due: if not, stale data is answered at once.
  [[nodiscard]] bool anyUsable(Clock::TimePoint now);

  // Verdicts on attempts; each ends one outstanding attempt. Reports for upstreams removed by a
  // reload are ignored.
  void reportSuccess(UpstreamId id,
                     std::chrono::microseconds rtt,
                     bool probe,
                     Clock::TimePoint now);
  void reportFailure(UpstreamId id, FailureKind kind, bool probe, Clock::TimePoint now);

  // The attempt ended without a verdict (its query was answered elsewhere first).
  void reportAbandoned(UpstreamId id, bool probe, Clock::TimePoint now);

  // The upstream answered FORMERR or BADVERS to EDNS: later queries go without it.
  // Limitation: the mark lasts until restart (a reload keeps it), so an upstream that is fixed
  // keeps getting plain queries, which still work but cap answers at 512 octets over UDP.
  void markEdnsUnsupported(UpstreamId id);

  // Retry budget: each client query that reaches upstreams earns a share of a retry.
  void noteFirstAttempt();
  [[nodiscard]] bool tryRetry(Clock::TimePoint now);

  [[nodiscard]] std::vector<UpstreamStatus> status() const;

  // Every configured upstream, for active health probes.
  [[nodiscard]] std::vector<std::pair<UpstreamId, Upstream>> probeTargets() const;

  // The verdict of an active health probe: a good answer closes an open breaker; a failure
  // counts like any failed attempt while the breaker is closed (so a dead upstream is found
  // before clients suffer) and is ignored while it is open (the backoff probes decide then).
  void reportActiveProbe(UpstreamId id, bool ok, Clock::TimePoint now);

private:
  struct State {
    UpstreamId id;
    Upstream upstream;
    CircuitBreaker breaker;
    RttEstimator rtt;
    bool edns = true;
    int outstanding = 0;
    std::uint64_t queries = 0;
    std::uint64_t failures = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t opened = 0;
    std::uint64_t closed = 0;
  };

  struct Inner {
    std::vector<State> upstreams;
    RetryBudget budget;
    UpstreamId next_id = 0;
  };

  [[nodiscard]] static State* find(Inner& inner, UpstreamId id);
  [[nodiscard]] static UpstreamChoice choose(State& state, bool probe);
  void logTransition(State& state, BreakerTransition transition, Clock::TimePoint now);

  Random& random_;
  ResolverStats& stats_;
  log::Logger log_{"resolver.upstream"};
  Guarded<Inner> inner_;
};

}  // namespace holdfast::resolver
