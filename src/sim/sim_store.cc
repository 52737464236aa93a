// SimStore: stale reads from kept versions, injected faults, and commit reports.
#include "sim/sim_store.h"

#include <algorithm>

namespace holdfast::sim {

namespace {

// Bound on MemoryStore's watch history; nothing in the simulator watches, so it stays small.
constexpr std::size_t kHistoryLimit = 64;

Error crashedError() {
  return makeError(Errc::kStore, "simulated crash: the process is gone");
}

bool has(const std::vector<OpFault>& faults, OpFault::Kind kind) {
  return std::any_of(faults.begin(), faults.end(),
                     [kind](const OpFault& f) { return f.kind == kind; });
}

int lagOf(const std::vector<OpFault>& faults) {
  for (const OpFault& fault : faults) {
    if (fault.kind == OpFault::Kind::kLag) {
      return fault.value;
    }
  }
  return 0;
}

}  // namespace

SimStore::SimStore() : inner_(kHistoryLimit) {}

void SimStore::beginStep(ActorId actor, store::Revision floor, Step& step, FaultDecider* decider) {
  in_step_ = true;
  actor_ = actor;
  step_ = &step;
  decider_ = decider;
  ops_ = 0;
  crashed_ = false;
  floor_ = std::min(floor, revision_);
}

SimStore::StepEnd SimStore::endStep() {
  if (!crashed_) {
    const std::vector<OpFault> end = faultsOf(OpFault::kEndOfStep, false);
    crashed_ = has(end, OpFault::Kind::kCrashBefore);
  }
  const StepEnd out{ops_, crashed_, floor_};
  in_step_ = false;
  step_ = nullptr;
  decider_ = nullptr;
  return out;
}

std::vector<OpFault> SimStore::faultsOf(int op, bool is_txn) {
  if (decider_ != nullptr) {
    decider_->decide(op, is_txn, step_->faults);
  }
  std::vector<OpFault> out;
  for (const OpFault& fault : step_->faults) {
    if (fault.op == op) {
      out.push_back(fault);
    }
  }
  return out;
}

store::Revision SimStore::readRevision(int lag) {
  floor_ = std::max(floor_, revision_ - lag);
  return floor_;
}

std::optional<store::KeyValue> SimStore::readAt(std::string_view key,
                                                store::Revision revision) const {
  const auto it = versions_.find(key);
  if (it == versions_.end()) {
    return std::nullopt;
  }
  const std::vector<Version>& history = it->second;
  const auto newer =
      std::upper_bound(history.begin(), history.end(), revision,
                       [](store::Revision r, const Version& v) { return r < v.revision; });
  if (newer == history.begin()) {
    return std::nullopt;
  }
  return std::prev(newer)->kv;
}

Result<store::GetResult> SimStore::get(std::string_view key) {
  if (!in_step_) {
    return inner_.get(key);
  }
  const std::vector<OpFault> faults = faultsOf(ops_++, false);
  if (crashed_ || has(faults, OpFault::Kind::kCrashBefore)) {
    crashed_ = true;
    return crashedError();
  }
  if (has(faults, OpFault::Kind::kFail)) {
    return makeError(Errc::kStore, "injected store failure");
  }
  const store::Revision at = readRevision(lagOf(faults));
  if (has(faults, OpFault::Kind::kCrashAfter)) {
    crashed_ = true;
    return crashedError();
  }
  return store::GetResult{readAt(key, at), at};
}

Result<store::RangeResult> SimStore::range(std::string_view prefix) {
  if (!in_step_) {
    return inner_.range(prefix);
  }
  const std::vector<OpFault> faults = faultsOf(ops_++, false);
  if (crashed_ || has(faults, OpFault::Kind::kCrashBefore)) {
    crashed_ = true;
    return crashedError();
  }
  if (has(faults, OpFault::Kind::kFail)) {
    return makeError(Errc::kStore, "injected store failure");
  }
  const store::Revision at = readRevision(lagOf(faults));
  if (has(faults, OpFault::Kind::kCrashAfter)) {
    crashed_ = true;
    return crashedError();
  }
  store::RangeResult out;
  out.revision = at;
  for (auto it = versions_.lower_bound(prefix);
       it != versions_.end() && store::hasPrefix(it->first, prefix); ++it) {
    if (auto kv = readAt(it->first, at)) {
      out.kvs.push_back(std::move(*kv));
    }
  }
  return out;
}

Result<store::TxnResult> SimStore::txn(const store::TxnRequest& request) {
  if (!in_step_) {
    return commit(ActorId{ActorKind::kSim, 0}, request);
  }
  const std::vector<OpFault> faults = faultsOf(ops_++, true);
  if (crashed_ || has(faults, OpFault::Kind::kCrashBefore)) {
    crashed_ = true;
    return crashedError();
  }
  if (has(faults, OpFault::Kind::kFail)) {
    return makeError(Errc::kStore, "injected store failure");
  }
  if (has(faults, OpFault::Kind::kConflict)) {
    interfere(request);
  }
  auto result = commit(actor_, request);
  if (!result.ok()) {
    return result;
  }
  // Read-your-writes: the actor's later reads see at least its own transaction.
  floor_ = revision_;
  if (has(faults, OpFault::Kind::kCrashAfter)) {
    crashed_ = true;
    return crashedError();
  }
  if (has(faults, OpFault::Kind::kAmbiguous)) {
    return makeError(Errc::kStore, "connection lost after commit: outcome unknown");
  }
  return result;
}

// A conflicting writer: rewrites the first compared key that exists with its own value, which
// moves its mod_revision exactly as a competing write would.
void SimStore::interfere(const store::TxnRequest& request) {
  for (const store::Compare& compare : request.compares) {
    if (auto kv = readAt(compare.key, revision_)) {
      store::TxnRequest touch;
      touch.success.push_back(store::Op::put(kv->key, kv->value));
      (void)commit(ActorId{ActorKind::kSim, 0}, touch);
      return;
    }
  }
}

Result<store::TxnResult> SimStore::commit(ActorId actor, const store::TxnRequest& request) {
  auto result = inner_.txn(request);
  if (result.ok() && result->revision != revision_) {
    record(actor, request, *result);
  }
  return result;
}

void SimStore::record(ActorId actor,
                      const store::TxnRequest& request,
                      const store::TxnResult& result) {
  Commit commit{actor, result.revision, {}};
  auto deleted = [&](const std::string& key) {
    commit.events.push_back(
        store::Event{store::Event::Type::kDelete, store::KeyValue{key, {}, 0, result.revision, 0}});
    versions_[key].push_back(Version{result.revision, std::nullopt});
  };
  for (const store::Op& op : result.succeeded ? request.success : request.failure) {
    switch (op.kind) {
      case store::Op::Kind::kPut: {
        auto now = inner_.get(op.key);
        if (now.ok() && now->kv) {
          commit.events.push_back(store::Event{store::Event::Type::kPut, *now->kv});
          versions_[op.key].push_back(Version{result.revision, now->kv});
        }
        break;
      }
      case store::Op::Kind::kDelete:
        if (readAt(op.key, revision_)) {
          deleted(op.key);
        }
        break;
      case store::Op::Kind::kDeletePrefix: {
        std::vector<std::string> doomed;
        for (auto it = versions_.lower_bound(op.key);
             it != versions_.end() && store::hasPrefix(it->first, op.key); ++it) {
          if (readAt(it->first, revision_)) {
            doomed.push_back(it->first);
          }
        }
        for (const std::string& key : doomed) {
          deleted(key);
        }
        break;
      }
    }
  }
  revision_ = result.revision;
  if (observer_) {
    observer_(commit);
  }
}

Result<store::WatchResult> SimStore::watch(std::string_view prefix,
                                           store::Revision after,
                                           std::chrono::milliseconds /*max_wait*/) {
  if (in_step_) {
    ++ops_;
  }
  return inner_.watch(prefix, after, std::chrono::milliseconds(0));
}

Result<store::Revision> SimStore::currentRevision() {
  if (in_step_) {
    ++ops_;
    if (crashed_) {
      return crashedError();
    }
  }
  return revision_;
}

}  // namespace holdfast::sim
