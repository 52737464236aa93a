// StatusBoard: the enactors' reports, kept under one mutex.
#include "control/status_board.h"

namespace holdfast::control {

StatusBoard& StatusBoard::process() {
  static StatusBoard board;
  return board;
}

EnactorStatus& StatusBoard::entry(const std::string& enactor) {
  EnactorStatus& status = enactors_[enactor];
  status.id = enactor;
  return status;
}

void StatusBoard::recordApplied(const std::string& enactor,
                                const std::string& endpoint,
                                Generation generation,
                                std::int64_t at_ms) {
  const std::lock_guard lock(mutex_);
  EnactorStatus& status = entry(enactor);
  status.last_applied_endpoint = endpoint;
  status.last_applied_generation = generation;
  status.last_applied_at_ms = at_ms;
  ++status.applied;
}

void StatusBoard::recordStaleRefused(const std::string& enactor) {
  const std::lock_guard lock(mutex_);
  ++entry(enactor).stale_refused;
}

void StatusBoard::recordHeld(const std::string& enactor) {
  const std::lock_guard lock(mutex_);
  ++entry(enactor).held;
}

void StatusBoard::recordPass(const std::string& enactor,
                             std::int64_t at_ms,
                             const std::string& error) {
  const std::lock_guard lock(mutex_);
  EnactorStatus& status = entry(enactor);
  status.last_pass_at_ms = at_ms;
  status.last_error = error;
  if (!error.empty()) {
    ++status.errors;
  }
}

std::vector<EnactorStatus> StatusBoard::enactors() const {
  const std::lock_guard lock(mutex_);
  std::vector<EnactorStatus> out;
  out.reserve(enactors_.size());
  for (const auto& [id, status] : enactors_) {
    out.push_back(status);
  }
  return out;
}

}  // namespace holdfast::control
