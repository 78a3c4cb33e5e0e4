// Exact decimal text <-> int64 minor units at a fixed per-asset scale (no floating point).
// "12.34" at scale 2 is 1234; the JSON API carries every amount, price and quantity this way.
// Grammar accepted by parse_decimal (strict, so one value has few spellings):
//   ["-"] ( "0" | [1-9][0-9]* ) [ "." [0-9]{1,scale} ]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/money/result.h"

namespace mc::money {

// Largest supported scale: 10^18 is the largest power of ten that fits in int64.
inline constexpr int scale_max = 18;

enum class parse_error {
  empty,              // ""
  bad_char,           // anything outside [0-9.-], a '-' not in front, a second '.'
  sign_not_allowed,   // a leading '+', or a leading '-' when negatives are not allowed
  missing_digits,     // "-", ".", ".5", "1.": a digit is required on both sides of '.'
  leading_zero,       // "007", "00.5": only a lone "0" may start with 0
  too_many_decimals,  // more fraction digits than the asset's scale ("1.000" at scale 2)
  too_many_digits,    // more than 19 significant digits at this scale: cannot fit int64
  overflow,           // fits in 19 digits but exceeds INT64_MAX minor units
  bad_scale,          // scale outside 0..scale_max (a programming error, reported as a value)
};

// Short, stable, human-readable reason ("too many decimals") for error bodies and logs.
std::string_view to_string(parse_error e) noexcept;

// 10^scale for scale in 0..scale_max; throws std::invalid_argument otherwise.
int64_t pow10(int scale);

// Parses `text` as an exact decimal with at most `scale` fraction digits into minor units.
// Fewer fraction digits are fine ("0.1" at scale 2 is 10); more are rejected, never rounded.
// The result lies in [-INT64_MAX, INT64_MAX]; "-0" and "-0.00" are accepted as 0.
result<int64_t, parse_error> parse_decimal(std::string_view text, int scale,
                                           bool allow_negative = false);

// Prints exactly `scale` fraction digits: (1000000, 2) -> "10000.00", (1, 8) -> "0.00000001",
// (-5, 2) -> "-0.05", (7, 0) -> "7". Throws std::invalid_argument if scale is outside 0..18.
std::string format_decimal(int64_t minor, int scale);

// Like format_decimal but drops trailing fraction zeros, and the '.' when nothing is left:
// (5000000, 2) -> "50000", (150, 2) -> "1.5", (1, 8) -> "0.00000001".
std::string format_decimal_trimmed(int64_t minor, int scale);

}  // namespace mc::money
