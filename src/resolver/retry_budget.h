// RetryBudget: retries and hedges allowed as a share of normal traffic, so an outage never
// multiplies the load on the upstreams that are left.
#pragma once

#include <algorithm>
#include <chrono>

#include "common/clock.h"

namespace holdfast::resolver {

struct RetryBudgetOptions {
  // Retries earned per first attempt: 0.2 means at most one retry per five queries on average.
  double ratio = 0.2;
  // Retries allowed per second regardless of traffic, so a quiet resolver can still retry.
  double min_per_second = 10;
  // The most retries that can be saved up; bounds a burst after a quiet period.
  double max_tokens = 100;
};

// A token bucket: first attempts and time add tokens, each retry takes one. Not thread-safe;
// the pool holds it under its lock.
class RetryBudget {
public:
  explicit RetryBudget(const RetryBudgetOptions& options) : options_(options) {
    tokens_ = options.max_tokens;
  }

  void setOptions(const RetryBudgetOptions& options) { options_ = options; }

  void noteFirstAttempt() noexcept {
    tokens_ = std::min(options_.max_tokens, tokens_ + options_.ratio);
  }

  // Takes one token if there is one.
  [[nodiscard]] bool tryRetry(Clock::TimePoint now) noexcept {
    if (last_refill_ != Clock::TimePoint{}) {
      const double seconds = std::chrono::duration<double>(now - last_refill_).count();
      tokens_ = std::min(options_.max_tokens, tokens_ + seconds * options_.min_per_second);
    }
    last_refill_ = now;
    if (tokens_ < 1.0) {
      return false;
    }
    tokens_ -= 1.0;
    return true;
  }

private:
  RetryBudgetOptions options_;
  double tokens_ = 0;
  Clock::TimePoint last_refill_{};
};

}  // namespace holdfast::resolver
