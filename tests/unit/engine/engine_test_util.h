// Shared fixture for the engine unit tests: an engine on the default markets, a reused event
// buffer, one-line helpers for commands, and an audit after every command.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "engine/matching_engine.h"

namespace mc::engine::test {

inline constexpr symbol_id btc_usd = 0;
inline constexpr symbol_id eth_usd = 1;
inline constexpr asset_id usd = 0;
inline constexpr asset_id btc = 1;
inline constexpr asset_id eth = 2;
inline constexpr user_id house = 1;
inline constexpr user_id fees = 2;
inline constexpr user_id alice = 100;
inline constexpr user_id bob = 101;
inline constexpr user_id carol = 102;

// Price of BTC in cents; qty in satoshi. 0.001 BTC at $50,000.00 is $50.00 = 5000 cents.
inline constexpr price_t px(std::int64_t dollars) {
  return dollars * 100;
}
inline constexpr qty_t mbtc(std::int64_t milli) {
  return milli * 100'000;
}

// The default markets with coarse quantity steps (0.00001 BTC, 0.0001 ETH), so the engine's
// lot rules are exercised; the default markets themselves step by one minor unit.
inline engine_config lot_config() {
  engine_config c = default_config();
  c.markets[0].lot = c.markets[0].min_qty = 1'000;
  c.markets[1].lot = c.markets[1].min_qty = 10'000;
  return c;
}

class engine_test : public ::testing::Test {
 protected:
  explicit engine_test(engine_config config = lot_config()) : eng(std::move(config)) {}

  const std::vector<event>& run(const command& c) {
    ev.clear();
    eng.apply(c, ev);
    const audit_result a = eng.audit();
    EXPECT_TRUE(a.ok) << a.message;
    return ev;
  }

  void fund(user_id user, asset_id asset, amount_t amount) {
    run(top_up{++seq, user, asset, amount});
    EXPECT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, event_type::balance_changed);
  }

  // Places an order; returns its id when accepted, 0 when rejected.
  order_id place(user_id user, side s, price_t price, qty_t qty,
                 time_in_force tif = time_in_force::gtc, bool post_only = false,
                 symbol_id symbol = btc_usd, order_type type = order_type::limit, order_id id = 0) {
    run(place_order{++seq, user, id, symbol, s, type, tif, post_only, price, qty});
    for (const event& e : ev) {
      if (e.type == event_type::order_accepted) return e.accepted.order;
    }
    return 0;
  }

  order_id market(user_id user, side s, qty_t qty, time_in_force tif = time_in_force::ioc) {
    return place(user, s, 0, qty, tif, false, btc_usd, order_type::market);
  }

  void quote(price_t bid, qty_t bid_qty, price_t ask, qty_t ask_qty, symbol_id symbol = btc_usd) {
    run(quote_tick{++seq, symbol, bid, bid_qty, ask, ask_qty});
  }

  reject_reason rejection() const {
    for (const event& e : ev) {
      if (e.type == event_type::order_rejected) return e.rejected.reason;
    }
    return reject_reason::none;
  }

  std::vector<trade_event> trades() const {
    std::vector<trade_event> t;
    for (const event& e : ev) {
      if (e.type == event_type::trade) t.push_back(e.trade);
    }
    return t;
  }

  // The last status update of an order in the latest command's events.
  std::optional<order_updated_event> update_of(order_id id) const {
    std::optional<order_updated_event> u;
    for (const event& e : ev) {
      if (e.type == event_type::order_updated && e.updated.order == id) u = e.updated;
    }
    return u;
  }

  amount_t avail(user_id u, asset_id a) const { return eng.balance(u, a).available; }
  amount_t held(user_id u, asset_id a) const { return eng.balance(u, a).held; }
  amount_t total(user_id u, asset_id a) const { return avail(u, a) + held(u, a); }

  matching_engine eng;
  std::vector<event> ev;
  std::uint64_t seq = 0;
};

}  // namespace mc::engine::test
