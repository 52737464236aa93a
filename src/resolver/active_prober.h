// ActiveProber: periodic health queries to every upstream, so a dead upstream is found before
// clients hit it and a recovered one gets its breaker closed without waiting for client traffic.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "common/result.h"
#include "resolver/random.h"
#include "resolver/scheduler.h"
#include "resolver/stats.h"
#include "resolver/upstream_pool.h"
#include "resolver/upstream_transport.h"

namespace holdfast::resolver {

// A probe with no usable answer after this long has failed (or after the interval, if that is
// shorter), so probes never pile up: at most one per upstream is out at a time.
inline constexpr std::chrono::seconds kActiveProbeTimeout{2};

// Bounds of the probe interval: below 100 ms probes would be traffic in their own right; above
// an hour they would find nothing in time.
inline constexpr std::chrono::milliseconds kMinActiveProbeInterval{100};
inline constexpr std::chrono::milliseconds kMaxActiveProbeInterval{std::chrono::hours(1)};

struct ActiveProbeOptions {
  std::chrono::milliseconds interval{0};  // zero: no active probes
  std::string name = ".";                 // the question's name
  std::uint16_t qtype = 2;                // NS

  [[nodiscard]] bool enabled() const noexcept { return interval.count() > 0; }
};

// The wire form of a presentation name ("example.test." or "example.test"; "." is the root).
// Errors: kConfig for an empty label, a label over 63 octets or a name over 255.
[[nodiscard]] Result<std::vector<std::uint8_t>> encodeName(const std::string& name);

struct ActiveProberDeps {
  const Clock& clock;
  Random& random;
  Scheduler& scheduler;
  UpstreamTransport& transport;
  UpstreamPool& pool;
  ResolverStats& stats;
};

// Every interval (jittered by up to a tenth either way, so resolvers started together do not
// probe in step) sends one query over UDP to each configured upstream and reports the verdict
// to the pool: NOERROR or NXDOMAIN from the upstream's address and port with the query's ID and
// question is good; anything else, or nothing before the timeout, is a failure.
// Not thread-safe: every method and callback runs on the scheduler's event loop.
// Limitation: one probe setting for all upstreams; an upstream cannot opt out or use its own
// name or interval.
class ActiveProber {
public:
  // REQUIRES: options.enabled() and options.name encodes (encodeName).
  ActiveProber(const ActiveProberDeps& deps, ActiveProbeOptions options);
  ~ActiveProber();

  ActiveProber(const ActiveProber&) = delete;
  ActiveProber& operator=(const ActiveProber&) = delete;

  // Schedules the first round after a random part of one interval.
  void start();

  // Cancels the timers and probes in flight. Idempotent.
  void stop() noexcept;

private:
  struct Pending {
    UpstreamId id = 0;
    Upstream upstream;
    std::vector<std::uint8_t> query;
    std::unique_ptr<Exchange> exchange;
    TimerId timer = 0;
  };

  void scheduleRound(Clock::Duration delay);
  void runRound();
  void send(UpstreamId id, const Upstream& upstream);
  void onMessage(std::uint64_t serial,
                 std::span<const std::uint8_t> reply,
                 const asio::ip::address& from,
                 std::uint16_t port);
  void finish(std::uint64_t serial, bool ok);

  ActiveProberDeps deps_;
  ActiveProbeOptions options_;
  std::vector<std::uint8_t> qname_;
  TimerId round_timer_ = 0;
  bool stopped_ = false;
  std::uint64_t next_serial_ = 1;
  std::map<std::uint64_t, Pending> pending_;
  log::Logger log_{"resolver.probe"};
};

}  // namespace holdfast::resolver
