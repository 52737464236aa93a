// Interruptible sleep and the store watch loop used by the planner and the enactors.
#include "control/worker_internal.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <utility>

namespace holdfast::control {

namespace {

// The keys of `watched`'s events under one of `prefixes`.
std::set<std::string> changedKeys(const store::WatchResult& watched,
                                  const std::vector<std::string>& prefixes) {
  std::set<std::string> keys;
  for (const store::Event& event : watched.events) {
    for (const std::string& prefix : prefixes) {
      if (store::hasPrefix(event.kv.key, prefix)) {
        keys.insert(event.kv.key);
        break;
      }
    }
  }
  return keys;
}

}  // namespace

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
      PassScope full = PassScope::everything();
      full.interleave = [&] {
        // What changed since the full pass began, without waiting. An error (or compaction) is
        // left to the loop's next watch, which retries from the same revision.
        auto watched = store.watch("", after, std::chrono::milliseconds(0));
        if (!watched.ok()) {
          return;
        }
        std::set<std::string> keys = changedKeys(*watched, options.prefixes);
        after = watched->revision;
        if (!keys.empty()) {
          pass(PassScope{false, std::move(keys), {}});
        }
      };
      pass(full);
      next_full_pass = Steady::now() + options.full_pass;
    } else if (!changed.empty()) {
      // The watch continues from the last event it returned, so nothing between this pass's
      // reads and the next watch is skipped.
      PassScope scope{false, std::exchange(changed, {}), {}};
      pass(scope);
    }

    // One watch of everything, filtered here: the store interface watches one prefix.
    auto watched = store.watch("", after, kWatchSlice);
    if (!watched.ok()) {
      full_due = true;
      sleepFor(token, kWatchSlice);
      continue;
    }
    changed.merge(changedKeys(*watched, options.prefixes));
    after = watched->revision;
  }
}

}  // namespace holdfast::control
