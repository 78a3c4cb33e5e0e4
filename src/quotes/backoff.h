// Jittered exponential backoff for reconnects: the n-th wait is uniform in
// [d/2, d] with d = min(max, min * 2^n), so many clients do not reconnect in lockstep.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace mc::quotes {

class backoff {
 public:
  backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, uint64_t seed)
      : min_(min), max_(std::max(min, max)), rng_(seed) {}

  std::chrono::milliseconds next() {
    auto ceiling = min_;
    for (int i = 0; i < attempt_ && ceiling < max_; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, max_);
    ++attempt_;
    std::uniform_int_distribution<int64_t> pick(ceiling.count() / 2, ceiling.count());
    return std::chrono::milliseconds{pick(rng_)};
  }

  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace mc::quotes
