// Guarded<T>: data that can only be reached while holding its mutex.
#pragma once

#include <mutex>
#include <utility>

namespace holdfast::resolver {

// Holds a T and a mutex; the only access is withLock(), which runs a function on the T under
// the lock. Thread-safe.
template <typename T>
class Guarded {
public:
  template <typename... Args>
  explicit Guarded(Args&&... args) : value_(std::forward<Args>(args)...) {}

  template <typename Fn>
  decltype(auto) withLock(Fn&& fn) {
    std::lock_guard lock(mutex_);
    return std::forward<Fn>(fn)(value_);
  }

  template <typename Fn>
  decltype(auto) withLock(Fn&& fn) const {
    std::lock_guard lock(mutex_);
    return std::forward<Fn>(fn)(value_);
  }

private:
  mutable std::mutex mutex_;
  T value_;
};

}  // namespace holdfast::resolver
