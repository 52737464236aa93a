// MemoryStore: a map, a revision counter and a bounded event history under one mutex.
#include "store/memory_store.h"

#include "store/txn_eval.h"

namespace holdfast::store {

Result<GetResult> MemoryStore::get(std::string_view key) {
  const std::lock_guard lock(mu_);
  GetResult out;
  out.revision = revision_;
  if (const auto it = data_.find(key); it != data_.end()) {
    out.kv = it->second;
  }
  return out;
}

Result<RangeResult> MemoryStore::range(std::string_view prefix) {
  const std::lock_guard lock(mu_);
  RangeResult out;
  out.revision = revision_;
  for (auto it = data_.lower_bound(prefix); it != data_.end() && hasPrefix(it->first, prefix);
       ++it) {
    out.kvs.push_back(it->second);
  }
  return out;
}

Result<TxnResult> MemoryStore::txn(const TxnRequest& request) {
  std::unique_lock lock(mu_);
  bool all_hold = true;
  for (const Compare& compare : request.compares) {
    std::optional<KeyValue> current;
    if (const auto it = data_.find(compare.key); it != data_.end()) {
      current = it->second;
    }
    if (!evaluateCompare(compare, current)) {
      all_hold = false;
      break;
    }
  }

  const Revision before = revision_;
  applyOps(all_hold ? request.success : request.failure, revision_ + 1);
  const TxnResult out{all_hold, revision_};
  lock.unlock();
  // Compare the copy taken under the lock: revision_ itself may only be read while mu_ is held.
  if (out.revision != before) {
    changed_.notify_all();
  }
  return out;
}

void MemoryStore::applyOps(const std::vector<Op>& ops, Revision revision) {
  bool changed = false;
  auto record = [&](Event::Type type, const KeyValue& kv) {
    history_.push_back(Event{type, kv});
    changed = true;
  };

  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::Kind::kPut: {
        KeyValue& kv = data_[op.key];
        if (kv.create_revision == 0) {
          kv.key = op.key;
          kv.create_revision = revision;
        }
        kv.value = op.value;
        kv.mod_revision = revision;
        kv.version += 1;
        record(Event::Type::kPut, kv);
        break;
      }
      case Op::Kind::kDelete:
        if (const auto it = data_.find(op.key); it != data_.end()) {
          record(Event::Type::kDelete, KeyValue{it->first, {}, 0, revision, 0});
          data_.erase(it);
        }
        break;
      case Op::Kind::kDeletePrefix:
        for (auto it = data_.lower_bound(op.key);
             it != data_.end() && hasPrefix(it->first, op.key);) {
          record(Event::Type::kDelete, KeyValue{it->first, {}, 0, revision, 0});
          it = data_.erase(it);
        }
        break;
    }
  }

  if (changed) {
    revision_ = revision;
  }
  while (history_.size() > history_limit_) {
    compacted_ = history_.front().kv.mod_revision;
    history_.pop_front();
  }
}

Result<WatchResult> MemoryStore::watch(std::string_view prefix,
                                       Revision after,
                                       std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  for (;;) {
    if (after < compacted_) {
      return makeError(Errc::kCompacted, "watch from revision " + std::to_string(after) +
                                             " but history starts after " +
                                             std::to_string(compacted_));
    }
    WatchResult out;
    out.revision = revision_;
    for (const Event& event : history_) {
      if (event.kv.mod_revision > after && hasPrefix(event.kv.key, prefix)) {
        out.events.push_back(event);
      }
    }
    if (!out.events.empty()) {
      return out;
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      out.revision = revision_;
      return out;
    }
  }
}

Result<Revision> MemoryStore::currentRevision() {
  const std::lock_guard lock(mu_);
  return revision_;
}

}  // namespace holdfast::store
