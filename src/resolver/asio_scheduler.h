// AsioScheduler: Scheduler over steady timers on one io_context.
#pragma once

#include <memory>
#include <unordered_map>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "resolver/scheduler.h"

namespace holdfast::resolver {

// Not thread-safe: use from the io_context's thread only.
class AsioScheduler final : public Scheduler {
public:
  explicit AsioScheduler(asio::io_context& context) : context_(context) {}

  AsioScheduler(const AsioScheduler&) = delete;
  AsioScheduler& operator=(const AsioScheduler&) = delete;

  [[nodiscard]] TimerId schedule(Clock::Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) noexcept override;

private:
  asio::io_context& context_;
  std::unordered_map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
  TimerId next_ = 1;
};

}  // namespace holdfast::resolver
