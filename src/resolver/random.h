// Random: the injectable source of randomness (query IDs, upstream exploration, jitter).
#pragma once

#include <cstdint>
#include <random>

namespace holdfast::resolver {

// Thread-safety is up to the implementation; SystemRandom is thread-safe.
class Random {
public:
  virtual ~Random() = default;

  [[nodiscard]] virtual std::uint64_t next() = 0;

  // Uniform in [0, bound); 0 when bound is 0.
  [[nodiscard]] std::uint64_t below(std::uint64_t bound) { return bound == 0 ? 0 : next() % bound; }
};

// The kernel-seeded generator of the C library (arc4random): unpredictable query IDs are what
// keeps off-path spoofing hard (RFC 5452 section 9.2). Thread-safe.
class SystemRandom final : public Random {
public:
  [[nodiscard]] std::uint64_t next() override;
};

// A seeded generator for deterministic tests. Not thread-safe.
class SeededRandom final : public Random {
public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

  [[nodiscard]] std::uint64_t next() override { return engine_(); }

private:
  std::mt19937_64 engine_;
};

}  // namespace holdfast::resolver
