// Holds and fees: exact holds at acceptance, exact release on fill, cancel and expiry,
// unfunded orders hold nothing, fees to the fee account, and conservation of every asset.
#include "engine_test_util.h"

namespace mc::engine::test {
namespace {

class holds : public engine_test {};

TEST_F(holds, buy_holds_notional_plus_max_fee_and_cancel_releases_it) {
  fund(alice, usd, 1'000'000);
  const order_id id = place(alice, side::buy, px(50'000), mbtc(1));
  ASSERT_NE(id, 0u);
  EXPECT_EQ(held(alice, usd), 5'010);  // $50.00 + max(maker, taker) fee 20 bps
  EXPECT_EQ(avail(alice, usd), 1'000'000 - 5'010);
  run(cancel_order{++seq, alice, id});
  EXPECT_EQ(update_of(id)->status, order_status::canceled);
  EXPECT_EQ(update_of(id)->reason, end_reason::user_canceled);
  EXPECT_EQ(held(alice, usd), 0);
  EXPECT_EQ(avail(alice, usd), 1'000'000);
}

TEST_F(holds, sell_holds_the_base_quantity) {
  fund(alice, btc, mbtc(10));
  ASSERT_NE(place(alice, side::sell, px(50'000), mbtc(4)), 0u);
  EXPECT_EQ(held(alice, btc), mbtc(4));
  EXPECT_EQ(avail(alice, btc), mbtc(6));
  EXPECT_EQ(held(alice, usd), 0);
}

TEST_F(holds, unfunded_order_is_rejected_and_holds_nothing) {
  fund(alice, usd, 5'009);
  EXPECT_EQ(place(alice, side::buy, px(50'000), mbtc(1)), 0u);
  EXPECT_EQ(rejection(), reject_reason::insufficient_funds);
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_EQ(avail(alice, usd), 5'009);
  EXPECT_EQ(held(alice, usd), 0);
  fund(alice, usd, 1);
  EXPECT_NE(place(alice, side::buy, px(50'000), mbtc(1)), 0u);  // exactly enough
  EXPECT_EQ(avail(alice, usd), 0);
  EXPECT_EQ(place(bob, side::sell, px(50'000), mbtc(1)), 0u);  // no account at all
  EXPECT_EQ(rejection(), reject_reason::insufficient_funds);
}

TEST_F(holds, price_improvement_is_released_at_the_fill) {
  fund(alice, btc, mbtc(1));
  fund(bob, usd, 1'000'000);
  place(alice, side::sell, px(50'000), mbtc(1));
  const order_id t = place(bob, side::buy, px(51'000), mbtc(1));
  ASSERT_NE(t, 0u);
  EXPECT_EQ(ev[0].accepted.hold, 5'100 + 11);
  ASSERT_EQ(trades().size(), 1u);
  EXPECT_EQ(trades()[0].taker_fee, 10);
  EXPECT_EQ(trades()[0].maker_fee, 5);
  EXPECT_EQ(held(bob, usd), 0);
  EXPECT_EQ(avail(bob, usd), 1'000'000 - 5'010);
  EXPECT_EQ(avail(bob, btc), mbtc(1));
  EXPECT_EQ(avail(alice, usd), 4'995);
  EXPECT_EQ(total(alice, btc), 0);
  EXPECT_EQ(avail(fees, usd), 15);
}

// Three 1-cent fills for one taker: the taker pays ceil(3 * 1 * 20 / 10000) = 1 cent in total,
// not 1 cent per fill; each maker order pays its own 1-cent ceiling.
TEST_F(holds, fee_rounding_is_per_order_not_per_fill) {
  for (user_id u : {alice, bob, carol}) {
    fund(u, btc, 1'000);
    place(u, side::sell, px(1'000), 1'000);  // 0.00001 BTC at $1,000 = 1 cent
  }
  constexpr user_id dave = 103;
  fund(dave, usd, 100);
  const order_id t = place(dave, side::buy, px(1'000), 3'000, time_in_force::ioc);
  ASSERT_NE(t, 0u);
  EXPECT_EQ(ev[0].accepted.hold, 3 + 1);
  const auto tr = trades();
  ASSERT_EQ(tr.size(), 3u);
  EXPECT_EQ(tr[0].taker_fee, 1);
  EXPECT_EQ(tr[1].taker_fee, 0);
  EXPECT_EQ(tr[2].taker_fee, 0);
  for (const auto& x : tr) {
    EXPECT_EQ(x.notional, 1);
    EXPECT_EQ(x.maker_fee, 1);
  }
  EXPECT_EQ(avail(dave, usd), 100 - 4);
  EXPECT_EQ(avail(fees, usd), 4);
  EXPECT_EQ(avail(alice, usd), 0);  // 1 cent proceeds minus 1 cent fee
}

TEST_F(holds, remainder_hold_matches_formula_after_partial_fill_and_cancel) {
  fund(alice, btc, mbtc(1));
  fund(bob, usd, 1'000'000);
  place(alice, side::sell, px(50'000), mbtc(1));
  const order_id t = place(bob, side::buy, px(50'000), mbtc(3));
  // Paid 5000 + 10; the rest (2 mBTC) still holds 10000 + ceil((100000+200000)/1e4) - 10.
  EXPECT_EQ(held(bob, usd), 10'000 + 30 - 10);
  run(cancel_order{++seq, bob, t});
  EXPECT_EQ(held(bob, usd), 0);
  EXPECT_EQ(avail(bob, usd), 1'000'000 - 5'010);
}

TEST_F(holds, no_value_is_created_or_destroyed) {
  const user_id users[] = {alice, bob, carol};
  for (user_id u : users) {
    fund(u, usd, 10'000'000);
    fund(u, btc, mbtc(100));
  }
  quote(px(49'900), mbtc(3), px(50'100), mbtc(3));
  std::uint64_t x = 12345;
  for (int i = 0; i < 400; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const user_id u = users[(x >> 33) % 3];
    const side s = (x >> 40) % 2 ? side::buy : side::sell;
    const price_t p = px(49'800 + static_cast<std::int64_t>((x >> 20) % 400));
    const qty_t q = 1'000 * (1 + static_cast<qty_t>((x >> 10) % 500));
    place(u, s, p, q, (x >> 50) % 3 == 0 ? time_in_force::ioc : time_in_force::gtc);
    if (i % 25 == 0) quote(p - px(100), mbtc(2), p + px(100), mbtc(2));
  }
  for (asset_id a : {usd, btc}) {
    int128_t sum = 0;
    for (const account& acc : eng.accounts()) sum += acc.available[a] + acc.held[a];
    EXPECT_TRUE(sum == eng.total_supply(a));
    EXPECT_TRUE(sum == (a == usd ? 30'000'000 : 3 * mbtc(100)));
  }
  for (user_id u : users) {
    EXPECT_GE(avail(u, usd), 0);
    EXPECT_GE(avail(u, btc), 0);
  }
  EXPECT_GT(avail(fees, usd), 0);
}

}  // namespace
}  // namespace mc::engine::test
