// The circuit breaker state machine with jittered exponential probe backoff.
#include "resolver/circuit_breaker.h"

#include <algorithm>

namespace holdfast::resolver {

namespace {

// Doublings of the probe ceiling; past this it is capped by probe_max anyway, and the bound
// keeps the shift from overflowing.
constexpr int kMaxProbeDoublings = 30;

}  // namespace

std::chrono::milliseconds CircuitBreaker::probeCeiling() const noexcept {
  const int doublings = std::min(probe_failures_, kMaxProbeDoublings);
  const auto initial = std::max(options_.probe_initial, std::chrono::milliseconds(1));
  const auto scaled = initial * (std::int64_t{1} << doublings);
  return std::min(scaled, std::max(options_.probe_max, initial));
}

void CircuitBreaker::open(Clock::TimePoint now, Random& random) {
  state_ = BreakerState::kOpen;
  failures_.clear();
  const auto ceiling = std::chrono::duration_cast<Clock::Duration>(probeCeiling());
  last_delay_ = Clock::Duration(static_cast<Clock::Duration::rep>(
      random.below(static_cast<std::uint64_t>(ceiling.count()) + 1)));
  next_probe_at_ = now + last_delay_;
}

bool CircuitBreaker::tryStartProbe(Clock::TimePoint now, Random& random) {
  if (state_ == BreakerState::kHalfOpen && now - probe_started_at_ >= kProbeVerdictTimeout) {
    ++probe_failures_;
    open(now, random);
  }
  if (state_ != BreakerState::kOpen || now < next_probe_at_) {
    return false;
  }
  state_ = BreakerState::kHalfOpen;
  probe_started_at_ = now;
  return true;
}

BreakerTransition CircuitBreaker::recordSuccess(Clock::TimePoint) noexcept {
  // Only a probe closes an open breaker: a late answer to a query sent before it opened says
  // little about the upstream now.
  if (state_ != BreakerState::kHalfOpen) {
    return BreakerTransition::kNone;
  }
  state_ = BreakerState::kClosed;
  failures_.clear();
  probe_failures_ = 0;
  return BreakerTransition::kClosed;
}

BreakerTransition CircuitBreaker::recordActiveProbeSuccess() noexcept {
  if (state_ == BreakerState::kClosed) {
    return BreakerTransition::kNone;
  }
  state_ = BreakerState::kClosed;
  failures_.clear();
  probe_failures_ = 0;
  return BreakerTransition::kClosed;
}

BreakerTransition CircuitBreaker::recordFailure(Clock::TimePoint now, Random& random) {
  switch (state_) {
    case BreakerState::kClosed: {
      failures_.push_back(now);
      while (!failures_.empty() && now - failures_.front() > options_.failure_window) {
        failures_.pop_front();
      }
      const int threshold = std::clamp(options_.failure_threshold, 1, kMaxBreakerThreshold);
      while (static_cast<int>(failures_.size()) > threshold) {
        failures_.pop_front();
      }
      if (static_cast<int>(failures_.size()) < threshold) {
        return BreakerTransition::kNone;
      }
      probe_failures_ = 0;
      open(now, random);
      return BreakerTransition::kOpened;
    }
    case BreakerState::kHalfOpen:
      ++probe_failures_;
      open(now, random);
      return BreakerTransition::kReopened;
    case BreakerState::kOpen:
      // A late failure of a query sent before the breaker opened changes nothing.
      return BreakerTransition::kNone;
  }
  return BreakerTransition::kNone;
}

void CircuitBreaker::abandonProbe(Clock::TimePoint now) noexcept {
  if (state_ == BreakerState::kHalfOpen) {
    state_ = BreakerState::kOpen;
    next_probe_at_ = now;
  }
}

const char* breakerStateName(BreakerState state) noexcept {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

}  // namespace holdfast::resolver
