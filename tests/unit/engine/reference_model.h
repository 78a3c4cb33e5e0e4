// A slow, obviously-correct reference of the engine for the model-based fuzz test: every
// resting order in one std::vector, the best maker found by a linear scan, balances in a
// std::map. It shares no code with the engine beyond the public types.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "engine/command.h"
#include "engine/market_spec.h"
#include "engine/types.h"

namespace mc::engine::test {

struct ref_trade {
  order_id maker, taker;
  price_t price;
  qty_t qty;
  amount_t maker_fee, taker_fee;
  bool operator==(const ref_trade&) const = default;
};

struct ref_order {
  order_id id;
  user_id user;
  symbol_id symbol;
  side s;
  bool post_only;
  int max_bps;
  price_t price;
  qty_t leaves, filled;
  amount_t hold;
  std::int64_t fee_units;
  std::uint64_t time;  // priority among equal prices: smaller is older
};

class reference_engine {
 public:
  explicit reference_engine(engine_config c) : cfg_(std::move(c)) {
    ref_.assign(cfg_.markets.size(), 0);
    house_.assign(cfg_.markets.size(), {0, 0});
    accounts_[cfg_.house_user];
    accounts_[cfg_.fee_user];
  }

  // Applies a command; returns the rejection (none if accepted) and fills `trades`.
  reject_reason apply(const command& c, std::vector<ref_trade>& trades) {
    trades_ = &trades;
    return std::visit([&](const auto& x) { return on(x); }, c);
  }

  struct balance {
    std::array<amount_t, max_assets> available{}, held{};
  };
  const std::map<user_id, balance>& accounts() const { return accounts_; }
  const std::vector<ref_order>& orders() const { return book_; }

