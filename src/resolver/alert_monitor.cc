// Alert conditions of the resolver.
#include "resolver/alert_monitor.h"

#include <fmt/format.h>

namespace holdfast::resolver {

AlertCondition AlertMonitor::evaluateEvent(EventCondition& condition,
                                           std::uint64_t count,
                                           Clock::TimePoint now,
                                           const char* name,
                                           const char* what) {
  // The first call only takes the baseline, so a restart of the loop never replays old events.
  if (first_) {
    condition.last_count = count;
  }
  if (count > condition.last_count) {
    condition.active = true;
    condition.last_event = now;
  } else if (condition.active && now - condition.last_event >= resolve_after_) {
    condition.active = false;
  }
  const std::uint64_t delta = count - std::min(count, condition.last_count);
  condition.last_count = count;
  return AlertCondition{
      name, "resolver", condition.active,
      condition.active
          ? fmt::format("{} ({} since the last check, {} in total)", what, delta, count)
          : fmt::format("no {} for {} ms", what, resolve_after_.count())};
}

std::vector<AlertCondition> AlertMonitor::evaluate(Clock::TimePoint now,
                                                   const ResolverStats& stats,
                                                   const std::vector<UpstreamStatus>& upstreams) {
  std::vector<AlertCondition> out;
  out.push_back(evaluateEvent(stale_, stats.stale_answers.load(std::memory_order_relaxed), now,
                              kAlertStaleServed, "stale answers served"));
  out.push_back(evaluateEvent(lkg_, stats.lkg_holds.load(std::memory_order_relaxed), now,
                              kAlertLkgHold, "last-known-good answers held"));
  first_ = false;

  std::map<std::string, bool> seen;
  for (const UpstreamStatus& u : upstreams) {
    const bool firing = u.state != BreakerState::kClosed;
    seen[u.name] = firing;
    out.push_back(
        AlertCondition{kAlertBreakerOpen, u.name, firing,
                       fmt::format("upstream {} breaker {}", u.name, breakerStateName(u.state))});
  }
  for (const auto& [name, firing] : breakers_) {
    if (!seen.contains(name) && firing) {
      out.push_back(AlertCondition{kAlertBreakerOpen, name, false,
                                   fmt::format("upstream {} no longer configured", name)});
    }
  }
  breakers_ = std::move(seen);
  return out;
}

AlertLoop::AlertLoop(Evaluate evaluate, Sink sink, std::chrono::milliseconds interval)
    : evaluate_(std::move(evaluate)), sink_(std::move(sink)), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

AlertLoop::~AlertLoop() {
  stop();
}

void AlertLoop::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AlertLoop::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    for (const AlertCondition& c : evaluate_()) {
      sink_(c);
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace holdfast::resolver
