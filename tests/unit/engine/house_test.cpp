// House liquidity: a quote tick replaces the house bid and ask, crossing user orders fill at
// the users' own prices, the house account may go negative and pays no fees.
#include "engine_test_util.h"

namespace mc::engine::test {
namespace {

class house_quotes : public engine_test {
 protected:
  std::vector<order_snapshot> house_orders() {
    std::vector<order_snapshot> v;
    eng.open_orders(house, v);
    return v;
  }
};

TEST_F(house_quotes, quote_places_bid_and_ask_and_sets_reference) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(7));
  EXPECT_EQ(*eng.best_bid(btc_usd), px(49'990));
  EXPECT_EQ(*eng.best_ask(btc_usd), px(50'010));
  EXPECT_EQ(*eng.reference_price(btc_usd), px(50'000));
  const auto h = house_orders();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].side, side::buy);
  EXPECT_EQ(h[0].leaves, mbtc(5));
  EXPECT_EQ(h[1].leaves, mbtc(7));
  // The house holds like anyone else, but from a balance that may go negative.
  EXPECT_EQ(held(house, btc), mbtc(7));
  EXPECT_EQ(avail(house, btc), -mbtc(7));
}

TEST_F(house_quotes, new_quote_replaces_previous_house_orders) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(7));
  const auto old = house_orders();
  quote(px(50'090), mbtc(1), px(50'110), mbtc(2));
  for (const auto& o : old) {
    ASSERT_TRUE(update_of(o.id));
    EXPECT_EQ(update_of(o.id)->reason, end_reason::house_requote);
    EXPECT_FALSE(eng.find_order(o.id));
  }
  const auto h = house_orders();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].price, px(50'090));
  EXPECT_EQ(h[1].price, px(50'110));
  std::vector<depth_level> bids;
  eng.depth(btc_usd, side::buy, 10, bids);
  ASSERT_EQ(bids.size(), 1u);
  EXPECT_EQ(bids[0].qty, mbtc(1));
  EXPECT_EQ(held(house, btc), mbtc(2));
}

TEST_F(house_quotes, house_crossing_resting_user_orders_fills_at_user_price) {
  fund(alice, usd, 1'000'000);
  const order_id a = place(alice, side::buy, px(50'100), mbtc(1));
  ASSERT_EQ(held(alice, usd), 5'010 + 11);
  quote(px(49'900), mbtc(1), px(50'000), mbtc(3));  // the market fell through alice's bid
  const auto t = trades();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].price, px(50'100));  // alice's limit, not the house ask
  EXPECT_EQ(t[0].maker_order, a);
  EXPECT_EQ(t[0].maker_user, alice);
  EXPECT_EQ(t[0].taker_user, house);
  EXPECT_EQ(t[0].maker_fee, 6);  // ceil(5010 * 10 / 10000)
  EXPECT_EQ(t[0].taker_fee, 0);  // the house pays no fee
  EXPECT_EQ(update_of(a)->status, order_status::filled);
  EXPECT_EQ(held(alice, usd), 0);
  EXPECT_EQ(avail(alice, usd), 1'000'000 - 5'016);
  EXPECT_EQ(avail(alice, btc), mbtc(1));
  EXPECT_EQ(total(house, usd), 5'010);  // its new bid holds part of it
  EXPECT_EQ(avail(fees, usd), 6);
  // The rest of the house ask rests at the quoted price.
  EXPECT_EQ(*eng.best_ask(btc_usd), px(50'000));
  std::vector<depth_level> asks;
  eng.depth(btc_usd, side::sell, 1, asks);
  EXPECT_EQ(asks[0].qty, mbtc(2));
}

TEST_F(house_quotes, user_market_order_fills_against_house) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(5));
  fund(bob, usd, 1'000'000);
  const order_id t =
      place(bob, side::buy, 0, mbtc(2), time_in_force::ioc, false, btc_usd, order_type::market);
  ASSERT_NE(t, 0u);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].price, px(50'010));
  EXPECT_EQ(trades()[0].maker_user, house);
  EXPECT_EQ(trades()[0].maker_fee, 0);
  EXPECT_EQ(update_of(t)->status, order_status::filled);
  EXPECT_EQ(avail(bob, btc), mbtc(2));
  EXPECT_EQ(total(house, btc), -mbtc(2));
}

TEST_F(house_quotes, zero_sizes_only_move_the_reference_and_clear_the_house) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(5));
  quote(px(59'990), 0, px(60'010), 0);
  EXPECT_TRUE(house_orders().empty());
  EXPECT_EQ(*eng.reference_price(btc_usd), px(60'000));
  EXPECT_FALSE(eng.best_bid(btc_usd));
}

TEST_F(house_quotes, bad_quotes_are_rejected) {
  quote(px(50'010), mbtc(1), px(50'010), mbtc(1));
  EXPECT_EQ(rejection(), reject_reason::crossed_quote);
  quote(0, mbtc(1), px(50'010), mbtc(1));
  EXPECT_EQ(rejection(), reject_reason::bad_price);
  quote(px(50'000), 1, px(50'010), mbtc(1));
  EXPECT_EQ(rejection(), reject_reason::bad_qty);
  quote(px(50'000), mbtc(1), px(50'010), mbtc(1), 7);
  EXPECT_EQ(rejection(), reject_reason::unknown_symbol);
  EXPECT_FALSE(eng.reference_price(btc_usd));
}

TEST_F(house_quotes, users_cannot_act_as_system_accounts) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(5));
  const auto h = house_orders();
  run(cancel_order{++seq, house, h[0].id});
  EXPECT_EQ(rejection(), reject_reason::system_account);
  run(cancel_order{++seq, alice, h[0].id});
  EXPECT_EQ(rejection(), reject_reason::not_owner);
  run(top_up{++seq, fees, usd, 100});
  EXPECT_EQ(rejection(), reject_reason::system_account);
  EXPECT_EQ(place(house, side::buy, px(1), mbtc(1)), 0u);
  EXPECT_EQ(rejection(), reject_reason::system_account);
}

TEST_F(house_quotes, self_trade_never_happens_between_house_orders) {
  quote(px(49'990), mbtc(5), px(50'010), mbtc(5));
  quote(px(50'020), mbtc(5), px(50'030), mbtc(5));  // new bid above the old ask
  EXPECT_TRUE(trades().empty());
  EXPECT_EQ(house_orders().size(), 2u);
}

}  // namespace
}  // namespace mc::engine::test
