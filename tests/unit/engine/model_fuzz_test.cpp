// Model-based fuzz test: thousands of seeded random command sequences run through the engine
// and through reference_model.h; trades, rejections, orders and balances must agree, and the
// engine's invariants must hold after every command.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>

#include "engine/matching_engine.h"
#include "fuzz_config.h"
#include "reference_model.h"

namespace mc::engine::test {
namespace {

class command_generator {
 public:
  explicit command_generator(std::uint64_t seed) : rng_(seed) {}

  command next() {
    ++seq_;
    const int pick = roll(100);
    if (pick < 45) return place();
    if (pick < 58) return cancel();
    if (pick < 78) return replace();
    if (pick < 88) return topup();
    return quote();
  }

  // Learns ids and owners of accepted orders so cancels and replaces usually hit.
  void observe(const std::vector<event>& events) {
    for (const event& e : events) {
      if (e.type == event_type::order_accepted) {
        owners_[e.accepted.order] = e.accepted.user;
        ids_.push_back(e.accepted.order);
        if (ids_.size() > 64) ids_.erase(ids_.begin());
      }
    }
  }

 private:
  int roll(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  user_id user() { return roll(50) == 0 ? (roll(2) ? 0 : 1) : 100 + roll(5); }
  symbol_id symbol() { return roll(40) == 0 ? 2 : (roll(4) == 0 ? 1 : 0); }
  price_t tick(symbol_id s) const { return s == 0 ? 5 : 1; }
  qty_t lot(symbol_id s) const { return s == 0 ? 2 : 1; }
  price_t& mid(symbol_id s) { return mid_[s == 1 ? 1 : 0]; }

  price_t price(symbol_id s) {
    if (roll(60) == 0) return roll(2) ? 0 : 3'001;
    if (roll(60) == 0) return mid(s) + 1;  // off tick for BTC
    const price_t p = mid(s) + tick(s) * (roll(21) - 10);
    return std::max<price_t>(p, tick(s));
  }
  qty_t qty(symbol_id s) {
    if (roll(60) == 0) return roll(2) ? 0 : 3;  // zero, or not a lot multiple for BTC
    return lot(s) * (1 + roll(roll(5) == 0 ? 60 : 12));
  }
  order_id known_id() {
    if (ids_.empty() || roll(10) == 0) return static_cast<order_id>(roll(3) == 0 ? 0 : 9'999);
    return ids_[static_cast<std::size_t>(roll(static_cast<int>(ids_.size())))];
  }
  user_id owner(order_id id) {
    const auto it = owners_.find(id);
    return it == owners_.end() || roll(8) == 0 ? user() : it->second;
  }

  command place() {
    place_order p;
    p.seq = seq_;
    p.user = user();
    p.symbol = symbol();
    p.side = roll(2) ? side::buy : side::sell;
    p.type = roll(10) == 0 ? order_type::market : order_type::limit;
    const int t = roll(10);
    p.tif = t < 6 ? time_in_force::gtc : t < 8 ? time_in_force::ioc : time_in_force::fok;
    p.post_only = roll(8) == 0;
    p.price = price(p.symbol);
    p.qty = qty(p.symbol);
    if (roll(4) == 0) p.id = 1'000 + static_cast<order_id>(roll(100));
    return p;
  }
  command cancel() {
    const order_id id = known_id();
    return cancel_order{seq_, owner(id), id};
  }
  command replace() {
    const order_id id = known_id();
    const symbol_id s = roll(4) == 0 ? 1 : 0;
    return replace_order{seq_, owner(id), id, price(s), qty(s)};
  }
  command topup() {
    const asset_id a = static_cast<asset_id>(roll(20) == 0 ? 3 : roll(3));
    const amount_t amount = roll(30) == 0 ? -roll(5) : 1 + roll(roll(3) == 0 ? 200'000 : 5'000);
    return top_up{seq_, user(), a, amount};
  }
  command quote() {
    const symbol_id s = symbol();
    price_t& m = mid(s);
    m = std::clamp<price_t>(m + tick(s) * (roll(9) - 4), 20 * tick(s), s == 1 ? 480 : 1'950);
    quote_tick q{seq_,
                 s,
                 m - tick(s) * (1 + roll(3)),
                 roll(3) == 0 ? 0 : lot(s) * (1 + roll(10)),
                 m + tick(s) * (1 + roll(3)),
                 roll(3) == 0 ? 0 : lot(s) * (1 + roll(10))};
    if (roll(30) == 0) std::swap(q.bid_price, q.ask_price);
    return q;
  }

  std::mt19937_64 rng_;
  std::uint64_t seq_ = 0;
  std::vector<order_id> ids_;
  std::map<order_id, user_id> owners_;
  std::array<price_t, 2> mid_{1'000, 250};
};

std::string describe(const command& c) {
  std::ostringstream os;
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, place_order>) {
          os << "place u" << x.user << " id" << x.id << " s" << x.symbol << " " << to_string(x.side)
             << " type" << int(x.type) << " tif" << int(x.tif) << " po" << x.post_only << " p"
             << x.price << " q" << x.qty;
        } else if constexpr (std::is_same_v<T, cancel_order>) {
          os << "cancel u" << x.user << " id" << x.id;
        } else if constexpr (std::is_same_v<T, replace_order>) {
          os << "replace u" << x.user << " id" << x.id << " p" << x.new_price << " q" << x.new_qty;
        } else if constexpr (std::is_same_v<T, top_up>) {
          os << "top_up u" << x.user << " a" << x.asset << " " << x.amount;
        } else {
          os << "quote s" << x.symbol << " " << x.bid_qty << "@" << x.bid_price << " / "
             << x.ask_qty << "@" << x.ask_price;
        }
      },
      c);
  return os.str();
}

// Runs one seeded sequence; returns the number of trades seen (to prove the test has teeth).
std::size_t run_sequence(std::uint64_t seed, int commands) {
  const engine_config cfg = fuzz_engine_config();
  matching_engine eng(cfg);
  reference_engine ref(cfg);
  command_generator gen(seed);
  std::vector<event> ev;
  ev.reserve(256);
  std::vector<ref_trade> ref_trades, eng_trades;
  std::array<int128_t, max_assets> supply{};
  std::map<std::pair<user_id, asset_id>, std::pair<amount_t, amount_t>> from_events;
  std::size_t trade_count = 0;

  for (int step = 0; step < commands; ++step) {
    const command c = gen.next();
    const std::string where =
        "seed " + std::to_string(seed) + " step " + std::to_string(step) + ": " + describe(c);
    ev.clear();
    eng.apply(c, ev);
    ref_trades.clear();
    const reject_reason want = ref.apply(c, ref_trades);
    gen.observe(ev);

    reject_reason got = reject_reason::none;
    eng_trades.clear();
    for (const event& e : ev) {
      EXPECT_EQ(e.seq, std::visit([](const auto& x) { return x.seq; }, c)) << where;
      if (e.type == event_type::order_rejected) got = e.rejected.reason;
      if (e.type == event_type::trade) {
        const trade_event& t = e.trade;
        eng_trades.push_back(
            ref_trade{t.maker_order, t.taker_order, t.price, t.qty, t.maker_fee, t.taker_fee});
      }
      if (e.type == event_type::balance_changed) {
        auto& [a, h] = from_events[{e.balance.user, e.balance.asset}];
        a += e.balance.available_delta;
        h += e.balance.held_delta;
        EXPECT_EQ(a, e.balance.available) << where;
        EXPECT_EQ(h, e.balance.held) << where;
      }
    }
    if (got != reject_reason::none) {
      EXPECT_EQ(ev.size(), 1u) << where;
    }
    if (const auto* t = std::get_if<top_up>(&c); t && got == reject_reason::none) {
      supply[t->asset] += t->amount;
    }
    trade_count += eng_trades.size();
    EXPECT_EQ(to_string(got), std::string(to_string(want))) << where;
    EXPECT_EQ(eng_trades.size(), ref_trades.size()) << where;
    EXPECT_TRUE(eng_trades == ref_trades) << where;

    // Orders: same set, same terms, same holds.
    EXPECT_EQ(eng.open_order_count(), ref.orders().size()) << where;
    for (const ref_order& o : ref.orders()) {
      const auto e = eng.find_order(o.id);
      if (!e) {
        ADD_FAILURE() << where << ": order " << o.id << " missing";
        continue;
      }
      EXPECT_EQ(e->price, o.price) << where;
      EXPECT_EQ(e->leaves, o.leaves) << where;
      EXPECT_EQ(e->filled, o.filled) << where;
      EXPECT_EQ(e->hold, o.hold) << where;
      EXPECT_EQ(e->user, o.user) << where;
    }
    // Balances: same for every account; conservation against accepted top-ups.
    std::array<int128_t, max_assets> sum{};
    for (const auto& [user, b] : ref.accounts()) {
      for (asset_id a = 0; a < cfg.assets.size(); ++a) {
        const account_balance eb = eng.balance(user, a);
        EXPECT_EQ(eb.available, b.available[a]) << where << " user " << user << " asset " << a;
        EXPECT_EQ(eb.held, b.held[a]) << where << " user " << user << " asset " << a;
      }
    }
    for (const account& a : eng.accounts()) {
      for (asset_id x = 0; x < cfg.assets.size(); ++x) {
        sum[x] += static_cast<int128_t>(a.available[x]) + a.held[x];
        if (a.user != cfg.house_user) {
          EXPECT_GE(a.available[x], 0) << where;
        }
      }
    }
    for (asset_id x = 0; x < cfg.assets.size(); ++x) EXPECT_TRUE(sum[x] == supply[x]) << where;
    const audit_result audit = eng.audit();
    EXPECT_TRUE(audit.ok) << where << ": " << audit.message;
    if (::testing::Test::HasFailure()) return trade_count;  // first divergence is enough
  }
  // Every balance is also reproducible from the balance events alone.
  for (const auto& [key, value] : from_events) {
    const account_balance b = eng.balance(key.first, key.second);
    EXPECT_EQ(b.available, value.first);
    EXPECT_EQ(b.held, value.second);
  }
  return trade_count;
}

TEST(engine_model, random_sequences_agree_with_reference_model) {
  // Sized to stay well inside the suite's time budget under Debug + ASan.
  constexpr std::uint64_t sequences = 1'500;
  constexpr int commands = 200;
  std::size_t trades = 0;
  for (std::uint64_t seed = 1; seed <= sequences; ++seed) {
    trades += run_sequence(seed, commands);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(trades, sequences * 10);  // the sequences really trade
  std::cout << "[ model ] " << sequences << " sequences x " << commands
            << " commands, trades: " << trades << "\n";
}

}  // namespace
}  // namespace mc::engine::test
