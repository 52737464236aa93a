// The rolling window of query outcomes behind the `failure_ratio` rule.
#pragma once

#include <cstddef>
#include <deque>

namespace holdfast::probe {

// The outcomes of the last `capacity` attempts; older ones fall out as new ones come in.
// Not thread-safe: one probe loop owns it.
class FailureWindow {
public:
  // REQUIRES: capacity > 0 (the configuration checks it).
  explicit FailureWindow(std::size_t capacity) : capacity_(capacity) {}

  // Records one attempt, dropping the oldest when the window is full.
  void record(bool failed);

  // True once `capacity` attempts were recorded: a ratio over fewer is not judged.
  [[nodiscard]] bool full() const { return outcomes_.size() >= capacity_; }

  [[nodiscard]] std::size_t attempts() const { return outcomes_.size(); }

  [[nodiscard]] std::size_t failures() const { return failures_; }

  // Failures over attempts, 0 when nothing was recorded.
  [[nodiscard]] double ratio() const;

private:
  std::size_t capacity_;
  std::deque<bool> outcomes_;  // oldest first
  std::size_t failures_ = 0;   // trues in outcomes_
};

}  // namespace holdfast::probe
