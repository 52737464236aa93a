// AlertMonitor: turns the resolver's counters and breaker states into alert conditions
// (firing or clear), for the webhook alerts; AlertLoop evaluates it on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "resolver/stats.h"
#include "resolver/upstream_pool.h"

namespace holdfast::resolver {

// How often the loop looks at the counters: alerts are about minutes-long conditions, so a
// second is prompt enough and costs nothing.
inline constexpr std::chrono::milliseconds kAlertCheckInterval{1000};

// By default an event-driven condition (stale answers, last-known-good holds) clears after this
// long without a new event, so a flapping upstream does not page on every answer.
inline constexpr std::chrono::milliseconds kDefaultAlertResolveAfter{std::chrono::minutes(1)};

// Condition names, as sent in the webhook's "alert" field.
inline constexpr const char* kAlertBreakerOpen = "upstream_breaker_open";
inline constexpr const char* kAlertLkgHold = "last_known_good_hold";
inline constexpr const char* kAlertStaleServed = "stale_answers_served";

struct AlertCondition {
  std::string name;     // one of the kAlert* names
  std::string subject;  // the upstream ("127.0.0.1:53") or "resolver"
  bool active = false;
  std::string summary;  // one human-readable line
};

// Not thread-safe; one caller (the loop) owns it.
class AlertMonitor {
public:
  explicit AlertMonitor(std::chrono::milliseconds resolve_after) : resolve_after_(resolve_after) {}

  // The state of every condition now: a breaker is firing while it is not closed; stale answers
  // and last-known-good holds fire when their counter grew since the last call, and clear once
  // it has not grown for `resolve_after`. Upstreams no longer configured are reported clear
  // once, then forgotten.
  [[nodiscard]] std::vector<AlertCondition> evaluate(Clock::TimePoint now,
                                                     const ResolverStats& stats,
                                                     const std::vector<UpstreamStatus>& upstreams);

private:
  struct EventCondition {
    std::uint64_t last_count = 0;
    bool active = false;
    Clock::TimePoint last_event{};
  };

  AlertCondition evaluateEvent(EventCondition& condition,
                               std::uint64_t count,
                               Clock::TimePoint now,
                               const char* name,
                               const char* what);

  std::chrono::milliseconds resolve_after_;
  bool first_ = true;
  EventCondition stale_;
  EventCondition lkg_;
  std::map<std::string, bool> breakers_;  // upstreams seen, and whether firing
};

// Calls `sink` with every condition, every `interval`, on its own thread, until stopped.
class AlertLoop {
public:
  using Evaluate = std::function<std::vector<AlertCondition>()>;
  using Sink = std::function<void(const AlertCondition&)>;

  AlertLoop(Evaluate evaluate, Sink sink, std::chrono::milliseconds interval);
  ~AlertLoop();

  AlertLoop(const AlertLoop&) = delete;
  AlertLoop& operator=(const AlertLoop&) = delete;

  // Wakes the thread and joins it. Idempotent.
  void stop() noexcept;

private:
  void run();

  Evaluate evaluate_;
  Sink sink_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace holdfast::resolver
