// Clock: the injectable source of time, so control-plane logic can run on a virtual clock.
#pragma once

#include <chrono>

namespace holdfast {

// Monotonic time for timeouts and intervals, and wall time for logs and records.
// Implementations must be thread-safe.
class Clock {
public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;

  [[nodiscard]] virtual TimePoint now() const = 0;
  [[nodiscard]] virtual std::chrono::system_clock::time_point wallNow() const = 0;
};

// The real clock of the machine.
class SystemClock final : public Clock {
public:
  [[nodiscard]] TimePoint now() const override { return std::chrono::steady_clock::now(); }

  [[nodiscard]] std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now();
  }

  // A process-wide instance; it has no state.
  [[nodiscard]] static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

}  // namespace holdfast
