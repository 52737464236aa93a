// Timers for the forwarder on Asio.
#include "resolver/asio_scheduler.h"

namespace holdfast::resolver {

TimerId AsioScheduler::schedule(Clock::Duration delay, std::function<void()> fn) {
  const TimerId id = next_++;
  auto timer = std::make_unique<asio::steady_timer>(context_, delay);
  timer->async_wait([this, id, fn = std::move(fn)](const asio::error_code& ec) {
    if (ec) {
      return;  // cancelled: the timer may be gone already
    }
    timers_.erase(id);
    fn();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioScheduler::cancel(TimerId id) noexcept {
  const auto it = timers_.find(id);
  if (it != timers_.end()) {
    it->second->cancel();
    timers_.erase(it);
  }
}

}  // namespace holdfast::resolver
