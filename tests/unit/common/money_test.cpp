// Unit tests for mc::money: strict decimal parsing, exact printing, checked arithmetic, the
// asset table, and a replay of the libFuzzer properties over ~20k generated strings.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "../../fuzz/money/money_fuzz_body.h"
#include "common/money/asset.h"
#include "common/money/checked.h"
#include "common/money/decimal.h"

namespace {

using mc::money::arith_error;
using mc::money::format_decimal;
using mc::money::format_decimal_trimmed;
using mc::money::parse_decimal;
using mc::money::parse_error;

constexpr int64_t i64_max = std::numeric_limits<int64_t>::max();
constexpr int64_t i64_min = std::numeric_limits<int64_t>::min();

struct reject_case {
  const char* text;
  int scale;
  bool allow_negative;
  parse_error expected;
};

void PrintTo(const reject_case& c, std::ostream* os) {
  *os << '"' << c.text << "\" scale=" << c.scale << " allow_negative=" << c.allow_negative;
}

class MoneyParseReject : public ::testing::TestWithParam<reject_case> {};

TEST_P(MoneyParseReject, ReturnsTheExpectedError) {
  const auto& c = GetParam();
  const auto r = parse_decimal(c.text, c.scale, c.allow_negative);
  ASSERT_FALSE(r.has_value()) << "accepted \"" << c.text << "\" as " << r.value();
  EXPECT_EQ(r.error(), c.expected)
      << "text \"" << c.text << "\" got " << mc::money::to_string(r.error());
}

INSTANTIATE_TEST_SUITE_P(
    MoneyCases, MoneyParseReject,
    ::testing::Values(
        reject_case{"", 2, false, parse_error::empty}, reject_case{"", 2, true, parse_error::empty},
        reject_case{"1e5", 2, false, parse_error::bad_char},
        reject_case{"1E5", 0, false, parse_error::bad_char},
        reject_case{"NaN", 2, false, parse_error::bad_char},
        reject_case{"nan", 2, true, parse_error::bad_char},
        reject_case{"inf", 2, false, parse_error::bad_char},
        reject_case{"-inf", 2, true, parse_error::bad_char},
        reject_case{"Infinity", 8, false, parse_error::bad_char},
        reject_case{"1.2.3", 8, false, parse_error::bad_char},
        reject_case{"1..2", 8, false, parse_error::bad_char},
        reject_case{" 1", 2, false, parse_error::bad_char},
        reject_case{"1 ", 2, false, parse_error::bad_char},
        reject_case{"1\t", 2, false, parse_error::bad_char},
        reject_case{"1,000.00", 2, false, parse_error::bad_char},
        reject_case{"0x10", 2, false, parse_error::bad_char},
        reject_case{"1-", 2, true, parse_error::bad_char},
        reject_case{"--1", 2, true, parse_error::bad_char},
        reject_case{"-+1", 2, true, parse_error::bad_char},
        reject_case{"\xc2\xbd", 2, false, parse_error::bad_char},
        reject_case{"-", 2, false, parse_error::sign_not_allowed},
        reject_case{"-1", 2, false, parse_error::sign_not_allowed},
        reject_case{"-0", 2, false, parse_error::sign_not_allowed},
        reject_case{"+1", 2, false, parse_error::sign_not_allowed},
        reject_case{"+1", 2, true, parse_error::sign_not_allowed},
        reject_case{"-", 2, true, parse_error::missing_digits},
        reject_case{".", 2, false, parse_error::missing_digits},
        reject_case{"1.", 2, false, parse_error::missing_digits},
        reject_case{".5", 2, false, parse_error::missing_digits},
        reject_case{"-.5", 2, true, parse_error::missing_digits},
        reject_case{"-1.", 2, true, parse_error::missing_digits},
        reject_case{"1.", 0, false, parse_error::missing_digits},
        reject_case{"007", 2, false, parse_error::leading_zero},
        reject_case{"00", 0, false, parse_error::leading_zero},
        reject_case{"00.5", 2, false, parse_error::leading_zero},
        reject_case{"-01", 2, true, parse_error::leading_zero},
        reject_case{"0.001", 2, false, parse_error::too_many_decimals},
        reject_case{"1.000", 2, false, parse_error::too_many_decimals},  // never silently rounded
        reject_case{"1.5", 0, false, parse_error::too_many_decimals},
        reject_case{"0.000000001", 8, false, parse_error::too_many_decimals},
        reject_case{"1234567890123456789012345678901234567890", 0, false,
                    parse_error::too_many_digits},
        reject_case{"1234567890123456789012345678901234567890", 8, false,
                    parse_error::too_many_digits},
        reject_case{"10000000000000000000", 0, false, parse_error::too_many_digits},
        reject_case{"100000000000", 8, false, parse_error::too_many_digits},
        reject_case{"9223372036854775808", 0, false, parse_error::overflow},
        reject_case{"-9223372036854775808", 0, true, parse_error::overflow},  // INT64_MIN excluded
        reject_case{"9999999999999999999", 0, false, parse_error::overflow},
        reject_case{"92233720368.54775808", 8, false, parse_error::overflow},
        reject_case{"92233720368547758.08", 2, false, parse_error::overflow},
        reject_case{"99999999999", 8, false, parse_error::overflow},
        reject_case{"1", -1, false, parse_error::bad_scale},
        reject_case{"1", 19, false, parse_error::bad_scale}));

// A NUL inside the text must not end the number early (C-string parsers would stop there).
TEST(MoneyParse, RejectsEmbeddedNul) {
  const std::string text(
      "1\0"
      "5",
      3);
  const auto r = parse_decimal(text, 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), parse_error::bad_char);
}

