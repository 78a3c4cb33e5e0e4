// Rejections: every reason a command can be refused for, each leaving the state untouched,
// plus order-id assignment, overflow limits and config validation.
#include "engine_test_util.h"

#include <stdexcept>

namespace mc::engine::test {
namespace {

class validation : public engine_test {
 protected:
  void SetUp() override {
    fund(alice, usd, 100'000'000);
    fund(alice, btc, mbtc(100));
  }
  reject_reason try_place(side s, price_t price, qty_t qty, symbol_id sym = btc_usd,
                          user_id user = alice) {
    place(user, s, price, qty, time_in_force::gtc, false, sym);
    return rejection();
  }
};

TEST_F(validation, symbol_user_qty_and_price) {
  EXPECT_EQ(try_place(side::buy, px(1), mbtc(1), 9), reject_reason::unknown_symbol);
  EXPECT_EQ(try_place(side::buy, px(1), mbtc(1), btc_usd, 0), reject_reason::bad_user);
  EXPECT_EQ(try_place(side::buy, px(1), 0), reject_reason::bad_qty);
  EXPECT_EQ(try_place(side::buy, px(1), -1'000), reject_reason::bad_qty);
  EXPECT_EQ(try_place(side::buy, px(1), 1'500), reject_reason::bad_qty);            // not a lot
  EXPECT_EQ(try_place(side::buy, px(1), 100'000'001'000), reject_reason::bad_qty);  // > max
  EXPECT_EQ(try_place(side::buy, 0, mbtc(1)), reject_reason::bad_price);
  EXPECT_EQ(try_place(side::buy, -5, mbtc(1)), reject_reason::bad_price);
  EXPECT_EQ(try_place(side::buy, 1'000'000'001, mbtc(1)), reject_reason::bad_price);  // > max
  EXPECT_EQ(held(alice, usd), 0);
  EXPECT_EQ(held(alice, btc), 0);
  EXPECT_EQ(eng.open_order_count(), 0u);
}

TEST_F(validation, price_tick_is_enforced) {
  engine_config c = default_config();
  c.markets[0].price_tick = 100;  // whole dollars
  c.markets[0].max_price = 1'000'000'000;
  matching_engine e(c);
  std::vector<event> out;
  e.apply(top_up{1, alice, usd, 1'000'000}, out);
  e.apply(place_order{2, alice, 0, btc_usd, side::buy, order_type::limit, time_in_force::gtc, false,
                      5'000'050, mbtc(1)},
          out);
  ASSERT_EQ(out.back().type, event_type::order_rejected);
  EXPECT_EQ(out.back().rejected.reason, reject_reason::bad_price);
}

TEST_F(validation, caller_and_engine_order_ids) {
  const order_id mine = place(alice, side::buy, px(10), mbtc(1), time_in_force::gtc, false, btc_usd,
                              order_type::limit, 5'000);
  EXPECT_EQ(mine, 5'000u);
  EXPECT_EQ(place(alice, side::buy, px(11), mbtc(1), time_in_force::gtc, false, btc_usd,
                  order_type::limit, 5'000),
            0u);
  EXPECT_EQ(rejection(), reject_reason::duplicate_order_id);
  // Engine-assigned ids never collide with caller ids already seen.
  EXPECT_EQ(place(alice, side::buy, px(12), mbtc(1)), 5'001u);
  EXPECT_EQ(ev[0].seq, seq);  // every event echoes the command sequence number
}

TEST_F(validation, top_up_rules_and_overflow) {
  run(top_up{++seq, 0, usd, 1});
  EXPECT_EQ(rejection(), reject_reason::bad_user);
  run(top_up{++seq, bob, 7, 1});
  EXPECT_EQ(rejection(), reject_reason::unknown_asset);
  run(top_up{++seq, bob, usd, 0});
  EXPECT_EQ(rejection(), reject_reason::bad_amount);
  run(top_up{++seq, bob, usd, -5});
  EXPECT_EQ(rejection(), reject_reason::bad_amount);
  const amount_t limit = eng.config().max_balance;
  run(top_up{++seq, bob, usd, limit});
  EXPECT_EQ(rejection(), reject_reason::none);
  run(top_up{++seq, bob, usd, 1});
  EXPECT_EQ(rejection(), reject_reason::overflow);
  run(top_up{++seq, bob, usd, INT64_MAX});
  EXPECT_EQ(rejection(), reject_reason::overflow);
  EXPECT_EQ(avail(bob, usd), limit);
}

// A fill whose credit would overflow a balance stops the taker instead of wrapping.
TEST_F(validation, fill_that_would_overflow_a_balance_stops_the_taker) {
  engine_config c = default_config();
  c.max_balance = INT64_MAX;
  matching_engine e(c);
  std::vector<event> out;
  e.apply(top_up{1, alice, btc, INT64_MAX - 500}, out);  // alice sells tiny amounts...
  e.apply(top_up{2, bob, btc, INT64_MAX - 10}, out);     // ...bob's BTC is nearly full
  e.apply(top_up{3, bob, usd, 1'000'000}, out);
  e.apply(place_order{4, alice, 0, btc_usd, side::sell, order_type::limit, time_in_force::gtc,
                      false, px(1'000), 1'000},
          out);
  out.clear();
  e.apply(place_order{5, bob, 0, btc_usd, side::buy, order_type::limit, time_in_force::gtc, false,
                      px(1'000), 1'000},
          out);
  bool saw_trade = false;
  const order_updated_event* end = nullptr;
  for (const event& ev : out) {
    if (ev.type == event_type::trade) saw_trade = true;
    if (ev.type == event_type::order_updated) end = &ev.updated;
  }
  EXPECT_FALSE(saw_trade);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->status, order_status::canceled);
  EXPECT_EQ(end->reason, end_reason::balance_overflow);
  EXPECT_EQ(e.balance(bob, btc).available, INT64_MAX - 10);
  EXPECT_EQ(e.balance(bob, usd).held, 0);
  EXPECT_TRUE(e.audit().ok);
}

TEST(engine_config_validation, bad_configs_throw_at_start_up) {
  EXPECT_EQ(validate(default_config()), nullptr);
  engine_config c = default_config();
  c.markets[0].lot = 0;
  EXPECT_THROW(matching_engine{c}, std::invalid_argument);
  c = default_config();
  c.markets[0].max_qty = INT64_MAX / 1000 * 1000;  // notional could exceed the fee-safe bound
  EXPECT_NE(validate(c), nullptr);
  c = default_config();
  c.house_user = c.fee_user;
  EXPECT_NE(validate(c), nullptr);
  c = default_config();
  c.markets[0].taker_fee_bps = 10'001;
  EXPECT_NE(validate(c), nullptr);
}

TEST_F(validation, names_and_lookups) {
  EXPECT_EQ(*eng.find_symbol("ETH-USD"), eth_usd);
  EXPECT_FALSE(eng.find_symbol("DOGE-USD"));
  EXPECT_EQ(*eng.find_asset("BTC"), btc);
  EXPECT_STREQ(to_string(reject_reason::fok_cannot_fill), "fok_cannot_fill");
  EXPECT_STREQ(to_string(end_reason::self_trade), "self_trade");
  EXPECT_STREQ(to_string(order_status::partially_filled), "partially_filled");
}

}  // namespace
}  // namespace mc::engine::test
