// Scheduler: the injectable timer service the forwarder runs its deadlines on.
#pragma once

#include <cstdint>
#include <functional>

#include "common/clock.h"

namespace holdfast::resolver {

using TimerId = std::uint64_t;

// Runs functions after a delay on the owner's event loop. Callbacks never run inside schedule()
// or cancel(). Not thread-safe: one scheduler per event loop.
class Scheduler {
public:
  virtual ~Scheduler() = default;

  // Runs `fn` once after `delay`. The id is never 0.
  [[nodiscard]] virtual TimerId schedule(Clock::Duration delay, std::function<void()> fn) = 0;

  // Stops a pending timer; a timer that ran or an unknown id is ignored.
  virtual void cancel(TimerId id) noexcept = 0;
};

}  // namespace holdfast::resolver
