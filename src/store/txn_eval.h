// Compare evaluation shared by the backends that evaluate transactions themselves.
#pragma once

#include <optional>

#include "store/store.h"

namespace holdfast::store {

// Evaluates one compare against the key's current state (nullopt if the key is absent),
// with etcd's meaning: a missing key has revision and version 0 and never matches a value.
[[nodiscard]] inline bool evaluateCompare(const Compare& compare,
                                          const std::optional<KeyValue>& current) noexcept {
  if (compare.target == CompareTarget::kValue) {
    if (!current) {
      return false;
    }
    const int c = current->value.compare(compare.value);
    switch (compare.op) {
      case CompareOp::kEqual:
        return c == 0;
      case CompareOp::kNotEqual:
        return c != 0;
      case CompareOp::kLess:
        return c < 0;
      case CompareOp::kGreater:
        return c > 0;
    }
    return false;
  }

  std::int64_t actual = 0;
  if (current) {
    switch (compare.target) {
      case CompareTarget::kModRevision:
        actual = current->mod_revision;
        break;
      case CompareTarget::kCreateRevision:
        actual = current->create_revision;
        break;
      case CompareTarget::kVersion:
        actual = current->version;
        break;
      case CompareTarget::kValue:
        break;
    }
  }
  switch (compare.op) {
    case CompareOp::kEqual:
      return actual == compare.number;
    case CompareOp::kNotEqual:
      return actual != compare.number;
    case CompareOp::kLess:
      return actual < compare.number;
    case CompareOp::kGreater:
      return actual > compare.number;
  }
  return false;
}

}  // namespace holdfast::store
