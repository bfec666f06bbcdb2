//===- Random.h - a small reproducible random generator ---------*- C++ -*-===//
//
// The standard library's distributions differ between implementations; this
// one gives the same draws everywhere, so a seed names a case.
//
//===----------------------------------------------------------------------===//

#ifndef BSATTN_RUNTIME_RANDOM_H
#define BSATTN_RUNTIME_RANDOM_H

#include <cstdint>

namespace bsattn::runtime {

/// SplitMix64: a good 64-bit mix of a counter, also used to seed Rng.
inline uint64_t splitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// xoshiro256**.
class Rng {
public:
  explicit Rng(uint64_t seed) {
    for (uint64_t &word : state) {
      seed = splitMix64(seed);
      word = seed;
    }
  }

  uint64_t next() {
    uint64_t result = rotl(state[1] * 5, 7) * 9;
    uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Uniform in [0, n), n > 0, without modulo bias.
  uint64_t below(uint64_t n) {
    uint64_t limit = -n % n; // 2^64 mod n
    uint64_t value;
    do
      value = next();
    while (value < limit);
    return value % n;
  }

  /// Uniform in [low, high), like numpy's integers(low, high).
  int64_t range(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(below(static_cast<uint64_t>(high - low)));
  }

private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state[4];
};

} // namespace bsattn::runtime

#endif // BSATTN_RUNTIME_RANDOM_H
