// Shrinking: the smallest schedule that still breaks the same property.
#pragma once

#include "sim/checker.h"
#include "sim/schedule.h"

namespace holdfast::sim {

// Bound on replays while shrinking: enough for schedules of thousands of steps, and a few
// seconds at most.
inline constexpr int kMaxShrinkReplays = 4000;

struct ShrinkResult {
  Schedule schedule;
  Violation violation;  // the target violation as the shrunk schedule produces it
  int replays = 0;
};

// Removes chaos steps (delta debugging: halves, then quarters, down to single steps) and then
// single faults, keeping every removal after which a replay still breaks `target`. The
// faults-stop step is kept, and the recovery phase after it is deterministic, so a liveness
// violation cannot be produced by removing recovery steps. Stops after `max_replays`.
// REQUIRES: replaying `schedule` breaks `target`.
[[nodiscard]] ShrinkResult shrinkSchedule(const Schedule& schedule,
                                          Property target,
                                          int max_replays = kMaxShrinkReplays);

}  // namespace holdfast::sim
