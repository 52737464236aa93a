// Store keys and records of the naive (October 2025) protocol model.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "control/records.h"

namespace holdfast::sim {

// "naive/active/<endpoint>": which plan is live. Unlike holdfast's published/<endpoint> it holds
// a reference to the plan, not the addresses (the opposite of S4).
[[nodiscard]] std::string naiveActiveKey(std::string_view endpoint);
// "naive/lock/<endpoint>": the per-endpoint lock, holder plus expiry on the holder's clock.
[[nodiscard]] std::string naiveLockKey(std::string_view endpoint);
// "naive/rollback/<endpoint>": the previously active generation, rewritten with every apply.
[[nodiscard]] std::string naiveRollbackKey(std::string_view endpoint);

struct NaiveActive {
  control::Generation generation = 0;
  control::Generation checked_against = 0;  // the active generation its writer's check saw
};

struct NaiveLock {
  std::string holder;
  std::int64_t expires_ms = 0;  // wall clock of the holder
};

[[nodiscard]] std::string encodeNaiveActive(const NaiveActive& active);
[[nodiscard]] Result<NaiveActive> decodeNaiveActive(std::string_view text);
[[nodiscard]] std::string encodeNaiveLock(const NaiveLock& lock);
[[nodiscard]] Result<NaiveLock> decodeNaiveLock(std::string_view text);

}  // namespace holdfast::sim