struct accept_case {
  const char* text;
  int scale;
  bool allow_negative;
  int64_t expected;
};

void PrintTo(const accept_case& c, std::ostream* os) {
  *os << '"' << c.text << "\" scale=" << c.scale << " allow_negative=" << c.allow_negative;
}

class MoneyParseAccept : public ::testing::TestWithParam<accept_case> {};

TEST_P(MoneyParseAccept, ReturnsTheExactValue) {
  const auto& c = GetParam();
  const auto r = parse_decimal(c.text, c.scale, c.allow_negative);
  ASSERT_TRUE(r.has_value()) << "rejected \"" << c.text
                             << "\": " << mc::money::to_string(r.error());
  EXPECT_EQ(*r, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    MoneyCases, MoneyParseAccept,
    ::testing::Values(
        accept_case{"0", 2, false, 0}, accept_case{"0", 0, false, 0},
        accept_case{"0.1", 2, false, 10}, accept_case{"0.01", 2, false, 1},
        accept_case{"0.00", 2, false, 0}, accept_case{"10000.00", 2, false, 1000000},
        accept_case{"10000", 2, false, 1000000}, accept_case{"50000", 2, false, 5000000},
        accept_case{"1.5", 8, false, 150000000}, accept_case{"0.00000001", 8, false, 1},
        accept_case{"21000000", 8, false, 2100000000000000}, accept_case{"7", 0, false, 7},
        accept_case{"-1.25", 2, true, -125}, accept_case{"-0.00000001", 8, true, -1},
        accept_case{"-0", 2, true, 0},  // negative zero is accepted as zero
        accept_case{"-0.00", 2, true, 0}, accept_case{"9223372036854775807", 0, false, i64_max},
        accept_case{"-9223372036854775807", 0, true, -i64_max},
        accept_case{"92233720368.54775807", 8, false, i64_max},
        accept_case{"92233720368547758.07", 2, false, i64_max},
        accept_case{"9.223372036854775807", 18, false, i64_max},
        accept_case{"0.000000000000000001", 18, false, 1},
        accept_case{"1000000000000000000", 0, false, 1000000000000000000}));

TEST(MoneyParse, ScaleEighteenRejectsTwoIntegerDigits) {
  const auto r = parse_decimal("10", 18);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), parse_error::too_many_digits);
}

TEST(MoneyFormat, PrintsExactlyScaleDecimals) {
  EXPECT_EQ(format_decimal(1000000, 2), "10000.00");
  EXPECT_EQ(format_decimal(1, 8), "0.00000001");
  EXPECT_EQ(format_decimal(0, 2), "0.00");
  EXPECT_EQ(format_decimal(0, 0), "0");
  EXPECT_EQ(format_decimal(5, 2), "0.05");
  EXPECT_EQ(format_decimal(-5, 2), "-0.05");
  EXPECT_EQ(format_decimal(-125, 2), "-1.25");
  EXPECT_EQ(format_decimal(123, 0), "123");
  EXPECT_EQ(format_decimal(150000000, 8), "1.50000000");
  EXPECT_EQ(format_decimal(1, 18), "0.000000000000000001");
}

