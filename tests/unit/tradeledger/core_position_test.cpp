// Average-cost position math: fees in the basis, proportional cost removal, no residue.
#include <gtest/gtest.h>

#include "tradeledger/core/position.h"

namespace mc::tradeledger {
namespace {

constexpr std::int64_t btc = 100'000'000;  // base unit of an 8-decimal asset

TEST(CorePosition, BuysAccumulateCostIncludingFees) {
  position p;
  apply_buy(p, 1'000'000, 50'000, 50);  // 0.01 BTC for 500.00 + 0.50
  apply_buy(p, 1'000'000, 52'000, 52);
  EXPECT_EQ(p.qty, 2'000'000);
  EXPECT_EQ(p.cost_basis, 102'102);
  EXPECT_EQ(average_price(p, btc), 5'105'100);  // 51051.00
}

TEST(CorePosition, SellRealizesAgainstAverageCost) {
  position p;
  apply_buy(p, 1'000'000, 50'000, 50);
  apply_sell(p, 500'000, 26'000, 52);
  EXPECT_EQ(p.qty, 500'000);
  EXPECT_EQ(p.cost_basis, 25'025);
  EXPECT_EQ(p.realized_pnl, 26'000 - 52 - 25'025);
  apply_sell(p, 500'000, 25'000, 50);
  EXPECT_EQ(p.qty, 0);
  EXPECT_EQ(p.cost_basis, 0);  // the whole remaining basis leaves with the last unit
  EXPECT_EQ(p.realized_pnl, 923 - 75);
}

TEST(CorePosition, RoundingLeavesNoResidueOverManySells) {
  position p;
  apply_buy(p, 3, 10, 0);  // 3 units costing 10: 3.33... each
  apply_sell(p, 1, 4, 0);
  apply_sell(p, 1, 4, 0);
  apply_sell(p, 1, 4, 0);
  EXPECT_EQ(p.qty, 0);
  EXPECT_EQ(p.cost_basis, 0);
  EXPECT_EQ(p.realized_pnl, 12 - 10);  // exactly proceeds minus cost in total
}

TEST(CorePosition, SellingMoreThanThePositionRealizesOnlyThePosition) {
  position p;
  apply_buy(p, 100, 1'000, 0);
  apply_sell(p, 200, 3'000, 0);  // half of it came from a deposit, not from trading
  EXPECT_EQ(p.qty, 0);
  EXPECT_EQ(p.realized_pnl, 1'500 - 1'000);
  apply_sell(p, 50, 500, 0);  // nothing left to realize against
  EXPECT_EQ(p.realized_pnl, 500);
}

TEST(CorePosition, UnrealizedIsFlooredMarketValueMinusBasis) {
  position p{500'000, 25'025, 0};
  EXPECT_EQ(unrealized_pnl(p, 5'100'100, btc), 475);  // floor(25500.5) - 25025
  EXPECT_EQ(unrealized_pnl(position{}, 5'100'100, btc), 0);
  EXPECT_EQ(average_price(position{}, btc), 0);
}

}  // namespace
}  // namespace mc::tradeledger
