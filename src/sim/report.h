// Report: human-readable output of the simulator (summary, traces, commits).
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "sim/checker.h"
#include "sim/runner.h"
#include "sim/sim_store.h"

namespace holdfast::sim {

// The totals of a sweep, one figure per line.
[[nodiscard]] std::string formatSummary(const SimConfig& config,
                                        const SweepOptions& options,
                                        const Summary& summary);

// "S1 never empty at 23.120s (step 147): ...".
[[nodiscard]] std::string formatViolation(const Violation& violation);

// One line per event of a commit: "rev 57 enactor-2: put published/e0.sim.test. g5 [a,b]".
[[nodiscard]] std::string formatCommit(const Commit& commit);

// Builds a readable trace from World's step listener: every chaos step with its outcome, the
// store writes it made and the violations it caused; in the recovery phase only the steps that
// wrote, broke something or answered a client with nothing.
class TraceWriter {
public:
  void onStep(const Step& step, std::span<const Commit> commits, std::span<const Violation> found);

  [[nodiscard]] const std::string& text() const { return text_; }

private:
  std::string text_;
  bool recovering_ = false;
  std::size_t quiet_ = 0;  // recovery steps left out since the last one written
};

}  // namespace holdfast::sim