TEST(MoneyFormat, Boundaries) {
  EXPECT_EQ(format_decimal(i64_max, 0), "9223372036854775807");
  EXPECT_EQ(format_decimal(i64_max, 8), "92233720368.54775807");
  EXPECT_EQ(format_decimal(i64_max, 18), "9.223372036854775807");
  EXPECT_EQ(format_decimal(i64_min, 0), "-9223372036854775808");
  EXPECT_EQ(format_decimal(i64_min, 2), "-92233720368547758.08");
  EXPECT_EQ(format_decimal(-i64_max, 8), "-92233720368.54775807");
}

TEST(MoneyFormat, TrimmedDropsTrailingZerosOnly) {
  EXPECT_EQ(format_decimal_trimmed(5000000, 2), "50000");
  EXPECT_EQ(format_decimal_trimmed(150, 2), "1.5");
  EXPECT_EQ(format_decimal_trimmed(105, 2), "1.05");
  EXPECT_EQ(format_decimal_trimmed(1, 8), "0.00000001");
  EXPECT_EQ(format_decimal_trimmed(0, 8), "0");
  EXPECT_EQ(format_decimal_trimmed(100, 0), "100");  // scale 0: integer zeros are not trimmed
  EXPECT_EQ(format_decimal_trimmed(-150, 2), "-1.5");
  EXPECT_EQ(format_decimal_trimmed(1000000000, 8), "10");
}

TEST(MoneyFormat, RejectsBadScale) {
  EXPECT_THROW(format_decimal(1, -1), std::invalid_argument);
  EXPECT_THROW(format_decimal(1, 19), std::invalid_argument);
  EXPECT_THROW(format_decimal_trimmed(1, 19), std::invalid_argument);
  EXPECT_THROW(mc::money::pow10(19), std::invalid_argument);
}

TEST(MoneyFormat, Pow10) {
  EXPECT_EQ(mc::money::pow10(0), 1);
  EXPECT_EQ(mc::money::pow10(2), 100);
  EXPECT_EQ(mc::money::pow10(8), 100000000);
  EXPECT_EQ(mc::money::pow10(18), 1000000000000000000);
}

TEST(MoneyRoundTrip, BoundaryValuesAtEveryScale) {
  const std::vector<int64_t> values = {
      0,   1,        -1,        9,       10,       99,          100,
      101, 12345678, -12345678, i64_max, -i64_max, i64_max - 1, 1000000000000000000};
  for (int scale = 0; scale <= mc::money::scale_max; ++scale) {
    for (int64_t v : values) {
      const auto fixed = parse_decimal(format_decimal(v, scale), scale, true);
      ASSERT_TRUE(fixed) << v << " at scale " << scale;
      EXPECT_EQ(*fixed, v);
      const auto trimmed = parse_decimal(format_decimal_trimmed(v, scale), scale, true);
      ASSERT_TRUE(trimmed) << v << " at scale " << scale;
      EXPECT_EQ(*trimmed, v);
    }
  }
}

TEST(MoneyRoundTrip, RandomValues) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    int64_t v = static_cast<int64_t>(rng() >> (rng() % 64));
    if (rng() & 1) v = -v;
    if (v == i64_min) continue;
    const int scale = static_cast<int>(rng() % (mc::money::scale_max + 1));
    const std::string text = format_decimal(v, scale);
    const auto back = parse_decimal(text, scale, true);
    ASSERT_TRUE(back) << text;
    ASSERT_EQ(*back, v) << text;
  }
}

TEST(MoneyChecked, AddSubMulReportOverflow) {
  EXPECT_EQ(*mc::money::checked_add(2, 3), 5);
  EXPECT_EQ(*mc::money::checked_add(i64_max - 1, 1), i64_max);
  ASSERT_FALSE(mc::money::checked_add(i64_max, 1));
  EXPECT_EQ(mc::money::checked_add(i64_max, 1).error(), arith_error::overflow);
  ASSERT_FALSE(mc::money::checked_add(i64_min, -1));

  EXPECT_EQ(*mc::money::checked_sub(2, 3), -1);
  EXPECT_EQ(*mc::money::checked_sub(i64_min + 1, 1), i64_min);
  ASSERT_FALSE(mc::money::checked_sub(i64_min, 1));
  ASSERT_FALSE(mc::money::checked_sub(0, i64_min));

  EXPECT_EQ(*mc::money::checked_mul(-4, 5), -20);
  EXPECT_EQ(*mc::money::checked_mul(3037000499, 3037000499), 9223372030926249001);
  ASSERT_FALSE(mc::money::checked_mul(3037000500, 3037000500));
  ASSERT_FALSE(mc::money::checked_mul(i64_min, -1));
  EXPECT_EQ(mc::money::checked_mul(i64_max, 2).error(), arith_error::overflow);
}

