// FailureWindow: a count of failures kept in step with a bounded queue of outcomes.
#include "probe/failure_window.h"

namespace holdfast::probe {

void FailureWindow::record(bool failed) {
  outcomes_.push_back(failed);
  failures_ += failed ? 1 : 0;
  if (outcomes_.size() > capacity_) {
    failures_ -= outcomes_.front() ? 1 : 0;
    outcomes_.pop_front();
  }
}

double FailureWindow::ratio() const {
  if (outcomes_.empty()) {
    return 0.0;
  }
  return static_cast<double>(failures_) / static_cast<double>(outcomes_.size());
}

}  // namespace holdfast::probe
