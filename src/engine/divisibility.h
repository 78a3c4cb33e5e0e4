// "Is x a multiple of d?" for a divisor fixed at start-up, without a hardware divide: the
// Granlund-Montgomery test (Hacker's Delight 10-17). For d = d_odd * 2^k, a non-negative x is
// a multiple of d iff rotr(x * inverse(d_odd), k) <= (2^64 - 1) / d, all mod 2^64.
// Used for tick and lot checks on every place and replace.
#pragma once

#include <bit>
#include <cstdint>

namespace mc::engine {

class divisibility {
 public:
  explicit divisibility(std::int64_t d = 1) {
    const std::uint64_t ud = static_cast<std::uint64_t>(d);  // d > 0 (validate())
    shift_ = std::countr_zero(ud);
    const std::uint64_t odd = ud >> shift_;
    std::uint64_t inv = odd;                           // correct to 3 bits: odd * odd == 1 (mod 8)
    for (int i = 0; i < 5; ++i) inv *= 2 - odd * inv;  // Newton: 6, 12, 24, 48, 96 bits
    inverse_ = inv;
    limit_ = UINT64_MAX / ud;
  }

  // x >= 0.
  bool divides(std::int64_t x) const {
    return std::rotr(static_cast<std::uint64_t>(x) * inverse_, shift_) <= limit_;
  }

 private:
  std::uint64_t inverse_ = 1;
  std::uint64_t limit_ = UINT64_MAX;
  int shift_ = 0;
};

}  // namespace mc::engine
