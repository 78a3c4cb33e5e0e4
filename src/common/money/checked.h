// Checked int64 arithmetic for money: every operation reports overflow instead of wrapping.
// mul_div_* compute a*b/d exactly in 128 bits and round by one explicit rule (floor or ceil),
// which is how qty x price becomes a quote amount without creating or destroying value.
#pragma once

#include <cstdint>
#include <limits>

#include "common/money/result.h"

namespace mc::money {

enum class arith_error { overflow, divide_by_zero };

inline result<int64_t, arith_error> checked_add(int64_t a, int64_t b) noexcept {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return arith_error::overflow;
  return out;
}

inline result<int64_t, arith_error> checked_sub(int64_t a, int64_t b) noexcept {
  int64_t out = 0;
  if (__builtin_sub_overflow(a, b, &out)) return arith_error::overflow;
  return out;
}

inline result<int64_t, arith_error> checked_mul(int64_t a, int64_t b) noexcept {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return arith_error::overflow;
  return out;
}

namespace detail {

__extension__ typedef __int128 int128;

inline result<int64_t, arith_error> narrow(int128 v) noexcept {
  if (v > std::numeric_limits<int64_t>::max() || v < std::numeric_limits<int64_t>::min()) {
    return arith_error::overflow;
  }
  return static_cast<int64_t>(v);
}

}  // namespace detail

// floor(a * b / d), rounding toward negative infinity. |a*b| < 2^126, so the product is exact.
inline result<int64_t, arith_error> mul_div_floor(int64_t a, int64_t b, int64_t d) noexcept {
  if (d == 0) return arith_error::divide_by_zero;
  const detail::int128 n = static_cast<detail::int128>(a) * b;
  detail::int128 q = n / d;
  const detail::int128 r = n % d;
  if (r != 0 && ((r < 0) != (d < 0))) --q;
  return detail::narrow(q);
}

// ceil(a * b / d), rounding toward positive infinity.
inline result<int64_t, arith_error> mul_div_ceil(int64_t a, int64_t b, int64_t d) noexcept {
  if (d == 0) return arith_error::divide_by_zero;
  const detail::int128 n = static_cast<detail::int128>(a) * b;
  detail::int128 q = n / d;
  const detail::int128 r = n % d;
  if (r != 0 && ((r < 0) == (d < 0))) ++q;
  return detail::narrow(q);
}

}  // namespace mc::money