 private:
  static amount_t ceil_div(std::int64_t a) { return (a + 9'999) / 10'000; }
  amount_t notional(symbol_id s, price_t p, qty_t q) const {
    const std::int64_t unit = pow10(cfg_.assets[cfg_.markets[s].base].scale);
    return static_cast<amount_t>(static_cast<int128_t>(p) * q / unit);
  }
  amount_t hold_for(const ref_order& o) const {
    if (o.s == side::sell) return o.leaves;
    const amount_t n = notional(o.symbol, o.price, o.leaves);
    return n + ceil_div(o.fee_units + n * o.max_bps) - ceil_div(o.fee_units);
  }
  asset_id hold_asset(const ref_order& o) const {
    return o.s == side::buy ? cfg_.markets[o.symbol].quote : cfg_.markets[o.symbol].base;
  }
  bool is_system(user_id u) const { return u == cfg_.house_user || u == cfg_.fee_user; }
  static bool crosses(side s, price_t limit, price_t maker) {
    return s == side::buy ? maker <= limit : maker >= limit;
  }
  bool price_ok(const market_spec& m, price_t p) const {
    return p > 0 && p % m.price_tick == 0 && p <= m.max_price;
  }
  bool qty_ok(const market_spec& m, qty_t q) const {
    return q > 0 && q % m.lot == 0 && q >= m.min_qty && q <= m.max_qty;
  }
  void move_hold(ref_order& o, amount_t new_hold) {
    balance& b = accounts_[o.user];
    const asset_id a = hold_asset(o);
    b.available[a] -= new_hold - o.hold;
    b.held[a] += new_hold - o.hold;
    o.hold = new_hold;
  }
  std::optional<std::size_t> find(order_id id) const {
    for (std::size_t i = 0; i < book_.size(); ++i) {
      if (book_[i].id == id) return i;
    }
    return std::nullopt;
  }
  // Best maker for a taker: best price, then oldest.
  std::optional<std::size_t> best_maker(const ref_order& t) const {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < book_.size(); ++i) {
      const ref_order& o = book_[i];
      if (o.symbol != t.symbol || o.s == t.s || !crosses(t.s, t.price, o.price)) continue;
      if (!best) {
        best = i;
        continue;
      }
      const ref_order& b = book_[*best];
      const bool better = t.s == side::buy ? o.price < b.price : o.price > b.price;
      if (better || (o.price == b.price && o.time < b.time)) best = i;
    }
    return best;
  }
  void erase(std::size_t i) {
    move_hold(book_[i], 0);
    book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  void fill(ref_order& t, ref_order& k) {
    const market_spec& m = cfg_.markets[t.symbol];
    const qty_t q = std::min(t.leaves, k.leaves);
    const amount_t n = notional(t.symbol, k.price, q);
    auto bps = [&](const ref_order& o, bool taker) {
      if (is_system(o.user)) return 0;
      return taker ? m.taker_fee_bps : m.maker_fee_bps;
    };
    ref_order& buyer = t.s == side::buy ? t : k;
    ref_order& seller = t.s == side::buy ? k : t;
    const int bb = bps(buyer, &buyer == &t), sb = bps(seller, &seller == &t);
    const amount_t bfee = ceil_div(buyer.fee_units + n * bb) - ceil_div(buyer.fee_units);
    const amount_t sfee = ceil_div(seller.fee_units + n * sb) - ceil_div(seller.fee_units);
    trades_->push_back(
        ref_trade{k.id, t.id, k.price, q, &buyer == &k ? bfee : sfee, &buyer == &t ? bfee : sfee});
    // Buyer: the held quote pays notional + fee, the rest of the drop goes back to available.
    balance& bb_acc = accounts_[buyer.user];
    const amount_t old_hold = buyer.hold;
    buyer.leaves -= q;
    buyer.filled += q;
    buyer.fee_units += n * bb;
    const amount_t new_hold = hold_for(buyer);
    bb_acc.held[m.quote] -= old_hold - new_hold;
    bb_acc.available[m.quote] += old_hold - new_hold - n - bfee;
    bb_acc.available[m.base] += q;
    buyer.hold = new_hold;
    balance& sa = accounts_[seller.user];
    seller.leaves -= q;
    seller.filled += q;
    seller.fee_units += n * sb;
    sa.held[m.base] -= q;
    seller.hold -= q;
    sa.available[m.quote] += n - sfee;
    accounts_[cfg_.fee_user].available[m.quote] += bfee + sfee;
  }

  // Runs `t` (already holding) as a taker, then rests or ends it.
  void execute(ref_order t) {
    while (t.leaves > 0) {
      const auto i = best_maker(t);
      if (!i) break;
      if (book_[*i].user == t.user) {
        erase(*i);  // self-trade prevention cancels the resting order
        continue;
      }
      fill(t, book_[*i]);
      if (book_[*i].leaves == 0) erase(*i);
    }
    if (t.leaves > 0 && rests_) {
      t.time = ++clock_;
      book_.push_back(t);
    } else {
      move_hold(t, 0);
    }
  }

  reject_reason on(const place_order& c) {
    if (c.symbol >= cfg_.markets.size()) return reject_reason::unknown_symbol;
    if (c.user == 0) return reject_reason::bad_user;
    if (is_system(c.user)) return reject_reason::system_account;
    const bool market = c.type == order_type::market;
    if (c.post_only && (market || c.tif != time_in_force::gtc)) return reject_reason::bad_order;
    const market_spec& m = cfg_.markets[c.symbol];
    if (!qty_ok(m, c.qty)) return reject_reason::bad_qty;
    price_t price = c.price;
    time_in_force tif = c.tif;
    if (market) {
      const price_t r = ref_[c.symbol];
      if (r == 0) return reject_reason::no_reference_price;
      if (tif != time_in_force::fok) tif = time_in_force::ioc;
      if (c.side == side::buy) {
        price = std::min<price_t>(r * (10'000 + m.band_bps) / 10'000, m.max_price);
        price = price / m.price_tick * m.price_tick;
      } else {
        price = (r * (10'000 - m.band_bps) + 9'999) / 10'000;
        price = (price + m.price_tick - 1) / m.price_tick * m.price_tick;
      }
      price = std::max(price, m.price_tick);
    } else if (!price_ok(m, price)) {
      return reject_reason::bad_price;
    }
    if (c.id != 0 && find(c.id)) return reject_reason::duplicate_order_id;
    if (!accounts_.count(c.user)) return reject_reason::insufficient_funds;
    const int max_bps = c.post_only                 ? m.maker_fee_bps
                        : tif != time_in_force::gtc ? m.taker_fee_bps
                                                    : std::max(m.maker_fee_bps, m.taker_fee_bps);
    ref_order t{c.id != 0 ? c.id : next_id_,
                c.user,
                c.symbol,
                c.side,
                c.post_only,
                max_bps,
                price,
                c.qty,
                0,
                0,
                0,
                0};
    const amount_t hold = hold_for(t);
    if (accounts_[c.user].available[hold_asset(t)] < hold) return reject_reason::insufficient_funds;
    if (c.post_only && best_maker(t)) return reject_reason::post_only_would_take;
    if (tif == time_in_force::fok) {
      qty_t avail = 0;
      for (const ref_order& o : book_) {
        if (o.symbol == t.symbol && o.s != t.s && o.user != t.user && crosses(t.s, price, o.price))
          avail += o.leaves;
      }
      if (avail < c.qty) return reject_reason::fok_cannot_fill;
    }
    next_id_ = std::max(next_id_, t.id + 1);
    move_hold(t, hold);
    rests_ = tif == time_in_force::gtc;
    execute(t);
    return reject_reason::none;
  }

  reject_reason on(const cancel_order& c) {
    if (is_system(c.user)) return reject_reason::system_account;
    const auto i = find(c.id);
    if (!i || c.id == 0) return reject_reason::order_not_found;
    if (book_[*i].user != c.user) return reject_reason::not_owner;
    erase(*i);
    return reject_reason::none;
  }

  reject_reason on(const replace_order& c) {
    if (is_system(c.user)) return reject_reason::system_account;
    const auto i = find(c.id);
    if (!i || c.id == 0) return reject_reason::order_not_found;
    ref_order o = book_[*i];
    if (o.user != c.user) return reject_reason::not_owner;
    const market_spec& m = cfg_.markets[o.symbol];
    if (!price_ok(m, c.new_price)) return reject_reason::bad_price;
    if (c.new_qty <= 0 || c.new_qty % m.lot != 0 || c.new_qty > m.max_qty) {
      return reject_reason::bad_qty;
    }
    ref_order n = o;
    n.price = c.new_price;
    n.leaves = c.new_qty;
    const amount_t new_hold = hold_for(n);
    if (c.new_price == o.price && c.new_qty <= o.leaves) {
      book_[*i].leaves = c.new_qty;
      move_hold(book_[*i], new_hold);
      return reject_reason::none;
    }
    if (accounts_[o.user].available[hold_asset(o)] + o.hold < new_hold) {
      return reject_reason::insufficient_funds;
    }
    if (o.post_only && best_maker(n)) return reject_reason::post_only_would_take;
    book_.erase(book_.begin() + static_cast<std::ptrdiff_t>(*i));
    move_hold(n, new_hold);
    rests_ = true;
    execute(n);
    return reject_reason::none;
  }

  reject_reason on(const top_up& c) {
    if (c.user == 0) return reject_reason::bad_user;
    if (is_system(c.user)) return reject_reason::system_account;
    if (c.asset >= cfg_.assets.size()) return reject_reason::unknown_asset;
    if (c.amount <= 0) return reject_reason::bad_amount;
    accounts_[c.user].available[c.asset] += c.amount;
    return reject_reason::none;
  }

  reject_reason on(const quote_tick& c) {
    if (c.symbol >= cfg_.markets.size()) return reject_reason::unknown_symbol;
    const market_spec& m = cfg_.markets[c.symbol];
    if (!price_ok(m, c.bid_price) || !price_ok(m, c.ask_price)) return reject_reason::bad_price;
    if ((c.bid_qty != 0 && !qty_ok(m, c.bid_qty)) || (c.ask_qty != 0 && !qty_ok(m, c.ask_qty))) {
      return reject_reason::bad_qty;
    }
    if (c.bid_price >= c.ask_price) return reject_reason::crossed_quote;
    ref_[c.symbol] = c.bid_price + (c.ask_price - c.bid_price) / 2;
    for (order_id old : house_[c.symbol]) {
      // Ids are unique among live orders only, so check it is still the house's order.
      if (const auto i = find(old); i && old != 0 && book_[*i].user == cfg_.house_user) {
        erase(*i);
      }
    }
    house_[c.symbol] = {0, 0};
    for (int k = 0; k < 2; ++k) {
      const side s = k == 0 ? side::buy : side::sell;
      const qty_t q = k == 0 ? c.bid_qty : c.ask_qty;
      if (q == 0) continue;
      ref_order t{next_id_++,
                  cfg_.house_user,
                  c.symbol,
                  s,
                  false,
                  0,
                  k == 0 ? c.bid_price : c.ask_price,
                  q,
                  0,
                  0,
                  0,
                  0};
      house_[c.symbol][k] = t.id;
      move_hold(t, hold_for(t));
      rests_ = true;
      execute(t);
    }
    return reject_reason::none;
  }

  engine_config cfg_;
  std::vector<ref_order> book_;
  std::map<user_id, balance> accounts_;
  std::vector<price_t> ref_;
  std::vector<std::array<order_id, 2>> house_;
  std::vector<ref_trade>* trades_ = nullptr;
  order_id next_id_ = 1;
  std::uint64_t clock_ = 0;
  bool rests_ = false;
};

}  // namespace mc::engine::test
