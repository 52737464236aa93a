// CircuitBreaker: per-upstream failure state machine, closed → open → half-open → closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

#include "common/clock.h"
#include "resolver/random.h"

namespace holdfast::resolver {

struct BreakerOptions {
  // Failures within `failure_window` that open the breaker. Counting in a window rather than
  // consecutively lets one success among many failures not hide a broken upstream.
  int failure_threshold = 5;
  std::chrono::milliseconds failure_window{std::chrono::seconds(10)};

  // Ceiling of the first probe delay; it doubles after each failed probe up to `probe_max`, and
  // each actual delay is drawn uniformly below the ceiling (full jitter), so many resolvers that
  // lost the same upstream do not probe it in step.
  std::chrono::milliseconds probe_initial{std::chrono::seconds(1)};
  std::chrono::milliseconds probe_max{std::chrono::seconds(60)};
};

// Failures remembered while closed: at most the threshold is ever needed; the bound keeps the
// window's memory fixed whatever the configuration.
inline constexpr int kMaxBreakerThreshold = 1000;

// A probe that has given no verdict after this long counts as failed, so a lost probe (its
// query abandoned when another upstream answered first) can never leave the breaker half-open.
inline constexpr std::chrono::seconds kProbeVerdictTimeout{5};

enum class BreakerState {
  kClosed,    // normal traffic
  kOpen,      // no traffic until the next probe is due
  kHalfOpen,  // one probe in flight; no other traffic
};

// What a report changed, so the caller can log and count transitions.
enum class BreakerTransition {
  kNone,
  kOpened,    // closed → open
  kReopened,  // half-open → open: the probe failed, the delay ceiling doubled
  kClosed,    // open or half-open → closed
};

// Not thread-safe; the upstream pool holds it under its lock.
class CircuitBreaker {
public:
  explicit CircuitBreaker(const BreakerOptions& options) : options_(options) {}

  // New thresholds and delays apply from the next report; the state is kept.
  void setOptions(const BreakerOptions& options) { options_ = options; }

  [[nodiscard]] BreakerState state() const noexcept { return state_; }

  // Whether normal queries may go to this upstream.
  [[nodiscard]] bool allowsTraffic() const noexcept { return state_ == BreakerState::kClosed; }

  // When open and the probe delay has passed (or a half-open probe never reported), moves to
  // half-open and returns true: the caller must send exactly one probe and report its verdict.
  [[nodiscard]] bool tryStartProbe(Clock::TimePoint now, Random& random);

  // Time of the next probe while open.
  [[nodiscard]] Clock::TimePoint nextProbeAt() const noexcept { return next_probe_at_; }

  // The current ceiling of the probe delay (it grows while probes fail).
  [[nodiscard]] std::chrono::milliseconds probeCeiling() const noexcept;

  // The delay drawn for the next probe, for logs.
  [[nodiscard]] Clock::Duration lastProbeDelay() const noexcept { return last_delay_; }

  BreakerTransition recordSuccess(Clock::TimePoint now) noexcept;

  BreakerTransition recordFailure(Clock::TimePoint now, Random& random);

  // An active health probe (sent on a timer, not for a client) got a good answer: an open or
  // half-open breaker closes at once, so traffic returns before any client has to wait for the
  // backoff probe.
  BreakerTransition recordActiveProbeSuccess() noexcept;

  // The probe's query was dropped before a verdict: the next probe is due at once.
  void abandonProbe(Clock::TimePoint now) noexcept;

private:
  void open(Clock::TimePoint now, Random& random);

  BreakerOptions options_;
  BreakerState state_ = BreakerState::kClosed;
  std::deque<Clock::TimePoint> failures_;  // while closed, within the window
  int probe_failures_ = 0;                 // failed probes since the breaker opened
  Clock::TimePoint next_probe_at_{};
  Clock::TimePoint probe_started_at_{};
  Clock::Duration last_delay_{};
};

[[nodiscard]] const char* breakerStateName(BreakerState state) noexcept;

}  // namespace holdfast::resolver
