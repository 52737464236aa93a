// Report: human-readable output of the simulator (summary, traces, commits).
#pragma once

#include <cstddef>
#include <set>
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
// store writes it made and the violations it caused. In the recovery phase, which repeats the
// same rounds, only steps that write or break something, and the first of each actor's
// distinct outcomes ("stuck", "EMPTY ANSWER"), are written; the rest are counted.
class TraceWriter {
public:
  void onStep(const Step& step, std::span<const Commit> commits, std::span<const Violation> found);

  // Ends the trace with the violations found after the last step (L1 is judged then).
  void finish(std::span<const Violation> late);

  [[nodiscard]] const std::string& text() const { return text_; }

private:
  void flushQuiet();

  std::string text_;
  bool recovering_ = false;
  std::size_t quiet_ = 0;                    // recovery steps left out since the last written
  std::set<std::string> recovery_outcomes_;  // "actor: note" already written in recovery
};

}  // namespace holdfast::sim
