// NaiveEnactor: check once, apply under a lock without a generation compare, clean up blindly.
#include "sim/naive_enactor.h"

#include <fmt/format.h>

#include "sim/naive_records.h"

namespace holdfast::sim {

NaiveEnactor::NaiveEnactor(std::string id,
                           store::Store& store,
                           const std::vector<control::EndpointConfig>& endpoints,
                           int keep_plans,
                           const Clock& clock)
    : id_(std::move(id)),
      store_(store),
      endpoints_(endpoints),
      keep_plans_(static_cast<control::Generation>(keep_plans)),
      clock_(clock) {}

std::int64_t NaiveEnactor::wallMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.wallNow().time_since_epoch())
      .count();
}

NaiveOutcome NaiveEnactor::check() {
  for (int e = 0; e < static_cast<int>(endpoints_.size()); ++e) {
    const std::string& name = endpoints_[e].name;
    auto latest = store_.get(control::latestKey(name));
    auto active = store_.get(naiveActiveKey(name));
    if (!latest.ok() || !active.ok()) {
      return NaiveOutcome::kError;
    }
    if (!latest->kv) {
      continue;
    }
    auto pointer = control::decodeLatest(latest->kv->value);
    control::Generation live = 0;
    if (active->kv) {
      if (auto record = decodeNaiveActive(active->kv->value); record.ok()) {
        live = record->generation;
      }
    }
    // The one and only newer-than check: it is never repeated before the write.
    if (pointer.ok() && pointer->generation > live) {
      held_[e] = pointer->generation;
      checked_[e] = live;
    }
  }
  return held_.empty() ? NaiveOutcome::kNothing : NaiveOutcome::kHeld;
}

bool NaiveEnactor::lockedByOther(const std::optional<store::KeyValue>& lock) const {
  if (!lock) {
    return false;
  }
  // Expiry is judged on this enactor's own clock: a skewed clock steals a live lock.
  auto current = decodeNaiveLock(lock->value);
  return current.ok() && current->holder != id_ && current->expires_ms > wallMs();
}

NaiveOutcome NaiveEnactor::apply(int endpoint) {
  const auto held = held_.find(endpoint);
  if (held == held_.end()) {
    return NaiveOutcome::kNothing;
  }
  const std::string& name = endpoints_[endpoint].name;

  auto lock = store_.get(naiveLockKey(name));
  if (!lock.ok()) {
    return NaiveOutcome::kError;
  }
  if (lockedByOther(lock->kv)) {
    return NaiveOutcome::kBusy;
  }

  // The rollback record must point at the active plan, so the active plan must exist.
  auto active = store_.get(naiveActiveKey(name));
  if (!active.ok()) {
    return NaiveOutcome::kError;
  }
  control::Generation live = 0;
  if (active->kv) {
    auto record = decodeNaiveActive(active->kv->value);
    live = record.ok() ? record->generation : 0;
    auto plan = store_.get(control::planKey(name, live));
    if (!plan.ok()) {
      return NaiveOutcome::kError;
    }
    if (!plan->kv) {
      return NaiveOutcome::kStuck;
    }
  }

  store::TxnRequest request;
  request.compares.push_back(lock->kv ? store::Compare::valueIs(naiveLockKey(name), lock->kv->value)
                                      : store::Compare::absent(naiveLockKey(name)));
  request.success.push_back(
      store::Op::put(naiveLockKey(name), encodeNaiveLock({id_, wallMs() + kLockLeaseMs})));
  request.success.push_back(
      store::Op::put(naiveActiveKey(name), encodeNaiveActive({held->second, checked_[endpoint]})));
  request.success.push_back(store::Op::put(naiveRollbackKey(name), std::to_string(live)));
  auto committed = store_.txn(request);
  if (!committed.ok()) {
    return NaiveOutcome::kError;
  }
  if (!committed->succeeded) {
    return NaiveOutcome::kBusy;
  }
  applied_[endpoint] = held->second;
  checked_.erase(endpoint);
  held_.erase(held);
  return NaiveOutcome::kApplied;
}

NaiveOutcome NaiveEnactor::cleanup() {
  store::TxnRequest request;
  for (const auto& [endpoint, generation] : applied_) {
    const std::string& name = endpoints_[endpoint].name;
    auto range = store_.range(control::planPrefix(name));
    if (!range.ok()) {
      return NaiveOutcome::kError;
    }
    // "Much older than the plan I just applied": what is live now is never looked at.
    for (const store::KeyValue& kv : range->kvs) {
      const auto g = control::parsePlanKey(name, kv.key);
      if (g && generation > keep_plans_ && *g < generation - keep_plans_) {
        request.success.push_back(store::Op::del(kv.key));
      }
    }
  }
  applied_.clear();
  if (request.success.empty()) {
    return NaiveOutcome::kNothing;
  }
  auto committed = store_.txn(request);
  return committed.ok() ? NaiveOutcome::kCleaned : NaiveOutcome::kError;
}

std::optional<int> NaiveEnactor::nextApply() const {
  if (held_.empty()) {
    return std::nullopt;
  }
  return held_.begin()->first;
}

std::string NaiveEnactor::heldText() const {
  std::string out;
  for (const auto& [endpoint, generation] : held_) {
    out += fmt::format("{}e{}:g{} (checked against g{})", out.empty() ? "" : ", ", endpoint,
                       generation, checked_.count(endpoint) ? checked_.at(endpoint) : 0);
  }
  return out;
}

}  // namespace holdfast::sim
