// Property check for money parsing/printing, shared by the libFuzzer target (money_fuzz.cpp)
// and the unit test that replays it over generated strings (money_test.cpp).
// parse_decimal is compared with a slow, obviously-correct reference parser (a model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/money/decimal.h"

namespace mc::money::fuzz {

// The grammar of decimal.h written the slow way: returns the value or nullopt.
inline std::optional<int64_t> reference_parse(std::string_view s, int scale, bool allow_negative) {
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    if (!allow_negative) return std::nullopt;
    negative = true;
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  auto all_digits = [](std::string_view t) {
    for (char c : t) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(frac)) return std::nullopt;
  if (whole.size() > 1 && whole[0] == '0') return std::nullopt;
  if (dot != std::string_view::npos &&
      (frac.empty() || frac.size() > static_cast<std::size_t>(scale))) {
    return std::nullopt;
  }
  // Saturating accumulation in 128 bits: anything above the cap is out of range anyway.
  __extension__ typedef __int128 int128;
  const int128 cap = static_cast<int128>(std::numeric_limits<int64_t>::max()) + 1;
  int128 v = 0;
  auto push = [&](int digit) {
    v = v * 10 + digit;
    if (v > cap) v = cap;
  };
  for (char c : whole) push(c - '0');
  for (int i = 0; i < scale; ++i)
    push(static_cast<std::size_t>(i) < frac.size() ? frac[static_cast<std::size_t>(i)] - '0' : 0);
  if (v >= cap) return std::nullopt;
  return negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
}

// Runs every property on one input. Returns an empty string on success, else what broke.
// Input layout: byte 0 picks the scale (0..8) and whether '-' is allowed; the rest is the text.
inline std::string check_one(const uint8_t* data, std::size_t size) {
  if (size == 0) return {};
  const int scale = data[0] % 9;
  const bool allow_negative = (data[0] & 0x80) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto describe = [&](std::string_view what) {
    return std::string(what) + " [scale=" + std::to_string(scale) +
           " allow_negative=" + std::to_string(allow_negative) + " text=\"" + std::string(text) +
           "\"]";
  };

  const auto parsed = parse_decimal(text, scale, allow_negative);
  const auto expected = reference_parse(text, scale, allow_negative);
  if (parsed.has_value() != expected.has_value())
    return describe("parser and reference disagree on acceptance");
  if (!parsed) {
    if (to_string(parsed.error()).empty()) return describe("error without a name");
    return {};
  }
  const int64_t v = *parsed;
  if (v != *expected) return describe("parser and reference disagree on the value");
  if (v < 0 && !allow_negative) return describe("negative value without permission");

  // format(parse(s)) parses back to the same value, in both the fixed and the trimmed form.
  const std::string fixed = format_decimal(v, scale);
  const std::string trimmed = format_decimal_trimmed(v, scale);
  const auto again_fixed = parse_decimal(fixed, scale, true);
  const auto again_trimmed = parse_decimal(trimmed, scale, true);
  if (!again_fixed || *again_fixed != v)
    return describe("fixed form does not round-trip: " + fixed);
  if (!again_trimmed || *again_trimmed != v)
    return describe("trimmed form does not round-trip: " + trimmed);

  // Canonical inputs print back unchanged. Negative zero is the one accepted non-canonical sign.
  const bool negative_zero = v == 0 && text[0] == '-';
  const auto dot = text.find('.');
  const std::size_t decimals = dot == std::string_view::npos ? 0 : text.size() - dot - 1;
  if (!negative_zero) {
    if (decimals == static_cast<std::size_t>(scale) && fixed != text) {
      return describe("canonical fixed input printed as " + fixed);
    }
    const bool no_trailing_zero = dot == std::string_view::npos || text.back() != '0';
    if (no_trailing_zero && trimmed != text)
      return describe("canonical trimmed input printed as " + trimmed);
  }
  return {};
}

}  // namespace mc::money::fuzz
