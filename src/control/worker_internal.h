// Thread helpers shared by the control plane components: interruptible sleep and a watch loop.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "control/pass_scope.h"
#include "store/store.h"

namespace holdfast::control {

// How long one store watch call may block. It bounds how long stop() waits for a watching
// thread and how late a requested re-run starts.
inline constexpr std::chrono::milliseconds kWatchSlice{100};

// Sleeps for `duration` or until `token` is stopped. Returns false if stopping.
bool sleepFor(std::stop_token token, std::chrono::milliseconds duration);

struct WatchLoopOptions {
  std::vector<std::string> prefixes;          // store prefixes whose changes trigger a pass
  std::chrono::milliseconds full_pass{5000};  // a pass runs at least this often regardless
  std::function<bool()> take_request;         // optional: true if a pass was asked for
};

// Runs `pass` once, then again after every change under one of the prefixes, every full_pass, and
// whenever take_request() returns true, until `token` is stopped.
//
// A pass after changes gets the changed keys (PassScope::keys, incremental). The first pass,
// the periodic one, one after a store error (including a compacted watch: history was lost) and
// one on request are full (PassScope::full). Changes that arrive during a pass are collected by
// the next watch, so a change made during a pass triggers another one; a full pass that calls
// PassScope::interleave runs incremental passes for them as it goes. Store errors cause a
// fresh full pass after a pause of kWatchSlice.
void runWatchLoop(store::Store& store,
                  const WatchLoopOptions& options,
                  std::stop_token token,
                  const std::function<void(const PassScope&)>& pass);

}  // namespace holdfast::control
