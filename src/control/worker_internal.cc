// Interruptible sleep and the store watch loop used by the planner and the enactors.
#include "control/worker_internal.h"

#include <condition_variable>
#include <mutex>

namespace holdfast::control {

bool sleepFor(std::stop_token token, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any wakeup;
  std::unique_lock lock(mu);
  wakeup.wait_for(lock, token, duration, [] { return false; });
  return !token.stop_requested();
}

void runWatchLoop(store::Store& store,
                  const WatchLoopOptions& options,
                  std::stop_token token,
                  const std::function<void()>& pass) {
  using Steady = std::chrono::steady_clock;
  store::Revision after = 0;
  bool pass_due = true;
  Steady::time_point next_full_pass = Steady::now();

  while (!token.stop_requested()) {
    if (options.take_request && options.take_request()) {
      pass_due = true;
    }
    if (pass_due || Steady::now() >= next_full_pass) {
      if (auto revision = store.currentRevision(); revision.ok()) {
        after = *revision;
      }
      pass();
      pass_due = false;
      next_full_pass = Steady::now() + options.full_pass;
    }

    // One watch of everything, filtered here: the store interface watches one prefix.
    auto watched = store.watch("", after, kWatchSlice);
    if (!watched.ok()) {
      pass_due = true;
      sleepFor(token, kWatchSlice);
      continue;
    }
    for (const store::Event& event : watched->events) {
      for (const std::string& prefix : options.prefixes) {
        pass_due = pass_due || store::hasPrefix(event.kv.key, prefix);
      }
    }
    after = watched->revision;
  }
}

}  // namespace holdfast::control
