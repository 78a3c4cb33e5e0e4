// Command handling and matching: validation, holds, price-time matching with self-trade
// prevention, fills with fees, and the house quote. Reads, restore and audit live in
// engine_state.cpp.
#include "engine/matching_engine.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

#include "engine/money.h"

namespace mc::engine {

namespace {

bool crosses(side taker_side, price_t taker_price, price_t maker_price) {
  return taker_side == side::buy ? maker_price <= taker_price : maker_price >= taker_price;
}

}  // namespace

matching_engine::matching_engine(engine_config config)
    : config_(std::move(config)),
      pool_(config_.order_capacity),
      ids_(config_.order_capacity),
      accounts_(config_.account_capacity) {
  if (const char* problem = validate(config_)) throw std::invalid_argument(problem);
  symbols_.resize(config_.markets.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    symbols_[i].base_unit = pow10(config_.assets[config_.markets[i].base].scale);
    symbols_[i].tick = divisibility(config_.markets[i].price_tick);
    symbols_[i].lot = divisibility(config_.markets[i].lot);
  }
  supply_.assign(config_.assets.size(), 0);
  house_account_ = accounts_.find_or_create(config_.house_user);
  accounts_[house_account_].may_go_negative = true;
  accounts_[house_account_].fee_exempt = true;
  accounts_[house_account_].system = true;
  fee_account_ = accounts_.find_or_create(config_.fee_user);
  accounts_[fee_account_].fee_exempt = true;
  accounts_[fee_account_].system = true;
}

void matching_engine::apply(const command& cmd, std::vector<event>& out) {
  std::visit(
      [&](const auto& c) {
        seq_ = c.seq;
        on(c, out);
      },
      cmd);
}

// ---- validation helpers ----

reject_reason matching_engine::check_price(symbol_id symbol, price_t price) const {
  const market_spec& m = config_.markets[symbol];
  if (price <= 0 || !symbols_[symbol].tick.divides(price) || price > m.max_price) {
    return reject_reason::bad_price;
  }
  return reject_reason::none;
}

reject_reason matching_engine::check_qty(symbol_id symbol, qty_t qty) const {
  const market_spec& m = config_.markets[symbol];
  if (qty <= 0 || !symbols_[symbol].lot.divides(qty) || qty < m.min_qty || qty > m.max_qty) {
    return reject_reason::bad_qty;
  }
  return reject_reason::none;
}

int matching_engine::max_fee_bps(const market_spec& m, const account& a, bool post_only,
                                 time_in_force tif) const {
  if (a.fee_exempt) return 0;
  if (post_only) return m.maker_fee_bps;                  // can only ever be the maker
  if (tif != time_in_force::gtc) return m.taker_fee_bps;  // never rests, always the taker
  return std::max(m.maker_fee_bps, m.taker_fee_bps);
}

amount_t matching_engine::required_hold(side s, symbol_id symbol, price_t price, qty_t leaves,
                                        std::int64_t fee_units, int max_bps) const {
  if (s == side::sell) return leaves;
  return buy_hold(notional(price, leaves, symbols_[symbol].base_unit), fee_units, max_bps);
}

asset_id matching_engine::hold_asset(const order_node& n) const {
  const market_spec& m = config_.markets[n.symbol];
  return n.side == side::buy ? m.quote : m.base;
}

bool matching_engine::would_take(symbol_id symbol, side s, price_t price) const {
  const auto best = symbols_[symbol].book.best_price(opposite(s));
  return best && crosses(s, price, *best);
}

// FOK pre-check: can `qty` fill against crossing orders of other users? Own orders do not
// count because self-trade prevention cancels them instead of trading.
bool matching_engine::can_fill(symbol_id symbol, side s, price_t price, user_id user,
                               qty_t qty) const {
  const order_book& book = symbols_[symbol].book;
  const side opp = opposite(s);
  qty_t available = 0;
  for (std::size_t i = 0; i < book.level_count(opp); ++i) {
    const price_level& l = book.level_at(opp, i);
    if (!crosses(s, price, l.price)) break;
    for (std::uint32_t o = l.head; o != no_index; o = pool_[o].next) {
      if (pool_[o].user == user) continue;
      available += pool_[o].leaves;
      if (available >= qty) return true;
    }
  }
  return false;
}

// ---- event helpers ----

void matching_engine::emit_reject(std::uint64_t seq, command_kind kind, reject_reason reason,
                                  order_id id, user_id user, std::vector<event>& out) const {
  out.emplace_back(seq, order_rejected_event{kind, reason, id, user});
}

void matching_engine::emit_balance(std::uint32_t acc, asset_id asset, amount_t available_delta,
                                   amount_t held_delta, std::vector<event>& out) {
  const account& a = accounts_[acc];
  out.emplace_back(seq_, balance_event{a.user, asset, a.available[asset], a.held[asset],
                                       available_delta, held_delta});
}

void matching_engine::emit_update(const order_node& n, order_status status, end_reason reason,
                                  std::vector<event>& out) {
  out.emplace_back(seq_, order_updated_event{n.id, n.user, n.symbol, status, reason, n.leaves,
                                             n.filled, n.hold});
}

// ---- order lifecycle ----

void matching_engine::link_user(std::uint32_t index) {
  order_node& n = pool_[index];
  account& a = accounts_[n.account];
  n.user_prev = a.orders_tail;
  n.user_next = no_index;
  if (a.orders_tail != no_index) {
    pool_[a.orders_tail].user_next = index;
  } else {
    a.orders_head = index;
  }
  a.orders_tail = index;
  n.in_user_list = true;
}

void matching_engine::unlink_user(std::uint32_t index) {
  order_node& n = pool_[index];
  if (!n.in_user_list) return;
  account& a = accounts_[n.account];
  if (n.user_prev != no_index) {
    pool_[n.user_prev].user_next = n.user_next;
  } else {
    a.orders_head = n.user_next;
  }
  if (n.user_next != no_index) {
    pool_[n.user_next].user_prev = n.user_prev;
  } else {
    a.orders_tail = n.user_prev;
  }
  n.in_user_list = false;
}

// Ends an order for good: out of the book, unused hold released, id forgotten, node freed.
void matching_engine::end_order(std::uint32_t index, order_status status, end_reason reason,
                                std::vector<event>& out) {
  order_node& n = pool_[index];
  symbol_state& ss = symbols_[n.symbol];
  if (n.level != no_index) ss.book.remove(pool_, index);
  const amount_t release = n.hold;
  if (release != 0) {
    const asset_id asset = hold_asset(n);
    account& a = accounts_[n.account];
    a.held[asset] -= release;
    a.available[asset] += release;
    n.hold = 0;
    emit_balance(n.account, asset, release, -release, out);
  }
  n.leaves = 0;
  emit_update(n, status, reason, out);
  if (ss.house_bid == n.id) ss.house_bid = 0;
  if (ss.house_ask == n.id) ss.house_ask = 0;
  unlink_user(index);
  ids_.erase(n.id);
  pool_.release(index);
}

// One fill between the taker and the oldest order of the best level, at the maker's price.
// Returns false, changing nothing, when a balance would overflow.
bool matching_engine::fill(std::uint32_t ti, std::uint32_t mi, std::vector<event>& out) {
  order_node& t = pool_[ti];
  order_node& k = pool_[mi];
  const market_spec& m = config_.markets[t.symbol];
  symbol_state& ss = symbols_[t.symbol];
  const qty_t q = std::min(t.leaves, k.leaves);
  const price_t px = k.price;
  const amount_t n = notional(px, q, ss.base_unit);

  order_node& buyer = t.side == side::buy ? t : k;
  order_node& seller = t.side == side::buy ? k : t;
  account& ba = accounts_[buyer.account];
  account& sa = accounts_[seller.account];
  account& fa = accounts_[fee_account_];
  const bool buyer_is_taker = &buyer == &t;
  const int buyer_bps = ba.fee_exempt ? 0 : (buyer_is_taker ? m.taker_fee_bps : m.maker_fee_bps);
  const int seller_bps = sa.fee_exempt ? 0 : (buyer_is_taker ? m.maker_fee_bps : m.taker_fee_bps);
  const amount_t buyer_fee = fee_increment(buyer.fee_units, n, buyer_bps);
  const amount_t seller_fee = fee_increment(seller.fee_units, n, seller_bps);
  const std::int64_t buyer_units = buyer.fee_units + n * buyer_bps;

  const amount_t buyer_new_hold = required_hold(side::buy, buyer.symbol, buyer.price,
                                                buyer.leaves - q, buyer_units, buyer.max_fee_bps);
  const amount_t buyer_held_drop = buyer.hold - buyer_new_hold;
  const amount_t buyer_release = buyer_held_drop - n - buyer_fee;
  assert(buyer_release >= 0);

  // Check every credit before applying any, so an overflow leaves the state untouched.
  amount_t buyer_base = 0, buyer_quote = 0, seller_quote = 0, fee_quote = 0;
  if (__builtin_add_overflow(ba.available[m.base], q, &buyer_base) ||
      __builtin_add_overflow(ba.available[m.quote], buyer_release, &buyer_quote) ||
      __builtin_add_overflow(sa.available[m.quote], n - seller_fee, &seller_quote) ||
      __builtin_add_overflow(fa.available[m.quote], buyer_fee + seller_fee, &fee_quote)) {
    return false;
  }

  out.emplace_back(seq_, trade_event{next_trade_id_++, t.symbol, t.side, px, q, n, k.id, t.id,
                                     k.user, t.user, buyer_is_taker ? seller_fee : buyer_fee,
                                     buyer_is_taker ? buyer_fee : seller_fee});

  ba.held[m.quote] -= buyer_held_drop;
  ba.available[m.quote] = buyer_quote;
  emit_balance(buyer.account, m.quote, buyer_release, -buyer_held_drop, out);
  ba.available[m.base] = buyer_base;
  emit_balance(buyer.account, m.base, q, 0, out);
  sa.held[m.base] -= q;
  emit_balance(seller.account, m.base, 0, -q, out);
  sa.available[m.quote] = seller_quote;
  emit_balance(seller.account, m.quote, n - seller_fee, 0, out);
  if (buyer_fee + seller_fee != 0) {
    fa.available[m.quote] = fee_quote;
    emit_balance(fee_account_, m.quote, buyer_fee + seller_fee, 0, out);
  }

  buyer.hold = buyer_new_hold;
  buyer.fee_units = buyer_units;
  seller.hold -= q;
  seller.fee_units += n * seller_bps;
  t.leaves -= q;
  t.filled += q;
  ss.book.reduce(pool_, mi, q);
  k.filled += q;
  if (k.leaves == 0) {
    end_order(mi, order_status::filled, end_reason::none, out);
  } else {
    emit_update(k, order_status::partially_filled, end_reason::none, out);
  }
  return true;
}

end_reason matching_engine::match(std::uint32_t ti, std::vector<event>& out) {
  order_book& book = symbols_[pool_[ti].symbol].book;
  const side opp = opposite(pool_[ti].side);
  while (pool_[ti].leaves > 0) {
    const std::uint32_t li = book.best_level(opp);
    if (li == no_index) break;
    const price_level& l = book.level(li);
    if (!crosses(pool_[ti].side, pool_[ti].price, l.price)) break;
    const std::uint32_t mi = l.head;
    if (pool_[mi].user == pool_[ti].user) {
      // Self-trade prevention: the resting (maker) order is canceled, the taker goes on.
      end_order(mi, order_status::canceled, end_reason::self_trade, out);
      continue;
    }
    if (!fill(ti, mi, out)) return end_reason::balance_overflow;
  }
  return end_reason::none;
}

void matching_engine::finish_taker(std::uint32_t ti, end_reason stop, std::vector<event>& out) {
  order_node& t = pool_[ti];
  if (t.leaves == 0) {
    end_order(ti, order_status::filled, end_reason::none, out);
  } else if (stop != end_reason::none) {
    end_order(ti, order_status::canceled, stop, out);
  } else if (t.tif == time_in_force::gtc) {
    symbols_[t.symbol].book.insert(pool_, ti);
    if (!t.in_user_list) link_user(ti);
    emit_update(t, t.filled == 0 ? order_status::open : order_status::partially_filled,
                end_reason::none, out);
  } else {
    end_order(ti, order_status::canceled, end_reason::unfilled_ioc, out);
  }
}

void matching_engine::execute_place(const place_order& c, order_id id, price_t price,
                                    time_in_force tif, int max_bps, amount_t hold,
                                    std::uint32_t acc, std::vector<event>& out) {
  const std::uint32_t ti = pool_.allocate();
  order_node& t = pool_[ti];
  t.id = id;
  t.user = accounts_[acc].user;
  t.account = acc;
  t.symbol = c.symbol;
  t.side = c.side;
  t.tif = tif;
  t.post_only = c.post_only;
  t.price = price;
  t.leaves = c.qty;
  t.hold = hold;
  t.max_fee_bps = max_bps;
  ids_.insert(id, ti);
  if (id >= next_order_id_) next_order_id_ = id + 1;

  out.emplace_back(seq_, order_accepted_event{id, t.user, c.symbol, c.side, c.type, tif,
                                              c.post_only, price, c.qty, hold});
  const asset_id asset = hold_asset(t);
  account& a = accounts_[acc];
  a.available[asset] -= hold;
  a.held[asset] += hold;
  emit_balance(acc, asset, -hold, hold, out);

  finish_taker(ti, match(ti, out), out);
}

// ---- commands ----

void matching_engine::on(const place_order& c, std::vector<event>& out) {
  auto reject = [&](reject_reason r) {
    emit_reject(c.seq, command_kind::place, r, c.id, c.user, out);
  };
  if (c.symbol >= symbols_.size()) return reject(reject_reason::unknown_symbol);
  if (c.user == 0) return reject(reject_reason::bad_user);
  if (c.user == config_.house_user || c.user == config_.fee_user) {
    return reject(reject_reason::system_account);
  }
  const bool market = c.type == order_type::market;
  if (c.post_only && (market || c.tif != time_in_force::gtc)) {
    return reject(reject_reason::bad_order);
  }
  const market_spec& m = config_.markets[c.symbol];
  symbol_state& ss = symbols_[c.symbol];
  if (auto r = check_qty(c.symbol, c.qty); r != reject_reason::none) return reject(r);

  price_t price = c.price;
  time_in_force tif = c.tif;
  if (market) {
    if (ss.reference == 0) return reject(reject_reason::no_reference_price);
    tif = c.tif == time_in_force::fok ? time_in_force::fok : time_in_force::ioc;
    // The protection band: a market order is an IOC/FOK limit at reference +/- band_bps,
    // rounded to a tick towards the reference.
    const int128_t ref = ss.reference;
    if (c.side == side::buy) {
      const int128_t cap = ref * (bps_denominator + m.band_bps) / bps_denominator;
      price = static_cast<price_t>(std::min<int128_t>(cap, m.max_price));
      price -= price % m.price_tick;
    } else {
      const int128_t floor_px =
          (ref * (bps_denominator - m.band_bps) + bps_denominator - 1) / bps_denominator;
      price = static_cast<price_t>(floor_px);
      if (price % m.price_tick != 0) price += m.price_tick - price % m.price_tick;
    }
    if (price < m.price_tick) price = m.price_tick;
  } else if (auto r = check_price(c.symbol, price); r != reject_reason::none) {
    return reject(r);
  }
  if (c.id != 0 && ids_.find(c.id) != id_map::npos) {
    return reject(reject_reason::duplicate_order_id);
  }
  const std::uint32_t acc = accounts_.find(c.user);
  if (acc == no_index) return reject(reject_reason::insufficient_funds);
  const account& a = accounts_[acc];
  const int max_bps = max_fee_bps(m, a, c.post_only, tif);
  const amount_t hold = required_hold(c.side, c.symbol, price, c.qty, 0, max_bps);
  const asset_id asset = c.side == side::buy ? m.quote : m.base;
  if (a.available[asset] < hold) return reject(reject_reason::insufficient_funds);
  if (c.post_only && would_take(c.symbol, c.side, price)) {
    return reject(reject_reason::post_only_would_take);
  }
  if (tif == time_in_force::fok && !can_fill(c.symbol, c.side, price, c.user, c.qty)) {
    return reject(reject_reason::fok_cannot_fill);
  }
  const order_id id = c.id != 0 ? c.id : next_order_id_;
  execute_place(c, id, price, tif, max_bps, hold, acc, out);
}

void matching_engine::on(const cancel_order& c, std::vector<event>& out) {
  if (c.user == config_.house_user || c.user == config_.fee_user) {
    return emit_reject(c.seq, command_kind::cancel, reject_reason::system_account, c.id, c.user,
                       out);
  }
  const std::uint32_t i = ids_.find(c.id);
  if (i == id_map::npos) {
    return emit_reject(c.seq, command_kind::cancel, reject_reason::order_not_found, c.id, c.user,
                       out);
  }
  if (pool_[i].user != c.user) {
    return emit_reject(c.seq, command_kind::cancel, reject_reason::not_owner, c.id, c.user, out);
  }
  end_order(i, order_status::canceled, end_reason::user_canceled, out);
}

void matching_engine::on(const replace_order& c, std::vector<event>& out) {
  auto reject = [&](reject_reason r) {
    emit_reject(c.seq, command_kind::replace, r, c.id, c.user, out);
  };
  if (c.user == config_.house_user || c.user == config_.fee_user) {
    return reject(reject_reason::system_account);
  }
  const std::uint32_t i = ids_.find(c.id);
  if (i == id_map::npos) return reject(reject_reason::order_not_found);
  order_node& n = pool_[i];
  if (n.user != c.user) return reject(reject_reason::not_owner);
  const market_spec& m = config_.markets[n.symbol];
  if (auto r = check_price(n.symbol, c.new_price); r != reject_reason::none) return reject(r);
  // A lower quantity may go below min_qty (the remainder of a partial fill already can).
  if (c.new_qty <= 0 || !symbols_[n.symbol].lot.divides(c.new_qty) || c.new_qty > m.max_qty) {
    return reject(reject_reason::bad_qty);
  }
  const asset_id asset = hold_asset(n);
  account& a = accounts_[n.account];
  const amount_t new_hold =
      required_hold(n.side, n.symbol, c.new_price, c.new_qty, n.fee_units, n.max_fee_bps);
  auto emit_replaced = [&](price_t old_price, qty_t old_leaves, bool kept) {
    out.emplace_back(
        seq_, order_replaced_event{n.id, n.user, old_price, n.price, old_leaves, n.leaves, kept});
  };

  if (c.new_price == n.price && c.new_qty <= n.leaves) {
    // Same price, not larger: amend in place and keep time priority.
    const qty_t old_leaves = n.leaves;
    symbols_[n.symbol].book.reduce(pool_, i, n.leaves - c.new_qty);
    const amount_t release = n.hold - new_hold;
    n.hold = new_hold;
    a.held[asset] -= release;
    a.available[asset] += release;
    emit_replaced(n.price, old_leaves, true);
    if (release != 0) emit_balance(n.account, asset, release, -release, out);
    return;
  }
  if (!a.may_go_negative && a.available[asset] + n.hold < new_hold) {
    return reject(reject_reason::insufficient_funds);
  }
  if (n.post_only && would_take(n.symbol, n.side, c.new_price)) {
    return reject(reject_reason::post_only_would_take);
  }
  // Price change or larger quantity: the order loses its place and is matched again as if new.
  const price_t old_price = n.price;
  const qty_t old_leaves = n.leaves;
  symbols_[n.symbol].book.remove(pool_, i);
  n.price = c.new_price;
  n.leaves = c.new_qty;
  const amount_t delta = new_hold - n.hold;
  n.hold = new_hold;
  a.available[asset] -= delta;
  a.held[asset] += delta;
  emit_replaced(old_price, old_leaves, false);
  if (delta != 0) emit_balance(n.account, asset, -delta, delta, out);
  finish_taker(i, match(i, out), out);
}

void matching_engine::on(const top_up& c, std::vector<event>& out) {
  auto reject = [&](reject_reason r) {
    emit_reject(c.seq, command_kind::top_up, r, 0, c.user, out);
  };
  if (c.user == 0) return reject(reject_reason::bad_user);
  if (c.user == config_.house_user || c.user == config_.fee_user) {
    return reject(reject_reason::system_account);
  }
  if (c.asset >= config_.assets.size()) return reject(reject_reason::unknown_asset);
  if (c.amount <= 0) return reject(reject_reason::bad_amount);
  const std::uint32_t existing = accounts_.find(c.user);
  if (existing != no_index) {
    const account& a = accounts_[existing];
    const int128_t total = static_cast<int128_t>(a.available[c.asset]) + a.held[c.asset] + c.amount;
    if (total > config_.max_balance) return reject(reject_reason::overflow);
  } else if (c.amount > config_.max_balance) {
    return reject(reject_reason::overflow);
  }
  const std::uint32_t acc = accounts_.find_or_create(c.user);
  accounts_[acc].available[c.asset] += c.amount;
  supply_[c.asset] += c.amount;
  emit_balance(acc, c.asset, c.amount, 0, out);
}

void matching_engine::on(const quote_tick& c, std::vector<event>& out) {
  auto reject = [&](reject_reason r) { emit_reject(c.seq, command_kind::quote, r, 0, 0, out); };
  if (c.symbol >= symbols_.size()) return reject(reject_reason::unknown_symbol);
  const market_spec& m = config_.markets[c.symbol];
  if (check_price(c.symbol, c.bid_price) != reject_reason::none ||
      check_price(c.symbol, c.ask_price) != reject_reason::none) {
    return reject(reject_reason::bad_price);
  }
  if ((c.bid_qty != 0 && check_qty(c.symbol, c.bid_qty) != reject_reason::none) ||
      (c.ask_qty != 0 && check_qty(c.symbol, c.ask_qty) != reject_reason::none)) {
    return reject(reject_reason::bad_qty);
  }
  if (c.bid_price >= c.ask_price) return reject(reject_reason::crossed_quote);

  symbol_state& ss = symbols_[c.symbol];
  ss.reference = c.bid_price + (c.ask_price - c.bid_price) / 2;
  for (order_id old : {ss.house_bid, ss.house_ask}) {
    if (old == 0) continue;
    const std::uint32_t i = ids_.find(old);
    if (i != id_map::npos) end_order(i, order_status::canceled, end_reason::house_requote, out);
  }
  ss.house_bid = ss.house_ask = 0;
  // The house orders are takers: crossing user orders fill at the users' own limit prices.
  const account& house = accounts_[house_account_];
  for (side s : {side::buy, side::sell}) {
    const qty_t qty = s == side::buy ? c.bid_qty : c.ask_qty;
    if (qty == 0) continue;
    place_order p;
    p.seq = c.seq;
    p.user = config_.house_user;
    p.symbol = c.symbol;
    p.side = s;
    p.price = s == side::buy ? c.bid_price : c.ask_price;
    p.qty = qty;
    const int max_bps = max_fee_bps(m, house, false, time_in_force::gtc);
    const amount_t hold = required_hold(s, c.symbol, p.price, qty, 0, max_bps);
    const order_id id = next_order_id_;
    (s == side::buy ? ss.house_bid : ss.house_ask) = id;
    execute_place(p, id, p.price, time_in_force::gtc, max_bps, hold, house_account_, out);
  }
}

}  // namespace mc::engine
