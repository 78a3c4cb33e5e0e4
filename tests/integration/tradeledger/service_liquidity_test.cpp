// House liquidity driven by quotes published on Redis (quotes:BTC-USD), as the Quotes service
// does: MARKET orders fill against the quoted prices, resting limits fill when the market
// moves through them, and without liquidity a MARKET order ends unfilled with nothing held.
#include <gtest/gtest.h>

#include <string>

#include "service_support.h"

namespace mc::test::tl {
namespace {

// The best ask of BTC-USD as the order book read shows it ("" when there is none).
std::string best(running_service& s, const char* side) {
  reply b = s.get("/orderbook/BTC-USD?depth=1");
  if (b.status != 200) return "";
  const auto& levels = b.json.at(side).as_array();
  if (levels.empty()) return "";
  return std::string(levels[0].as_array()[0].as_string());
}

TEST(ServiceLiquidity, MarketOrdersFillAgainstQuotedHouseLiquidity) {
  running_service s;  // house liquidity on
  const std::string u = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(u, "100000.00"), unique_key()).status, 200);
  publish_quote("BTC-USD", "50000.00", "50010.00", "1.00000000", 1);
  ASSERT_TRUE(eventually([&] { return best(s, "asks") == "50010.00"; })) << best(s, "asks");
  EXPECT_EQ(best(s, "bids"), "50000.00");

  reply buy = s.post("/orders", order_body(u, "BUY", "MARKET", "", "0.1"), unique_key());
  ASSERT_EQ(buy.status, 201) << buy.body;
  EXPECT_EQ(buy.str("status"), "FILLED");
  EXPECT_EQ(buy.str("avg_fill_price"), "50010.00");

  reply sell = s.post("/orders", order_body(u, "SELL", "MARKET", "", "0.05"), unique_key());
  ASSERT_EQ(sell.status, 201) << sell.body;
  EXPECT_EQ(sell.str("status"), "FILLED");
  EXPECT_EQ(sell.str("avg_fill_price"), "50000.00");

  reply p = s.get("/portfolio/" + u);
  EXPECT_EQ(balance(p, "BTC"), "0.05000000");
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");
}

TEST(ServiceLiquidity, RestingLimitFillsWhenTheMarketMovesThroughIt) {
  running_service s;
  const std::string u = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(u, "100000.00"), unique_key()).status, 200);
  publish_quote("BTC-USD", "50000.00", "50010.00", "1.00000000", 1);
  ASSERT_TRUE(eventually([&] { return best(s, "asks") == "50010.00"; }));

  reply rest = s.post("/orders", order_body(u, "BUY", "LIMIT", "49000.00", "0.01"), unique_key());
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(rest.str("status"), "NEW");
  const std::string id = rest.str("order_id");

  // The market falls through the bid: the house ask at 48990 trades with it at 49000.
  publish_quote("BTC-USD", "48980.00", "48990.00", "1.00000000", 2);
  ASSERT_TRUE(eventually(
      [&] { return s.get("/orders/" + id + "?user_id=" + u).str("status") == "FILLED"; }));
  reply o = s.get("/orders/" + id + "?user_id=" + u);
  EXPECT_EQ(o.str("avg_fill_price"), "49000.00");
  EXPECT_EQ(balance(s.get("/portfolio/" + u), "BTC"), "0.01000000");
}

TEST(ServiceLiquidity, MarketOrderWithoutLiquidityFillsNothingAndHoldsNothing) {
  auto cfg = test_config();
  cfg.house_liquidity = false;
  running_service s(cfg);
  const std::string u = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(u, "100000.00"), unique_key()).status, 200);
  reply m = s.post("/orders", order_body(u, "BUY", "MARKET", "", "0.1"), unique_key());
  ASSERT_EQ(m.status, 201) << m.body;
  EXPECT_TRUE(m.str("status") == "CANCELED" || m.str("status") == "REJECTED") << m.body;
  EXPECT_EQ(m.str("filled_qty"), "0.00000000");
  reply p = s.get("/portfolio/" + u);
  EXPECT_EQ(balance(p, "USD"), "100000.00");
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");
  EXPECT_EQ(balance(p, "BTC", "balance_total"), "0.00000000");
}

}  // namespace
}  // namespace mc::test::tl
