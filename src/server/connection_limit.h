// ConnectionLimit: the bound on open TCP connections, shared by the listeners of every worker.
#pragma once

#include <atomic>
#include <cstddef>
#include <optional>
#include <utility>

namespace holdfast::server {

// Counts open connections against a maximum. Thread-safe.
class ConnectionLimit {
public:
  explicit ConnectionLimit(std::size_t max) noexcept : max_(max) {}

  ConnectionLimit(const ConnectionLimit&) = delete;
  ConnectionLimit& operator=(const ConnectionLimit&) = delete;

  // Takes one place if fewer than the maximum are taken.
  [[nodiscard]] bool tryAcquire() noexcept {
    std::size_t current = active_.load(std::memory_order_relaxed);
    while (current < max_) {
      if (active_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  void release() noexcept { active_.fetch_sub(1, std::memory_order_relaxed); }

  [[nodiscard]] std::size_t active() const noexcept {
    return active_.load(std::memory_order_relaxed);
  }

private:
  const std::size_t max_;
  std::atomic<std::size_t> active_{0};
};

// One place taken in a ConnectionLimit, given back when destroyed. Move-only.
class ConnectionSlot {
public:
  // A slot, or nothing when the limit is reached. `limit` must outlive the slot.
  [[nodiscard]] static std::optional<ConnectionSlot> acquire(ConnectionLimit& limit) noexcept {
    if (!limit.tryAcquire()) {
      return std::nullopt;
    }
    return ConnectionSlot(limit);
  }

  ConnectionSlot(ConnectionSlot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}

  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  ~ConnectionSlot() {
    if (limit_ != nullptr) {
      limit_->release();
    }
  }

private:
  explicit ConnectionSlot(ConnectionLimit& limit) noexcept : limit_(&limit) {}

  ConnectionLimit* limit_;
};

}  // namespace holdfast::server
