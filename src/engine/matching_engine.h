// The matching engine: all books, accounts and holds of one engine thread. apply() is pure
// and deterministic: the same command sequence always yields the same events and state.
// No I/O, no locks, no floating point, no exceptions after construction.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/accounts.h"
#include "engine/command.h"
#include "engine/divisibility.h"
#include "engine/event.h"
#include "engine/id_map.h"
#include "engine/market_spec.h"
#include "engine/order_book.h"
#include "engine/order_pool.h"
#include "engine/types.h"

namespace mc::engine {

struct account_balance {
  amount_t available = 0;
  amount_t held = 0;
};

// A resting order as persisted and restored. Orders rest only as GTC limits.
struct order_snapshot {
  order_id id = 0;
  user_id user = 0;
  symbol_id symbol = 0;
  engine::side side = engine::side::buy;
  bool post_only = false;
  price_t price = 0;
  qty_t leaves = 0;
  qty_t filled = 0;
  amount_t hold = 0;           // read-only: restore_order recomputes it
  std::int64_t fee_units = 0;  // notional * bps accrued by past fills (see money.h)
};

struct audit_result {
  bool ok = true;
  std::string message;  // first violated invariant
};

class matching_engine {
 public:
  // Throws std::invalid_argument when validate(config) fails (start-up only).
  explicit matching_engine(engine_config config);

  // Applies one command and APPENDS its events to `out` (the caller clears and reuses it).
  void apply(const command& cmd, std::vector<event>& out);

  // Restart: rebuild state without re-matching. Call restore_account for every balance,
  // restore_order for every open order in time priority (oldest first), then audit().
  reject_reason restore_account(user_id user, asset_id asset, amount_t available, amount_t held);
  reject_reason restore_order(const order_snapshot& order);
  reject_reason restore_reference_price(symbol_id symbol, price_t price);
  void restore_counters(order_id next_order_id, trade_id next_trade_id);

  const engine_config& config() const { return config_; }
  std::optional<symbol_id> find_symbol(std::string_view name) const;
  std::optional<asset_id> find_asset(std::string_view code) const;

  account_balance balance(user_id user, asset_id asset) const;
  std::optional<order_snapshot> find_order(order_id id) const;
  void open_orders(user_id user, std::vector<order_snapshot>& out) const;  // oldest first
  // Resting orders of one side in matching priority (best price first, FIFO within a price);
  // restoring them in this order rebuilds the same queues.
  void book_orders(symbol_id symbol, side s, std::vector<order_snapshot>& out) const;
  std::optional<price_t> best_bid(symbol_id symbol) const;
  std::optional<price_t> best_ask(symbol_id symbol) const;
  void depth(symbol_id symbol, side s, std::size_t levels, std::vector<depth_level>& out) const;
  std::optional<price_t> reference_price(symbol_id symbol) const;
  const std::vector<account>& accounts() const { return accounts_.all(); }
  std::size_t open_order_count() const { return ids_.size(); }
  order_id next_order_id() const { return next_order_id_; }
  trade_id next_trade_id() const { return next_trade_id_; }
  // Everything ever credited from outside (top-ups and restored balances), per asset.
  int128_t total_supply(asset_id asset) const { return supply_[asset]; }

  // Checks every invariant (conservation per asset, no negative user balance, held equals the
  // holds of open orders, book not crossed, level totals); O(state), for tests and restarts.
  audit_result audit() const;

 private:
  struct symbol_state {
    order_book book;
    price_t reference = 0;
    order_id house_bid = 0;
    order_id house_ask = 0;
    std::int64_t base_unit = 1;  // 10^base_scale
    divisibility tick{1};        // price_tick multiples, without a divide
    divisibility lot{1};         // lot multiples
  };

  void on(const place_order& c, std::vector<event>& out);
  void on(const cancel_order& c, std::vector<event>& out);
  void on(const replace_order& c, std::vector<event>& out);
  void on(const top_up& c, std::vector<event>& out);
  void on(const quote_tick& c, std::vector<event>& out);

  reject_reason check_price(symbol_id symbol, price_t price) const;
  reject_reason check_qty(symbol_id symbol, qty_t qty) const;
  // Accepts an already validated order and runs it as a taker.
  void execute_place(const place_order& c, order_id id, price_t price, time_in_force tif,
                     int max_fee_bps, amount_t hold, std::uint32_t account,
                     std::vector<event>& out);
  end_reason match(std::uint32_t taker, std::vector<event>& out);
  bool fill(std::uint32_t taker, std::uint32_t maker, std::vector<event>& out);
  void finish_taker(std::uint32_t taker, end_reason stop, std::vector<event>& out);
  void end_order(std::uint32_t index, order_status status, end_reason reason,
                 std::vector<event>& out);
  void link_user(std::uint32_t index);
  void unlink_user(std::uint32_t index);

  bool would_take(symbol_id symbol, side s, price_t price) const;
  bool can_fill(symbol_id symbol, side s, price_t price, user_id user, qty_t qty) const;
  amount_t required_hold(side s, symbol_id symbol, price_t price, qty_t leaves,
                         std::int64_t fee_units, int max_fee_bps) const;
  asset_id hold_asset(const order_node& n) const;
  int max_fee_bps(const market_spec& m, const account& a, bool post_only, time_in_force tif) const;
  order_snapshot snapshot(const order_node& n) const;

  void emit_reject(std::uint64_t seq, command_kind kind, reject_reason reason, order_id id,
                   user_id user, std::vector<event>& out) const;
  void emit_balance(std::uint32_t account, asset_id asset, amount_t available_delta,
                    amount_t held_delta, std::vector<event>& out);
  void emit_update(const order_node& n, order_status status, end_reason reason,
                   std::vector<event>& out);

  engine_config config_;
  std::vector<symbol_state> symbols_;
  order_pool pool_;
  id_map ids_;  // live order id -> pool index
  account_store accounts_;
  std::uint32_t house_account_ = no_index;
  std::uint32_t fee_account_ = no_index;
  order_id next_order_id_ = 1;
  trade_id next_trade_id_ = 1;
  std::uint64_t seq_ = 0;  // seq of the command being applied, stamped on its events
  std::vector<int128_t> supply_;
};

}  // namespace mc::engine
