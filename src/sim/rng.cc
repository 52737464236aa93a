// xoshiro256** (Blackman and Vigna), with splitmix64 to spread the seed over the state.
#include "sim/rng.h"

#include <algorithm>
#include <cmath>

namespace holdfast::sim {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  x += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Rng::Rng(std::uint64_t seed) {
  for (std::uint64_t& word : s_) {
    word = splitmix64(seed);
  }
}

std::uint64_t Rng::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Rejection sampling: the accepted range is a multiple of n, so there is no modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    const std::uint64_t x = next();
    if (x < limit) {
      return x % n;
    }
  }
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return span == 0 ? static_cast<std::int64_t>(next())
                   : lo + static_cast<std::int64_t>(below(span));
}

double Rng::unit() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

bool Rng::chance(double p) {
  return unit() < p;
}

std::int64_t Rng::pareto(std::int64_t scale_ms, double alpha, std::int64_t cap_ms) {
  const double u = unit();
  const double x = static_cast<double>(scale_ms) / std::pow(1.0 - u, 1.0 / alpha);
  return x >= static_cast<double>(cap_ms)
             ? cap_ms
             : std::max(scale_ms, static_cast<std::int64_t>(std::llround(x)));
}

}  // namespace holdfast::sim