TEST(MoneyChecked, MulDivRoundsByTheStatedRule) {
  using mc::money::mul_div_ceil;
  using mc::money::mul_div_floor;
  // 0.5 BTC (scale 8) at 50000.00 USD (scale 2) = 25000.00 USD: exact.
  EXPECT_EQ(*mul_div_floor(50000000, 5000000, 100000000), 2500000);
  EXPECT_EQ(*mul_div_ceil(50000000, 5000000, 100000000), 2500000);
  // 1 satoshi at 50000.00: 0.05 cents -> floor 0, ceil 1.
  EXPECT_EQ(*mul_div_floor(1, 5000000, 100000000), 0);
  EXPECT_EQ(*mul_div_ceil(1, 5000000, 100000000), 1);
  // Negative numbers round toward -inf (floor) and +inf (ceil), not toward zero.
  EXPECT_EQ(*mul_div_floor(-7, 1, 2), -4);
  EXPECT_EQ(*mul_div_ceil(-7, 1, 2), -3);
  EXPECT_EQ(*mul_div_floor(7, 1, -2), -4);
  EXPECT_EQ(*mul_div_ceil(7, 1, -2), -3);
  EXPECT_EQ(*mul_div_floor(-7, -1, -2), -4);
  EXPECT_EQ(*mul_div_floor(7, 1, 2), 3);
  EXPECT_EQ(*mul_div_ceil(7, 1, 2), 4);
  // Intermediate product beyond int64 is fine when the quotient fits.
  EXPECT_EQ(*mul_div_floor(i64_max, i64_max, i64_max), i64_max);
  EXPECT_EQ(*mul_div_floor(i64_max, 3, 3), i64_max);
  // Quotient beyond int64 is an error, never a wrap.
  EXPECT_EQ(mul_div_floor(i64_max, 2, 1).error(), arith_error::overflow);
  EXPECT_EQ(mul_div_ceil(i64_max, 3, 2).error(), arith_error::overflow);
  EXPECT_EQ(mul_div_floor(i64_min, -1, 1).error(), arith_error::overflow);
  EXPECT_EQ(*mul_div_floor(i64_min, 1, 1), i64_min);
  EXPECT_EQ(mul_div_floor(1, 1, 0).error(), arith_error::divide_by_zero);
  EXPECT_EQ(mul_div_ceil(1, 1, 0).error(), arith_error::divide_by_zero);
}

TEST(MoneyChecked, FloorAndCeilDifferByAtMostOne) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    const auto a = static_cast<int64_t>(rng() % 2000000001) - 1000000000;
    const auto b = static_cast<int64_t>(rng() % 2000000001) - 1000000000;
    auto d = static_cast<int64_t>(rng() % 2001) - 1000;
    if (d == 0) d = 1;
    const int64_t f = *mc::money::mul_div_floor(a, b, d);
    const int64_t c = *mc::money::mul_div_ceil(a, b, d);
    const bool exact = (a * b) % d == 0;
    ASSERT_EQ(c - f, exact ? 0 : 1) << a << "*" << b << "/" << d;
    // floor(x) <= x < floor(x) + 1, checked without division: f*d vs a*b, with d's sign.
    if (d > 0) {
      ASSERT_LE(f * d, a * b);
      ASSERT_GT((f + 1) * d, a * b);
    } else {
      ASSERT_GE(f * d, a * b);
      ASSERT_LT((f + 1) * d, a * b);
    }
  }
}

TEST(MoneyAsset, KnownAssetsAndScales) {
  const auto usd = mc::money::find_asset("USD");
  ASSERT_TRUE(usd);
  EXPECT_EQ(usd->scale, 2);
  ASSERT_TRUE(mc::money::find_asset("BTC"));
  EXPECT_EQ(mc::money::find_asset("BTC")->scale, 8);
  ASSERT_TRUE(mc::money::find_asset("ETH"));
  EXPECT_EQ(mc::money::find_asset("ETH")->scale, 8);
  EXPECT_FALSE(mc::money::find_asset("btc"));
  EXPECT_FALSE(mc::money::find_asset("DOGE"));
  EXPECT_FALSE(mc::money::find_asset(""));
  EXPECT_FALSE(mc::money::find_asset("USD "));
  static_assert(mc::money::find_asset("USD")->scale == 2);
}

