// The rounding rules of money.h: floored notional, fee ceilings accrued per order, buy holds
// that cover every possible way the rest of an order can fill.
#include <gtest/gtest.h>

#include <random>

#include "engine/money.h"

namespace mc::engine {
namespace {

TEST(money, notional_is_floored_in_quote_minor_units) {
  const std::int64_t sat = pow10(8);
  EXPECT_EQ(notional(5'000'000, 100'000, sat), 5'000);  // $50,000 x 0.001 BTC = $50.00
  EXPECT_EQ(notional(5'000'100, 100'000, sat), 5'000);  // $50.001 -> floored to $50.00
  EXPECT_EQ(notional(5'000'099, 1'000, sat), 50);       // 50.00099 cents -> 50
  EXPECT_EQ(notional(1'000'000'000, 100'000'000'000, sat), 1'000'000'000'000);  // int128 path
}

TEST(money, fee_is_ceiling_of_accrued_units) {
  EXPECT_EQ(fee_charged(0), 0);
  EXPECT_EQ(fee_charged(1), 1);
  EXPECT_EQ(fee_charged(10'000), 1);
  EXPECT_EQ(fee_charged(10'001), 2);
  // 1 cent at 20 bps costs 1 cent once; the next 1-cent fills of the same order are free
  // until the accrued units pass the next whole cent.
  EXPECT_EQ(fee_increment(0, 1, 20), 1);
  EXPECT_EQ(fee_increment(20, 1, 20), 0);
  EXPECT_EQ(fee_increment(9'990, 1, 20), 1);
  EXPECT_EQ(fee_increment(0, 5'000, 20), 10);
  EXPECT_EQ(fee_increment(0, 5'010, 10), 6);
}

TEST(money, buy_hold_formula) {
  EXPECT_EQ(buy_hold(5'000, 0, 20), 5'010);
  EXPECT_EQ(buy_hold(5'100, 0, 20), 5'111);
  EXPECT_EQ(buy_hold(0, 12'345, 20), 0);
  EXPECT_EQ(buy_hold(3, 0, 20), 4);
}

// Whatever the split of a buy into fills at or below its limit, the hold before each fill
// covers the fill's cost plus the hold for what remains: no fill can ever be underfunded.
TEST(money, buy_hold_covers_every_split) {
  std::mt19937_64 rng(3);
  const std::int64_t unit = pow10(8);
  for (int trial = 0; trial < 20000; ++trial) {
    const price_t limit = 1 + static_cast<price_t>(rng() % 10'000'000);
    qty_t remaining = 1 + static_cast<qty_t>(rng() % 10'000'000);
    const int max_bps = static_cast<int>(rng() % 100);
    std::int64_t units = 0;
    amount_t hold = buy_hold(notional(limit, remaining, unit), units, max_bps);
    while (remaining > 0) {
      const qty_t q = 1 + static_cast<qty_t>(rng() % static_cast<std::uint64_t>(remaining));
      const price_t p = 1 + static_cast<price_t>(rng() % static_cast<std::uint64_t>(limit));
      const int bps = static_cast<int>(rng() % static_cast<std::uint64_t>(max_bps + 1));
      const amount_t n = notional(p, q, unit);
      const amount_t cost = n + fee_increment(units, n, bps);
      units += n * bps;
      remaining -= q;
      const amount_t next_hold = buy_hold(notional(limit, remaining, unit), units, max_bps);
      ASSERT_GE(hold - cost - next_hold, 0) << "trial " << trial;
      hold = next_hold;
    }
    EXPECT_EQ(hold, 0);
  }
}

}  // namespace
}  // namespace mc::engine
