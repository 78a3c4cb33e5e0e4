// Matching rules: price-time priority, fills across levels at maker prices, IOC, FOK,
// market orders inside the protection band, post-only and self-trade prevention.
#include "engine_test_util.h"

#include "engine/money.h"

namespace mc::engine::test {
namespace {

constexpr user_id dave = 103;

class matching : public engine_test {
 protected:
  void SetUp() override {
    for (user_id u : {alice, bob, carol, dave}) {
      fund(u, usd, 100'000'000);  // $1,000,000.00
      fund(u, btc, 100'000'000);  // 1 BTC
    }
  }
};

TEST_F(matching, price_then_time_priority) {
  const order_id a = place(alice, side::sell, px(50'000), mbtc(1));
  const order_id b = place(bob, side::sell, px(50'000), mbtc(1));
  const order_id c = place(carol, side::sell, px(49'999), mbtc(1));
  ASSERT_TRUE(a && b && c);
  place(dave, side::buy, px(50'000), mbtc(2), time_in_force::ioc);
  const auto t = trades();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].maker_order, c);
  EXPECT_EQ(t[0].price, px(49'999));
  EXPECT_EQ(t[1].maker_order, a);
  EXPECT_EQ(t[1].price, px(50'000));
  EXPECT_TRUE(eng.find_order(b));
  EXPECT_FALSE(eng.find_order(a));
  EXPECT_EQ(update_of(a)->status, order_status::filled);
}

TEST_F(matching, partial_fills_across_many_levels_then_rest) {
  std::vector<order_id> makers;
  const user_id sellers[] = {alice, bob, carol, alice, bob};
  for (int i = 0; i < 5; ++i) {
    makers.push_back(place(sellers[i], side::sell, px(50'000 + i), mbtc(1)));
  }
  const amount_t before = total(dave, usd);
  const order_id taker = place(dave, side::buy, px(50'003), mbtc(7));
  const auto t = trades();
  ASSERT_EQ(t.size(), 4u);
  std::int64_t units = 0;
  amount_t paid = 0;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t[i].maker_order, makers[i]);
    EXPECT_EQ(t[i].price, px(50'000 + i));
    EXPECT_EQ(t[i].qty, mbtc(1));
    EXPECT_EQ(t[i].notional, 5'000);  // $50.00i floored to $50.00
    EXPECT_EQ(t[i].taker_order, taker);
    units += t[i].notional * 20;
    paid += t[i].notional + t[i].taker_fee;
  }
  EXPECT_EQ(paid, 20'000 + fee_charged(units));
  const auto o = eng.find_order(taker);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->leaves, mbtc(3));
  EXPECT_EQ(o->filled, mbtc(4));
  EXPECT_EQ(o->hold, buy_hold(notional(px(50'003), mbtc(3), 100'000'000), units, 20));
  EXPECT_EQ(held(dave, usd), o->hold);
  EXPECT_EQ(total(dave, usd), before - paid);
  EXPECT_EQ(total(dave, btc), 100'000'000 + mbtc(4));
  EXPECT_EQ(update_of(taker)->status, order_status::partially_filled);
  EXPECT_EQ(*eng.best_bid(btc_usd), px(50'003));
  EXPECT_EQ(*eng.best_ask(btc_usd), px(50'004));
}

TEST_F(matching, maker_partially_filled_keeps_priority) {
  const order_id a = place(alice, side::sell, px(50'000), mbtc(5));
  const order_id b = place(bob, side::sell, px(50'000), mbtc(1));
  place(dave, side::buy, px(50'000), mbtc(2), time_in_force::ioc);
  EXPECT_EQ(update_of(a)->status, order_status::partially_filled);
  EXPECT_EQ(update_of(a)->leaves, mbtc(3));
  place(dave, side::buy, px(50'000), mbtc(3), time_in_force::ioc);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].maker_order, a);
  EXPECT_TRUE(eng.find_order(b));
}

TEST_F(matching, ioc_remainder_is_canceled_and_hold_released_exactly) {
  place(alice, side::sell, px(50'000), mbtc(1));
  const amount_t before = avail(dave, usd);
  const order_id t = place(dave, side::buy, px(50'000), mbtc(3), time_in_force::ioc);
  ASSERT_EQ(trades().size(), 1u);
  const auto u = update_of(t);
  EXPECT_EQ(u->status, order_status::canceled);
  EXPECT_EQ(u->reason, end_reason::unfilled_ioc);
  EXPECT_EQ(u->filled, mbtc(1));
  EXPECT_EQ(held(dave, usd), 0);
  EXPECT_EQ(avail(dave, usd), before - 5'000 - 10);
  EXPECT_FALSE(eng.find_order(t));
  EXPECT_FALSE(eng.best_bid(btc_usd));
}

TEST_F(matching, fok_that_would_fill_only_partly_changes_nothing) {
  place(alice, side::sell, px(50'000), mbtc(1));
  place(bob, side::sell, px(50'001), mbtc(1));
  place(carol, side::sell, px(50'005), mbtc(5));  // beyond the FOK limit
  std::vector<depth_level> before;
  eng.depth(btc_usd, side::sell, 10, before);
  const auto bal = eng.balance(dave, usd);
  EXPECT_EQ(place(dave, side::buy, px(50'001), mbtc(3), time_in_force::fok), 0u);
  EXPECT_EQ(rejection(), reject_reason::fok_cannot_fill);
  EXPECT_EQ(ev.size(), 1u);  // only the rejection
  std::vector<depth_level> after;
  eng.depth(btc_usd, side::sell, 10, after);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].qty, before[i].qty);
  EXPECT_EQ(eng.balance(dave, usd).available, bal.available);
  EXPECT_EQ(eng.balance(dave, usd).held, bal.held);
}

TEST_F(matching, fok_fills_completely_when_it_can) {
  place(alice, side::sell, px(50'000), mbtc(1));
  place(bob, side::sell, px(50'001), mbtc(2));
  const order_id t = place(dave, side::buy, px(50'001), mbtc(3), time_in_force::fok);
  ASSERT_NE(t, 0u);
  EXPECT_EQ(trades().size(), 2u);
  EXPECT_EQ(update_of(t)->status, order_status::filled);
  EXPECT_EQ(held(dave, usd), 0);
}

TEST_F(matching, fok_does_not_count_own_orders) {
  place(dave, side::sell, px(50'000), mbtc(2));
  place(alice, side::sell, px(50'000), mbtc(1));
  EXPECT_EQ(place(dave, side::buy, px(50'000), mbtc(2), time_in_force::fok), 0u);
  EXPECT_EQ(rejection(), reject_reason::fok_cannot_fill);
}

TEST_F(matching, market_order_needs_a_reference_price) {
  place(alice, side::sell, px(50'000), mbtc(1));
  EXPECT_EQ(market(dave, side::buy, mbtc(1)), 0u);
  EXPECT_EQ(rejection(), reject_reason::no_reference_price);
}

TEST_F(matching, market_buy_stops_at_the_protection_band) {
  quote(px(49'990), 0, px(50'010), 0);  // reference 50,000.00, house quoting nothing
  ASSERT_EQ(*eng.reference_price(btc_usd), px(50'000));
  place(alice, side::sell, px(50'000), mbtc(1));
  place(bob, side::sell, px(53'000), mbtc(5));  // 6% above reference: outside the 5% band
  const amount_t before = avail(dave, usd);
  const order_id t = market(dave, side::buy, mbtc(2));
  ASSERT_NE(t, 0u);
  const event& acc = ev[0];
  ASSERT_EQ(acc.type, event_type::order_accepted);
  EXPECT_EQ(acc.accepted.price, px(52'500));
  EXPECT_EQ(acc.accepted.tif, time_in_force::ioc);
  // Held: 0.002 BTC at the band price plus the taker fee on it.
  EXPECT_EQ(acc.accepted.hold, 10'500 + 21);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].price, px(50'000));
  EXPECT_EQ(update_of(t)->status, order_status::canceled);
  EXPECT_EQ(update_of(t)->reason, end_reason::unfilled_ioc);
  EXPECT_EQ(avail(dave, usd), before - 5'010);
  EXPECT_EQ(held(dave, usd), 0);
  EXPECT_FALSE(eng.find_order(t));
}

TEST_F(matching, market_sell_floor_and_no_liquidity) {
  quote(px(49'990), 0, px(50'010), 0);
  place(alice, side::buy, px(47'000), mbtc(1));  // below the 47,500 floor
  const order_id t = market(dave, side::sell, mbtc(1));
  ASSERT_NE(t, 0u);
  EXPECT_EQ(ev[0].accepted.price, px(47'500));
  EXPECT_TRUE(trades().empty());
  EXPECT_EQ(update_of(t)->status, order_status::canceled);
  EXPECT_EQ(held(dave, btc), 0);
  EXPECT_EQ(avail(dave, btc), 100'000'000);
}

TEST_F(matching, market_buy_is_funded_at_the_band_price) {
  quote(px(49'990), 0, px(50'010), 0);
  place(alice, side::sell, px(50'000), mbtc(1));
  constexpr user_id poor = 200;
  fund(poor, usd, 5'010);  // enough at 50,000 but not at the 52,500 band price
  EXPECT_EQ(market(poor, side::buy, mbtc(1)), 0u);
  EXPECT_EQ(rejection(), reject_reason::insufficient_funds);
  EXPECT_EQ(held(poor, usd), 0);
}

TEST_F(matching, market_fok_keeps_fok) {
  quote(px(49'990), 0, px(50'010), 0);
  place(alice, side::sell, px(50'000), mbtc(1));
  EXPECT_EQ(market(dave, side::buy, mbtc(2), time_in_force::fok), 0u);
  EXPECT_EQ(rejection(), reject_reason::fok_cannot_fill);
}

TEST_F(matching, post_only_rests_or_is_rejected) {
  place(alice, side::sell, px(50'000), mbtc(1));
  EXPECT_EQ(place(dave, side::buy, px(50'000), mbtc(1), time_in_force::gtc, true), 0u);
  EXPECT_EQ(rejection(), reject_reason::post_only_would_take);
  EXPECT_EQ(held(dave, usd), 0);
  const order_id ok = place(dave, side::buy, px(49'999), mbtc(1), time_in_force::gtc, true);
  ASSERT_NE(ok, 0u);
  // Post-only can only pay the maker fee, so only the maker fee is held.
  EXPECT_EQ(held(dave, usd), 4'999 + 5);
  EXPECT_EQ(place(dave, side::buy, px(1), mbtc(1), time_in_force::ioc, true), 0u);
  EXPECT_EQ(rejection(), reject_reason::bad_order);
}

TEST_F(matching, self_trade_prevention_cancels_the_resting_order) {
  const order_id own = place(dave, side::sell, px(50'000), mbtc(1));
  const order_id other = place(bob, side::sell, px(50'001), mbtc(1));
  ASSERT_EQ(held(dave, btc), mbtc(1));
  const order_id t = place(dave, side::buy, px(50'001), mbtc(2), time_in_force::ioc);
  const auto u = update_of(own);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->status, order_status::canceled);
  EXPECT_EQ(u->reason, end_reason::self_trade);
  EXPECT_EQ(held(dave, btc), 0);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].maker_order, other);
  EXPECT_EQ(update_of(t)->filled, mbtc(1));
  EXPECT_FALSE(eng.find_order(own));
}

TEST_F(matching, trade_price_is_the_maker_price_for_sell_takers) {
  place(alice, side::buy, px(50'010), mbtc(1));
  place(dave, side::sell, px(49'000), mbtc(1), time_in_force::ioc);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].price, px(50'010));
  EXPECT_EQ(trades()[0].taker_side, side::sell);
  EXPECT_EQ(trades()[0].notional, 5'001);
  EXPECT_EQ(trades()[0].taker_fee, 11);  // ceil(5001 * 20 / 10000)
  EXPECT_EQ(trades()[0].maker_fee, 6);   // ceil(5001 * 10 / 10000)
}

TEST_F(matching, open_orders_and_lookup) {
  const order_id a = place(dave, side::sell, px(51'000), mbtc(1));
  const order_id b = place(dave, side::buy, px(49'000), mbtc(2));
  std::vector<order_snapshot> mine;
  eng.open_orders(dave, mine);
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].id, a);
  EXPECT_EQ(mine[1].id, b);
  EXPECT_EQ(mine[1].leaves, mbtc(2));
  run(cancel_order{++seq, dave, a});
  mine.clear();
  eng.open_orders(dave, mine);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, b);
}

}  // namespace
}  // namespace mc::engine::test
