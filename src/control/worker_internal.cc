// Interruptible sleep and the store watch loop used by the planner and the enactors.
#include "control/worker_internal.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <utility>

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
                  const std::function<void(const PassScope&)>& pass) {
  using Steady = std::chrono::steady_clock;
  store::Revision after = 0;
  bool full_due = true;
  std::set<std::string> changed;  // keys changed since the last pass (incremental passes)
  Steady::time_point next_full_pass = Steady::now();

  while (!token.stop_requested()) {
    if (options.take_request && options.take_request()) {
      full_due = true;
    }
    if (full_due || Steady::now() >= next_full_pass) {
      // Every change up to the revision read here is seen by the full pass; the watch goes on
      // from it. If the read fails, the watch goes on from where it was.
      if (auto revision = store.currentRevision(); revision.ok()) {
        after = std::max(after, *revision);
      }
      changed.clear();
      full_due = false;
      pass(PassScope::everything());
      next_full_pass = Steady::now() + options.full_pass;
    } else if (!changed.empty()) {
      // The watch continues from the last event it returned, so nothing between this pass's
      // reads and the next watch is skipped.
      PassScope scope{false, std::exchange(changed, {})};
      pass(scope);
    }

    // One watch of everything, filtered here: the store interface watches one prefix.
    auto watched = store.watch("", after, kWatchSlice);
    if (!watched.ok()) {
      full_due = true;
      sleepFor(token, kWatchSlice);
      continue;
    }
    for (const store::Event& event : watched->events) {
      for (const std::string& prefix : options.prefixes) {
        if (store::hasPrefix(event.kv.key, prefix)) {
          changed.insert(event.kv.key);
          break;
        }
      }
    }
    after = watched->revision;
  }
}

}  // namespace holdfast::control
