// Portfolio: average-cost positions, realized P&L from sells (fees included), unrealized P&L
// marked to the latest quote mid — exact to the cent.
#include "core_test_util.h"

namespace mc::tradeledger::test {
namespace {

using CorePortfolio = core_fixture;

const boost::json::object* find_position(const boost::json::object& p, const std::string& sym) {
  for (const auto& v : p.at("positions").as_array()) {
    if (str(v.as_object().at("symbol")) == sym) return &v.as_object();
  }
  return nullptr;
}

TEST_F(CorePortfolio, AverageCostRealizedAndUnrealizedPnl) {
  start(false);
  const auto a = new_user(), b = new_user();
  topup(a, "100000.00");
  topup(b, "1", "BTC");
  topup(b, "1000.00");

  // A buys 0.01 @ 50000 as maker in two fills: cost 500.00 + 0.50 maker fees = 500.50.
  limit(a, "BUY", "50000.00", "0.01");
  limit(b, "SELL", "50000.00", "0.004");
  limit(b, "SELL", "50000.00", "0.006");
  auto p = portfolio(a);
  auto* pos = find_position(p, "BTC-USD");
  ASSERT_NE(pos, nullptr);
  EXPECT_EQ(str(pos->at("qty")), "0.01000000");
  EXPECT_EQ(str(pos->at("avg_price")), "50050.00");
  EXPECT_TRUE(pos->at("market_price").is_null());  // no quote yet
  EXPECT_EQ(str(pos->at("unrealized_pnl")), "0.00");

  // A mark at mid 51001.00 (house off: the quote moves only the reference price).
  quote("51000.00", "51002.00", "1", "1");
  topup(a, "0.01");  // commits the tick
  p = portfolio(a);
  pos = find_position(p, "BTC-USD");
  EXPECT_EQ(str(pos->at("market_price")), "51001.00");
  EXPECT_EQ(str(pos->at("unrealized_pnl")), "9.51");  // 510.01 - 500.50

  // A sells half as taker at 52000: proceeds 260.00 - 0.52 fee; cost out 250.25.
  limit(b, "BUY", "52000.00", "0.005");
  auto s = json_of(limit(a, "SELL", "52000.00", "0.005"));
  EXPECT_EQ(str(s.at("status")), "FILLED");
  p = portfolio(a);
  pos = find_position(p, "BTC-USD");
  EXPECT_EQ(str(pos->at("qty")), "0.00500000");
  EXPECT_EQ(str(pos->at("avg_price")), "50050.00");
  EXPECT_EQ(str(pos->at("realized_pnl")), "9.23");
  EXPECT_EQ(str(pos->at("unrealized_pnl")), "4.75");  // floor(255.005) - 250.25
  const auto& pnl = p.at("pnl").as_object();
  EXPECT_EQ(str(pnl.at("realized")), "9.23");
  EXPECT_EQ(str(pnl.at("unrealized")), "4.75");
  EXPECT_EQ(str(pnl.at("total")), "13.98");

  // Balances agree: 100000.01 - 500.50 + 259.48.
  EXPECT_EQ(balance(a, "USD"), (std::pair<std::string, std::string>{"99758.99", "0.00"}));
  for (const auto& v : p.at("balances").as_array()) {
    const auto& o = v.as_object();
    if (str(o.at("currency")) == "BTC") {
      EXPECT_EQ(str(o.at("balance_total")), "0.00500000");
    }
  }

  // Selling the rest closes the position with no residue of the basis.
  limit(b, "BUY", "50000.00", "0.005");
  limit(a, "SELL", "50000.00", "0.005");
  p = portfolio(a);
  pos = find_position(p, "BTC-USD");
  EXPECT_EQ(str(pos->at("qty")), "0.00000000");
  EXPECT_EQ(str(pos->at("avg_price")), "0.00");
  // 250.00 - 0.50 fee - 250.25 = -0.75; total realized 8.48.
  EXPECT_EQ(str(pos->at("realized_pnl")), "8.48");
  EXPECT_EQ(str(p.at("pnl").as_object().at("unrealized")), "0.00");
}

TEST_F(CorePortfolio, UnknownUserHasZeroBalances) {
  start(false);
  auto p = portfolio(new_user());
  ASSERT_EQ(p.at("balances").as_array().size(), 3u);
  EXPECT_EQ(str(p.at("balances").as_array()[0].as_object().at("balance_total")), "0.00");
  EXPECT_TRUE(p.at("positions").as_array().empty());
  EXPECT_EQ(str(p.at("pnl").as_object().at("total")), "0.00");
}

}  // namespace
}  // namespace mc::tradeledger::test
