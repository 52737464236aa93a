// shrinkSchedule: delta debugging over steps, then over faults.
#include "sim/shrink.h"

#include <algorithm>
#include <optional>

#include "sim/runner.h"

namespace holdfast::sim {

namespace {

class Shrinker {
public:
  Shrinker(const Schedule& schedule, Property target, int max_replays)
      : best_(schedule), target_(target), max_replays_(max_replays) {}

  ShrinkResult run() {
    (void)fails(best_);
    removeSteps();
    removeFaults();
    for (Step& step : best_.steps) {
      step.note.clear();
    }
    return ShrinkResult{best_, violation_, replays_};
  }

private:
  // Replays `candidate`; true (remembering its violation) if it still breaks the target.
  bool fails(const Schedule& candidate) {
    ++replays_;
    const RunResult result = replaySchedule(candidate, {}, target_);
    for (const Violation& violation : result.violations) {
      if (violation.property == target_) {
        violation_ = violation;
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool budgetLeft() const { return replays_ < max_replays_; }

  void removeSteps() {
    std::size_t parts = 2;
    while (budgetLeft()) {
      const std::size_t chaos = best_.steps.size() - 1;  // the last step is faults-stop
      if (chaos == 0) {
        return;
      }
      parts = std::min(parts, chaos);
      const std::size_t chunk = (chaos + parts - 1) / parts;
      bool removed = false;
      for (std::size_t start = 0; start < chaos && budgetLeft(); start += chunk) {
        Schedule candidate = best_;
        const auto first = candidate.steps.begin() + static_cast<std::ptrdiff_t>(start);
        candidate.steps.erase(first,
                              first + static_cast<std::ptrdiff_t>(std::min(chunk, chaos - start)));
        if (fails(candidate)) {
          best_ = std::move(candidate);
          parts = std::max<std::size_t>(parts - 1, 2);
          removed = true;
          break;
        }
      }
      if (!removed) {
        if (parts >= chaos) {
          return;
        }
        parts = std::min(parts * 2, chaos);
      }
    }
  }

  void removeFaults() {
    for (std::size_t s = 0; s < best_.steps.size() && budgetLeft(); ++s) {
      for (std::size_t f = best_.steps[s].faults.size(); f > 0 && budgetLeft(); --f) {
        Schedule candidate = best_;
        auto& faults = candidate.steps[s].faults;
        faults.erase(faults.begin() + static_cast<std::ptrdiff_t>(f - 1));
        if (fails(candidate)) {
          best_ = std::move(candidate);
        }
      }
    }
  }

  Schedule best_;
  const Property target_;
  const int max_replays_;
  int replays_ = 0;
  Violation violation_;
};

}  // namespace

ShrinkResult shrinkSchedule(const Schedule& schedule, Property target, int max_replays) {
  return Shrinker(schedule, target, max_replays).run();
}

}  // namespace holdfast::sim
