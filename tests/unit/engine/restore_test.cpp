// Restart: balances and open orders (in time priority) rebuild an engine that behaves exactly
// like the original; restore never re-matches.
#include "engine_test_util.h"

namespace mc::engine::test {
namespace {

class restore : public engine_test {};

// Copies balances, open orders and counters of `from` into a fresh engine, as the service does
// from Postgres.
void rebuild(const matching_engine& from, matching_engine& to) {
  for (const account& a : from.accounts()) {
    for (asset_id asset = 0; asset < from.config().assets.size(); ++asset) {
      ASSERT_EQ(to.restore_account(a.user, asset, a.available[asset], a.held[asset]),
                reject_reason::none);
    }
  }
  for (symbol_id s = 0; s < from.config().markets.size(); ++s) {
    for (side sd : {side::buy, side::sell}) {
      std::vector<order_snapshot> orders;
      from.book_orders(s, sd, orders);
      for (const auto& o : orders) ASSERT_EQ(to.restore_order(o), reject_reason::none);
    }
    if (auto ref = from.reference_price(s)) to.restore_reference_price(s, *ref);
  }
  to.restore_counters(from.next_order_id(), from.next_trade_id());
}

TEST_F(restore, rebuilt_engine_matches_the_original_event_for_event) {
  for (user_id u : {alice, bob, carol}) {
    fund(u, usd, 10'000'000);
    fund(u, btc, mbtc(50));
  }
  quote(px(49'900), mbtc(2), px(50'100), mbtc(2));
  place(alice, side::sell, px(50'050), mbtc(3));
  place(bob, side::sell, px(50'050), mbtc(2));
  place(carol, side::buy, px(50'050), mbtc(4));  // partial fills, fees accrued
  place(alice, side::buy, px(49'000), mbtc(1));
  place(bob, side::buy, px(49'000), mbtc(1));

  matching_engine copy(default_config());
  rebuild(eng, copy);
  const audit_result a = copy.audit();
  ASSERT_TRUE(a.ok) << a.message;
  for (user_id u : {alice, bob, carol, house, fees}) {
    for (asset_id as : {usd, btc}) {
      EXPECT_EQ(copy.balance(u, as).available, eng.balance(u, as).available);
      EXPECT_EQ(copy.balance(u, as).held, eng.balance(u, as).held);
    }
  }
  const std::vector<command> next = {
      place_order{100, carol, 0, btc_usd, side::sell, order_type::limit, time_in_force::gtc, false,
                  px(49'000), mbtc(3)},
      place_order{101, bob, 0, btc_usd, side::buy, order_type::market, time_in_force::ioc, false, 0,
                  mbtc(2)},
      quote_tick{102, btc_usd, px(50'100), mbtc(1), px(50'200), mbtc(1)},
  };
  for (const command& c : next) {
    std::vector<event> e1, e2;
    eng.apply(c, e1);
    copy.apply(c, e2);
    ASSERT_EQ(e1.size(), e2.size());
    for (std::size_t i = 0; i < e1.size(); ++i) {
      ASSERT_EQ(e1[i].type, e2[i].type);
      if (e1[i].type == event_type::trade) {
        EXPECT_EQ(e1[i].trade.maker_order, e2[i].trade.maker_order);
        EXPECT_EQ(e1[i].trade.trade, e2[i].trade.trade);
        EXPECT_EQ(e1[i].trade.qty, e2[i].trade.qty);
        EXPECT_EQ(e1[i].trade.taker_fee, e2[i].trade.taker_fee);
        EXPECT_EQ(e1[i].trade.maker_fee, e2[i].trade.maker_fee);
      }
      if (e1[i].type == event_type::balance_changed) {
        EXPECT_EQ(e1[i].balance.available, e2[i].balance.available);
        EXPECT_EQ(e1[i].balance.held, e2[i].balance.held);
      }
    }
  }
  EXPECT_TRUE(copy.audit().ok);
}

TEST_F(restore, restore_does_not_rematch_and_refuses_a_crossing_order) {
  matching_engine e(default_config());
  ASSERT_EQ(e.restore_account(alice, btc, 0, mbtc(1)), reject_reason::none);
  ASSERT_EQ(e.restore_account(bob, usd, 0, 5'010), reject_reason::none);
  order_snapshot ask{10, alice, btc_usd, side::sell, false, px(50'000), mbtc(1), 0, 0, 0};
  order_snapshot bid{11, bob, btc_usd, side::buy, false, px(50'000), mbtc(1), 0, 0, 0};
  EXPECT_EQ(e.restore_order(ask), reject_reason::none);
  EXPECT_EQ(e.restore_order(bid), reject_reason::would_cross);
  bid.price = px(49'990);
  EXPECT_EQ(e.restore_order(bid), reject_reason::none);
  EXPECT_EQ(e.restore_order(bid), reject_reason::duplicate_order_id);
  // Bob's held 5010 was sized for 50,000; at 49,990 the order holds 4999 + 10.
  const audit_result a = e.audit();
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.message.find("held"), std::string::npos);
  EXPECT_EQ(e.next_order_id(), 12u);
}

TEST_F(restore, audit_detects_a_missing_hold) {
  matching_engine e(default_config());
  ASSERT_EQ(e.restore_account(alice, btc, mbtc(1), 0), reject_reason::none);
  order_snapshot ask{10, alice, btc_usd, side::sell, false, px(50'000), mbtc(1), 0, 0, 0};
  ASSERT_EQ(e.restore_order(ask), reject_reason::none);
  EXPECT_FALSE(e.audit().ok);
  EXPECT_EQ(e.restore_account(alice, btc, 0, mbtc(1)), reject_reason::none);
  EXPECT_TRUE(e.audit().ok);
  EXPECT_EQ(e.restore_account(alice, btc, -1, 0), reject_reason::bad_amount);
}

}  // namespace
}  // namespace mc::engine::test
