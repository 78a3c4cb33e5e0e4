// Strict decimal parsing and exact printing of int64 minor units; see decimal.h for the grammar.
// Digits are accumulated in uint64 only after a digit-count check, so no step can overflow.
#include "common/money/decimal.h"

#include <array>
#include <limits>
#include <stdexcept>

namespace mc::money {
namespace {

// Any string of at most this many significant digits fits in uint64 (max ~1.8e19).
constexpr int significant_digits_max = 19;

constexpr std::array<int64_t, scale_max + 1> powers_of_ten = [] {
  std::array<int64_t, scale_max + 1> p{};
  p[0] = 1;
  for (std::size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}();

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

void check_scale(int scale) {
  if (scale < 0 || scale > scale_max) {
    throw std::invalid_argument("mc::money: scale must be in 0..18, got " + std::to_string(scale));
  }
}

}  // namespace

std::string_view to_string(parse_error e) noexcept {
  switch (e) {
    case parse_error::empty:
      return "empty";
    case parse_error::bad_char:
      return "invalid character";
    case parse_error::sign_not_allowed:
      return "sign not allowed";
    case parse_error::missing_digits:
      return "missing digits";
    case parse_error::leading_zero:
      return "leading zero";
    case parse_error::too_many_decimals:
      return "too many decimals";
    case parse_error::too_many_digits:
      return "too many digits";
    case parse_error::overflow:
      return "out of range";
    case parse_error::bad_scale:
      return "invalid scale";
  }
  return "unknown";
}

int64_t pow10(int scale) {
  check_scale(scale);
  return powers_of_ten[static_cast<std::size_t>(scale)];
}

result<int64_t, parse_error> parse_decimal(std::string_view text, int scale, bool allow_negative) {
  if (scale < 0 || scale > scale_max) return parse_error::bad_scale;
  if (text.empty()) return parse_error::empty;

  // Pass 1: the character set. This classifies "1e5", "NaN", " 1", "1.2.3" as bad_char
  // regardless of where the odd character sits.
  std::size_t pos = 0;
  const bool negative = text[0] == '-';
  if (text[0] == '+') return parse_error::sign_not_allowed;
  if (negative) {
    if (!allow_negative) return parse_error::sign_not_allowed;
    pos = 1;
  }
  std::size_t dot = std::string_view::npos;
  for (std::size_t i = pos; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) continue;
    if (c == '.' && dot == std::string_view::npos) {
      dot = i;
      continue;
    }
    return parse_error::bad_char;
  }

  // Pass 2: the shape.
  const std::string_view int_part =
      text.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (int_part.empty()) return parse_error::missing_digits;
  if (dot != std::string_view::npos && frac_part.empty()) return parse_error::missing_digits;
  if (int_part.size() > 1 && int_part[0] == '0') return parse_error::leading_zero;
  if (frac_part.size() > static_cast<std::size_t>(scale)) return parse_error::too_many_decimals;
  if (int_part.size() + static_cast<std::size_t>(scale) > significant_digits_max) {
    return parse_error::too_many_digits;
  }

  // Pass 3: the value. At most 19 digits, so uint64 holds it exactly.
  uint64_t value = 0;
  for (char c : int_part) value = value * 10 + static_cast<uint64_t>(c - '0');
  for (char c : frac_part) value = value * 10 + static_cast<uint64_t>(c - '0');
  for (std::size_t i = frac_part.size(); i < static_cast<std::size_t>(scale); ++i) value *= 10;

  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return parse_error::overflow;
  }
  const auto signed_value = static_cast<int64_t>(value);
  return negative ? -signed_value : signed_value;
}

std::string format_decimal(int64_t minor, int scale) {
  check_scale(scale);
  // Work on the magnitude in uint64 so INT64_MIN prints correctly too.
  const uint64_t magnitude =
      minor < 0 ? uint64_t{0} - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  const auto frac_len = static_cast<std::size_t>(scale);
  if (digits.size() < frac_len + 1) digits.insert(0, frac_len + 1 - digits.size(), '0');

  std::string out;
  out.reserve(digits.size() + 2);
  if (minor < 0) out.push_back('-');
  out.append(digits, 0, digits.size() - frac_len);
  if (frac_len > 0) {
    out.push_back('.');
    out.append(digits, digits.size() - frac_len, frac_len);
  }
  return out;
}

std::string format_decimal_trimmed(int64_t minor, int scale) {
  std::string out = format_decimal(minor, scale);
  if (scale == 0) return out;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

}  // namespace mc::money
