// Rng: the simulator's only source of randomness, identical for a seed on every platform.
#pragma once

#include <cstdint>

namespace holdfast::sim {

// xoshiro256** seeded through splitmix64. The standard distributions are implementation-defined,
// so every draw is computed here; a seed therefore names one schedule everywhere.
// Not thread-safe: each simulated schedule owns its generator.
class Rng {
public:
  explicit Rng(std::uint64_t seed);

  [[nodiscard]] std::uint64_t next();

  // Uniform in [0, n). REQUIRES: n > 0.
  [[nodiscard]] std::uint64_t below(std::uint64_t n);

  // Uniform in [lo, hi], both included. REQUIRES: lo <= hi.
  [[nodiscard]] std::int64_t between(std::int64_t lo, std::int64_t hi);

  // Uniform in [0, 1).
  [[nodiscard]] double unit();

  // True with probability p (p <= 0: never, p >= 1: always).
  [[nodiscard]] bool chance(double p);

  // A heavy-tailed (Pareto) duration: at least `scale_ms`, tail index `alpha` (smaller is
  // heavier), never above `cap_ms`.
  [[nodiscard]] std::int64_t pareto(std::int64_t scale_ms, double alpha, std::int64_t cap_ms);

private:
  std::uint64_t s_[4];
};

}  // namespace holdfast::sim
