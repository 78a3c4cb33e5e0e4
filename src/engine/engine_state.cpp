// Read accessors, restart restore (no re-matching) and the full invariant audit of the engine.
#include <algorithm>
#include <string>

#include "engine/matching_engine.h"
#include "engine/money.h"

namespace mc::engine {

std::optional<symbol_id> matching_engine::find_symbol(std::string_view name) const {
  for (std::size_t i = 0; i < config_.markets.size(); ++i) {
    if (config_.markets[i].name == name) return static_cast<symbol_id>(i);
  }
  return std::nullopt;
}

std::optional<asset_id> matching_engine::find_asset(std::string_view code) const {
  for (std::size_t i = 0; i < config_.assets.size(); ++i) {
    if (config_.assets[i].code == code) return static_cast<asset_id>(i);
  }
  return std::nullopt;
}

account_balance matching_engine::balance(user_id user, asset_id asset) const {
  const std::uint32_t i = accounts_.find(user);
  if (i == no_index || asset >= config_.assets.size()) return {};
  return {accounts_[i].available[asset], accounts_[i].held[asset]};
}

order_snapshot matching_engine::snapshot(const order_node& n) const {
  return order_snapshot{n.id,    n.user,   n.symbol, n.side, n.post_only,
                        n.price, n.leaves, n.filled, n.hold, n.fee_units};
}

std::optional<order_snapshot> matching_engine::find_order(order_id id) const {
  const std::uint32_t i = ids_.find(id);
  if (i == id_map::npos) return std::nullopt;
  return snapshot(pool_[i]);
}

void matching_engine::open_orders(user_id user, std::vector<order_snapshot>& out) const {
  const std::uint32_t acc = accounts_.find(user);
  if (acc == no_index) return;
  for (std::uint32_t i = accounts_[acc].orders_head; i != no_index; i = pool_[i].user_next) {
    out.push_back(snapshot(pool_[i]));
  }
}

void matching_engine::book_orders(symbol_id symbol, side s,
                                  std::vector<order_snapshot>& out) const {
  if (symbol >= symbols_.size()) return;
  const order_book& book = symbols_[symbol].book;
  for (std::size_t k = 0; k < book.level_count(s); ++k) {
    for (std::uint32_t i = book.level_at(s, k).head; i != no_index; i = pool_[i].next) {
      out.push_back(snapshot(pool_[i]));
    }
  }
}

std::optional<price_t> matching_engine::best_bid(symbol_id symbol) const {
  if (symbol >= symbols_.size()) return std::nullopt;
  return symbols_[symbol].book.best_price(side::buy);
}

std::optional<price_t> matching_engine::best_ask(symbol_id symbol) const {
  if (symbol >= symbols_.size()) return std::nullopt;
  return symbols_[symbol].book.best_price(side::sell);
}

void matching_engine::depth(symbol_id symbol, side s, std::size_t levels,
                            std::vector<depth_level>& out) const {
  if (symbol >= symbols_.size()) return;
  symbols_[symbol].book.depth(s, levels, out);
}

std::optional<price_t> matching_engine::reference_price(symbol_id symbol) const {
  if (symbol >= symbols_.size() || symbols_[symbol].reference == 0) return std::nullopt;
  return symbols_[symbol].reference;
}

// ---- restore ----

reject_reason matching_engine::restore_account(user_id user, asset_id asset, amount_t available,
                                               amount_t held) {
  if (user == 0) return reject_reason::bad_user;
  if (asset >= config_.assets.size()) return reject_reason::unknown_asset;
  const std::uint32_t existing = accounts_.find(user);
  const bool may_go_negative = existing != no_index && accounts_[existing].may_go_negative;
  if (!may_go_negative && (available < 0 || held < 0)) return reject_reason::bad_amount;
  if (held < 0) return reject_reason::bad_amount;
  const std::uint32_t acc = accounts_.find_or_create(user);
  account& a = accounts_[acc];
  supply_[asset] += static_cast<int128_t>(available) + held - a.available[asset] - a.held[asset];
  a.available[asset] = available;
  a.held[asset] = held;
  return reject_reason::none;
}

reject_reason matching_engine::restore_order(const order_snapshot& o) {
  if (o.symbol >= symbols_.size()) return reject_reason::unknown_symbol;
  if (o.id == 0 || ids_.find(o.id) != id_map::npos) return reject_reason::duplicate_order_id;
  const market_spec& m = config_.markets[o.symbol];
  if (check_price(o.symbol, o.price) != reject_reason::none) return reject_reason::bad_price;
  if (o.leaves <= 0 || o.leaves % m.lot != 0 || o.leaves > m.max_qty || o.filled < 0) {
    return reject_reason::bad_qty;
  }
  const std::uint32_t acc = accounts_.find(o.user);
  if (acc == no_index) return reject_reason::insufficient_funds;
  if (would_take(o.symbol, o.side, o.price)) return reject_reason::would_cross;

  const std::uint32_t i = pool_.allocate();
  order_node& n = pool_[i];
  n.id = o.id;
  n.user = o.user;
  n.account = acc;
  n.symbol = o.symbol;
  n.side = o.side;
  n.tif = time_in_force::gtc;
  n.post_only = o.post_only;
  n.price = o.price;
  n.leaves = o.leaves;
  n.filled = o.filled;
  n.fee_units = o.fee_units;
  n.max_fee_bps = max_fee_bps(m, accounts_[acc], o.post_only, time_in_force::gtc);
  n.hold = required_hold(o.side, o.symbol, o.price, o.leaves, o.fee_units, n.max_fee_bps);
  ids_.insert(o.id, i);
  symbols_[o.symbol].book.insert(pool_, i);
  link_user(i);
  if (o.id >= next_order_id_) next_order_id_ = o.id + 1;
  if (o.user == config_.house_user) {
    (o.side == side::buy ? symbols_[o.symbol].house_bid : symbols_[o.symbol].house_ask) = o.id;
  }
  return reject_reason::none;
}

reject_reason matching_engine::restore_reference_price(symbol_id symbol, price_t price) {
  if (symbol >= symbols_.size()) return reject_reason::unknown_symbol;
  if (price < 0) return reject_reason::bad_price;
  symbols_[symbol].reference = price;
  return reject_reason::none;
}

void matching_engine::restore_counters(order_id next_order_id, trade_id next_trade_id) {
  next_order_id_ = std::max(next_order_id_, next_order_id);
  next_trade_id_ = std::max(next_trade_id_, next_trade_id);
}

// ---- audit ----

audit_result matching_engine::audit() const {
  auto fail = [](std::string msg) { return audit_result{false, std::move(msg)}; };
  const auto& all = accounts_.all();
  const std::size_t n_assets = config_.assets.size();

  for (std::size_t asset = 0; asset < n_assets; ++asset) {
    int128_t sum = 0;
    for (const account& a : all) sum += static_cast<int128_t>(a.available[asset]) + a.held[asset];
    if (sum != supply_[asset]) {
      return fail("asset " + config_.assets[asset].code + ": balances do not sum to supply");
    }
  }
  for (const account& a : all) {
    for (std::size_t asset = 0; asset < n_assets; ++asset) {
      if (a.held[asset] < 0) return fail("negative held for user " + std::to_string(a.user));
      if (!a.may_go_negative && a.available[asset] < 0) {
        return fail("negative available for user " + std::to_string(a.user));
      }
    }
  }

  // Held balances must equal the holds of the open orders, order by order.
  std::vector<std::array<int128_t, max_assets>> holds(all.size());
  std::size_t live = 0;
  for (std::uint32_t i = 0; i < pool_.slots(); ++i) {
    const order_node& n = pool_[i];
    if (n.id == 0) continue;
    ++live;
    if (ids_.find(n.id) != i) return fail("order id map out of sync: " + std::to_string(n.id));
    if (n.level == no_index) return fail("live order not in book: " + std::to_string(n.id));
    if (n.leaves <= 0) return fail("resting order with no leaves: " + std::to_string(n.id));
    const amount_t want =
        required_hold(n.side, n.symbol, n.price, n.leaves, n.fee_units, n.max_fee_bps);
    if (n.hold != want) return fail("order hold is not the required hold: " + std::to_string(n.id));
    holds[n.account][hold_asset(n)] += n.hold;
  }
  if (live != ids_.size()) return fail("id map size differs from live orders");
  for (std::size_t a = 0; a < all.size(); ++a) {
    for (std::size_t asset = 0; asset < n_assets; ++asset) {
      if (holds[a][asset] != all[a].held[asset]) {
        return fail("held differs from open-order holds for user " + std::to_string(all[a].user));
      }
    }
  }
  std::size_t listed = 0;
  for (const account& a : all) {
    for (std::uint32_t i = a.orders_head; i != no_index; i = pool_[i].user_next) {
      if (pool_[i].user != a.user) return fail("order in another user's list");
      ++listed;
    }
  }
  if (listed != live) return fail("user order lists do not cover the open orders");

  for (std::size_t s = 0; s < symbols_.size(); ++s) {
    const order_book& book = symbols_[s].book;
    const auto bid = book.best_price(side::buy);
    const auto ask = book.best_price(side::sell);
    if (bid && ask && *bid >= *ask) return fail("book crossed: " + config_.markets[s].name);
    for (side sd : {side::buy, side::sell}) {
      price_t prev = 0;
      for (std::size_t k = 0; k < book.level_count(sd); ++k) {
        const price_level& l = book.level_at(sd, k);
        if (k > 0 && (sd == side::buy ? l.price >= prev : l.price <= prev)) {
          return fail("levels out of order: " + config_.markets[s].name);
        }
        prev = l.price;
        qty_t total = 0;
        std::uint32_t count = 0;
        for (std::uint32_t o = l.head; o != no_index; o = pool_[o].next) {
          if (pool_[o].price != l.price || pool_[o].side != sd) return fail("order in wrong level");
          total += pool_[o].leaves;
          ++count;
        }
        if (total != l.total_qty || count != l.count || count == 0) {
          return fail("level totals wrong: " + config_.markets[s].name);
        }
      }
    }
  }
  return {};
}

}  // namespace mc::engine