TEST(MoneyResult, ValueAndErrorAccess) {
  mc::result<int64_t, parse_error> ok = int64_t{5};
  mc::result<int64_t, parse_error> bad = parse_error::overflow;
  EXPECT_TRUE(ok.has_value());
  EXPECT_EQ(ok.value_or(9), 5);
  EXPECT_FALSE(bad.has_value());
  EXPECT_EQ(bad.value_or(9), 9);
  EXPECT_EQ(bad.error(), parse_error::overflow);
  EXPECT_THROW((void)bad.value(), std::logic_error);
  EXPECT_THROW((void)ok.error(), std::logic_error);
}

TEST(MoneyErrors, EveryErrorHasAName) {
  for (auto e :
       {parse_error::empty, parse_error::bad_char, parse_error::sign_not_allowed,
        parse_error::missing_digits, parse_error::leading_zero, parse_error::too_many_decimals,
        parse_error::too_many_digits, parse_error::overflow, parse_error::bad_scale}) {
    EXPECT_FALSE(mc::money::to_string(e).empty());
    EXPECT_NE(mc::money::to_string(e), "unknown");
  }
}

// --- Replay of the libFuzzer properties (tests/fuzz/money/money_fuzz_body.h) ------------

std::string run_body(uint8_t selector, const std::string& text) {
  std::string input(1, static_cast<char>(selector));
  input += text;
  return mc::money::fuzz::check_one(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST(MoneyFuzzReplay, ReferenceModelAgreesOnHandPickedInputs) {
  // Selector: low bits % 9 = scale, 0x80 = negatives allowed.
  for (const char* text : {"0", "0.1", "10000.00", "-0", "-0.00", "007", ".5", "1.", "1e5", "",
                           "9223372036854775807", "92233720368.54775807", "-1.5", "+1", "1.2.3"}) {
    for (uint8_t sel : {uint8_t{0}, uint8_t{2}, uint8_t{8}, uint8_t{0x82}, uint8_t{0x88}}) {
      EXPECT_EQ(run_body(sel, text), "") << text;
    }
  }
}

TEST(MoneyFuzzReplay, TwentyThousandGeneratedInputs) {
  using namespace std::string_view_literals;
  std::mt19937_64 rng(20240601);
  const std::string_view alphabet = "0123456789012345678901234567890123456789..--+eE xNaIinf\t\0"sv;
  const std::vector<std::string> seeds = {"0",
                                          "0.1",
                                          "10000.00",
                                          "50000",
                                          "0.00000001",
                                          "-1.25",
                                          "9223372036854775807",
                                          "92233720368.54775807",
                                          "92233720368547758.07",
                                          "1",
                                          "100",
                                          "-0"};
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    switch (rng() % 3) {
      case 0: {  // random characters from a decimal-heavy alphabet
        const std::size_t len = rng() % 24;
        for (std::size_t k = 0; k < len; ++k) text.push_back(alphabet[rng() % alphabet.size()]);
        break;
      }
      case 1: {  // a printed random value, sometimes at a different scale than parsed
        int64_t v = static_cast<int64_t>(rng() >> (rng() % 64));
        if (rng() & 1) v = -v;
        if (v == i64_min) v = 0;
        text = format_decimal_trimmed(v, static_cast<int>(rng() % 9));
        break;
      }
      default: {  // a seed with a few point mutations
        text = seeds[rng() % seeds.size()];
        const int edits = static_cast<int>(rng() % 4);
        for (int k = 0; k < edits; ++k) {
          const std::size_t at = text.empty() ? 0 : rng() % (text.size() + 1);
          const char c = alphabet[rng() % alphabet.size()];
          switch (rng() % 3) {
            case 0:
              text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
              break;
            case 1:
              if (at < text.size()) text.erase(at, 1);
              break;
            default:
              if (at < text.size()) text[at] = c;
              break;
          }
        }
      }
    }
    const auto selector = static_cast<uint8_t>(rng());
    const std::string failure = run_body(selector, text);
    ASSERT_EQ(failure, "");
    if (parse_decimal(text, selector % 9, (selector & 0x80) != 0)) ++accepted;
  }
  // The generator must exercise the accepting path a meaningful share of the time.
  EXPECT_GT(accepted, 3000);
}

}  // namespace
