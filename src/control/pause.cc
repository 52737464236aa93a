// Pause and resume: one key each, written and deleted in one-op transactions.
#include "control/pause.h"

#include <string>

namespace holdfast::control {

namespace {

std::string keyFor(std::string_view endpoint) {
  return endpoint.empty() ? std::string(kPausedKey) : pausedKey(endpoint);
}

Result<std::optional<PauseRecord>> readOne(store::Store& store, const std::string& key) {
  auto got = store.get(key);
  if (!got.ok()) {
    return got.error();
  }
  if (!got->kv) {
    return std::optional<PauseRecord>();
  }
  auto record = decodePause(got->kv->value);
  if (!record.ok()) {
    return std::optional<PauseRecord>(PauseRecord{"?", 0, "unreadable pause record"});
  }
  return std::optional<PauseRecord>(std::move(*record));
}

}  // namespace

Status pauseAutomation(store::Store& store, std::string_view endpoint, const PauseRecord& record) {
  auto written = store.put(keyFor(endpoint), encodePause(record));
  if (!written.ok()) {
    return written.error();
  }
  return okStatus();
}

Result<bool> resumeAutomation(store::Store& store, std::string_view endpoint) {
  const std::string key = keyFor(endpoint);
  store::TxnRequest request;
  request.compares.push_back(store::Compare{
      key, store::CompareTarget::kCreateRevision, store::CompareOp::kGreater, {}, 0});
  request.success.push_back(store::Op::del(key));
  auto committed = store.txn(request);
  if (!committed.ok()) {
    return committed.error();
  }
  return committed->succeeded;
}

Result<PauseState> readPause(store::Store& store, std::string_view endpoint) {
  PauseState state;
  auto global = readOne(store, std::string(kPausedKey));
  if (!global.ok()) {
    return global.error();
  }
  state.global = std::move(*global);
  auto local = readOne(store, pausedKey(endpoint));
  if (!local.ok()) {
    return local.error();
  }
  state.endpoint = std::move(*local);
  return state;
}

}  // namespace holdfast::control
