// Replace (amend): time priority is kept only when the price is unchanged and the quantity
// does not grow; holds follow the new terms exactly; a failed replace changes nothing.
#include "engine_test_util.h"

namespace mc::engine::test {
namespace {

constexpr user_id dave = 103;

class replace : public engine_test {
 protected:
  void SetUp() override {
    for (user_id u : {alice, bob, dave}) {
      fund(u, usd, 100'000'000);
      fund(u, btc, 100'000'000);
    }
    a = place(alice, side::sell, px(50'000), mbtc(2));
    b = place(bob, side::sell, px(50'000), mbtc(1));
  }
  order_id first_maker_hit() {
    place(dave, side::buy, px(50'000), mbtc(1), time_in_force::ioc);
    EXPECT_EQ(trades().size(), 1u);
    return trades().empty() ? 0 : trades()[0].maker_order;
  }
  const order_replaced_event* replaced() const {
    for (const event& e : ev) {
      if (e.type == event_type::order_replaced) return &e.replaced;
    }
    return nullptr;
  }
  order_id a = 0, b = 0;
};

TEST_F(replace, smaller_quantity_same_price_keeps_priority_and_releases) {
  run(replace_order{++seq, alice, a, px(50'000), mbtc(1)});
  ASSERT_NE(replaced(), nullptr);
  EXPECT_TRUE(replaced()->kept_priority);
  EXPECT_EQ(replaced()->new_leaves, mbtc(1));
  EXPECT_EQ(held(alice, btc), mbtc(1));
  EXPECT_EQ(first_maker_hit(), a);
}

TEST_F(replace, larger_quantity_loses_priority) {
  run(replace_order{++seq, alice, a, px(50'000), mbtc(3)});
  ASSERT_NE(replaced(), nullptr);
  EXPECT_FALSE(replaced()->kept_priority);
  EXPECT_EQ(held(alice, btc), mbtc(3));
  EXPECT_EQ(first_maker_hit(), b);
}

TEST_F(replace, price_change_loses_priority_even_when_moved_back) {
  run(replace_order{++seq, alice, a, px(50'001), mbtc(2)});
  run(replace_order{++seq, alice, a, px(50'000), mbtc(2)});
  EXPECT_FALSE(replaced()->kept_priority);
  EXPECT_EQ(first_maker_hit(), b);
}

TEST_F(replace, same_quantity_same_price_is_a_no_op_that_keeps_priority) {
  run(replace_order{++seq, alice, a, px(50'000), mbtc(2)});
  EXPECT_TRUE(replaced()->kept_priority);
  EXPECT_EQ(first_maker_hit(), a);
}

TEST_F(replace, buy_hold_follows_the_new_terms) {
  const order_id o = place(dave, side::buy, px(49'000), mbtc(2));
  EXPECT_EQ(held(dave, usd), 9'800 + 20);
  run(replace_order{++seq, dave, o, px(49'000), mbtc(1)});
  EXPECT_EQ(held(dave, usd), 4'900 + 10);
  run(replace_order{++seq, dave, o, px(49'500), mbtc(4)});
  EXPECT_EQ(held(dave, usd), 19'800 + 40);
  EXPECT_EQ(avail(dave, usd), 100'000'000 - 19'840);
}

TEST_F(replace, crossing_replace_matches_as_taker) {
  const order_id o = place(dave, side::buy, px(49'000), mbtc(4));
  run(replace_order{++seq, dave, o, px(50'000), mbtc(4)});
  const auto t = trades();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].taker_order, o);
  EXPECT_EQ(t[0].maker_order, a);
  EXPECT_EQ(t[1].maker_order, b);
  EXPECT_EQ(update_of(o)->status, order_status::partially_filled);
  EXPECT_EQ(eng.find_order(o)->leaves, mbtc(1));
}

TEST_F(replace, unfunded_replace_is_rejected_and_changes_nothing) {
  constexpr user_id poor = 300;
  fund(poor, usd, 5'010);
  const order_id o = place(poor, side::buy, px(49'000), mbtc(1));
  const auto before = eng.find_order(o);
  run(replace_order{++seq, poor, o, px(49'000), mbtc(2)});
  EXPECT_EQ(rejection(), reject_reason::insufficient_funds);
  const auto after = eng.find_order(o);
  EXPECT_EQ(after->leaves, before->leaves);
  EXPECT_EQ(after->hold, before->hold);
  EXPECT_EQ(held(poor, usd), before->hold);
}

TEST_F(replace, post_only_replace_that_would_take_is_rejected) {
  const order_id o = place(dave, side::buy, px(49'000), mbtc(1), time_in_force::gtc, true);
  ASSERT_NE(o, 0u);
  run(replace_order{++seq, dave, o, px(50'000), mbtc(1)});
  EXPECT_EQ(rejection(), reject_reason::post_only_would_take);
  EXPECT_EQ(eng.find_order(o)->price, px(49'000));
}

TEST_F(replace, unknown_order_wrong_owner_and_bad_terms) {
  run(replace_order{++seq, alice, 999'999, px(50'000), mbtc(1)});
  EXPECT_EQ(rejection(), reject_reason::order_not_found);
  run(replace_order{++seq, bob, a, px(50'000), mbtc(1)});
  EXPECT_EQ(rejection(), reject_reason::not_owner);
  run(replace_order{++seq, alice, a, px(50'000), 0});
  EXPECT_EQ(rejection(), reject_reason::bad_qty);
  run(replace_order{++seq, alice, a, px(50'000), 1'500});
  EXPECT_EQ(rejection(), reject_reason::bad_qty);
  run(replace_order{++seq, alice, a, 0, mbtc(1)});
  EXPECT_EQ(rejection(), reject_reason::bad_price);
  EXPECT_EQ(eng.find_order(a)->leaves, mbtc(2));
}

TEST_F(replace, cancel_rules) {
  run(cancel_order{++seq, bob, a});
  EXPECT_EQ(rejection(), reject_reason::not_owner);
  run(cancel_order{++seq, alice, a});
  EXPECT_EQ(rejection(), reject_reason::none);
  run(cancel_order{++seq, alice, a});
  EXPECT_EQ(rejection(), reject_reason::order_not_found);
}

}  // namespace
}  // namespace mc::engine::test
