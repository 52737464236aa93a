// The store interface: a revisioned key-value store with multi-key compare-and-swap transactions
// and watches, modelled on etcd v3 so that every backend (memory, sqlite, etcd) has one meaning.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace holdfast::store {

// The store's global revision. Every committed transaction that changes something raises it by
// exactly one; a transaction that changes nothing leaves it alone. Revision 0 means "never".
using Revision = std::int64_t;

// One key as stored, with etcd's bookkeeping.
struct KeyValue {
  std::string key;
  std::string value;
  Revision create_revision = 0;  // revision of the put that created the key
  Revision mod_revision = 0;     // revision of the last put to the key
  std::int64_t version = 0;      // number of puts since creation (1 after the first)
};

enum class CompareTarget {
  kValue,           // the key's value (a missing key never matches)
  kModRevision,     // mod_revision; a missing key has 0
  kCreateRevision,  // create_revision; a missing key has 0, so "== 0" means "absent"
  kVersion,         // version; a missing key has 0
};

enum class CompareOp {
  kEqual,
  kNotEqual,
  kLess,
  kGreater
};

// One condition of a transaction. Build with the named constructors.
struct Compare {
  std::string key;
  CompareTarget target = CompareTarget::kModRevision;
  CompareOp op = CompareOp::kEqual;
  std::string value;        // for kValue
  std::int64_t number = 0;  // for the revision and version targets

  // mod_revision(key) == revision; revision 0 means "the key does not exist".
  [[nodiscard]] static Compare modRevisionIs(std::string key, Revision revision) {
    return Compare{std::move(key), CompareTarget::kModRevision, CompareOp::kEqual, {}, revision};
  }

  // The key does not exist.
  [[nodiscard]] static Compare absent(std::string key) {
    return Compare{std::move(key), CompareTarget::kCreateRevision, CompareOp::kEqual, {}, 0};
  }

  // The key exists and its value is exactly `value`.
  [[nodiscard]] static Compare valueIs(std::string key, std::string value) {
    return Compare{std::move(key), CompareTarget::kValue, CompareOp::kEqual, std::move(value), 0};
  }
};

// One write of a transaction.
struct Op {
  enum class Kind {
    kPut,           // set key to value
    kDelete,        // delete key (no-op if absent)
    kDeletePrefix,  // delete every key that starts with `key`
  };
  Kind kind = Kind::kPut;
  std::string key;
  std::string value;

  [[nodiscard]] static Op put(std::string key, std::string value) {
    return Op{Kind::kPut, std::move(key), std::move(value)};
  }

  [[nodiscard]] static Op del(std::string key) { return Op{Kind::kDelete, std::move(key), {}}; }

  [[nodiscard]] static Op delPrefix(std::string prefix) {
    return Op{Kind::kDeletePrefix, std::move(prefix), {}};
  }
};

// If every compare holds, apply `success` atomically; otherwise apply `failure` (usually empty).
// All operations of a transaction share one new revision. A key may be written at most once
// per branch.
struct TxnRequest {
  std::vector<Compare> compares;
  std::vector<Op> success;
  std::vector<Op> failure;
};

// Outcome of a transaction. A failed compare is an expected outcome (succeeded == false), not an
// error: it means somebody else wrote first and the caller must re-read.
struct TxnResult {
  bool succeeded = false;
  Revision revision = 0;  // the store revision after the transaction
};

// A consistent read of every key under a prefix, sorted by key, at one revision.
struct RangeResult {
  std::vector<KeyValue> kvs;
  Revision revision = 0;  // the store revision the read saw
};

struct GetResult {
  std::optional<KeyValue> kv;  // empty if the key does not exist
  Revision revision = 0;       // the store revision the read saw
};

struct Event {
  enum class Type {
    kPut,
    kDelete
  };
  Type type = Type::kPut;
  KeyValue kv;  // for kDelete: key, and mod_revision = the revision of the deletion
};

// Events with revision > the requested one, in revision order (and, within one revision, in
// the order the transaction wrote them).
struct WatchResult {
  std::vector<Event> events;
  Revision revision = 0;  // the store revision up to which events are complete
};

// Thread-safety: every method may be called from any thread concurrently.
// Durability: once txn() returns succeeded, the change survives a crash of the process (for
// persistent backends; `memory` keeps nothing).
class Store {
public:
  virtual ~Store() = default;

  // Reads one key.
  [[nodiscard]] virtual Result<GetResult> get(std::string_view key) = 0;

  // Reads every key that starts with `prefix` ("" reads everything).
  [[nodiscard]] virtual Result<RangeResult> range(std::string_view prefix) = 0;

  // Runs one transaction atomically. Errors are for failures of the backend only.
  [[nodiscard]] virtual Result<TxnResult> txn(const TxnRequest& request) = 0;

  // Waits until at least one event under `prefix` with revision > `after` exists, or until
  // `max_wait` passes, and returns the events (possibly none on timeout). Returns kCompacted if
  // the store no longer holds history back to `after`: the caller must range() again and watch
  // from that read's revision.
  [[nodiscard]] virtual Result<WatchResult> watch(std::string_view prefix,
                                                  Revision after,
                                                  std::chrono::milliseconds max_wait) = 0;

  // The current revision.
  [[nodiscard]] virtual Result<Revision> currentRevision() = 0;

  // Convenience: unconditional put and delete as one-op transactions.
  [[nodiscard]] Result<Revision> put(std::string key, std::string value);
  [[nodiscard]] Result<Revision> del(std::string key);
};

// Returns true if `key` starts with `prefix`.
[[nodiscard]] inline bool hasPrefix(std::string_view key, std::string_view prefix) noexcept {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace holdfast::store
