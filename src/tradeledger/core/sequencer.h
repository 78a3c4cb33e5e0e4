// The engine thread's state: the matching engine plus everything needed to translate API
// commands into engine commands and engine events into batch rows (orders, trades, transfers,
// balances, positions, outbox, refusals) and answers. Pure and single-threaded: no I/O, no
// locks — ledger_core owns the threads, recovery fills it, unit tests drive it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "engine/matching_engine.h"
#include "tradeledger/core/batch.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/core/markets.h"
#include "tradeledger/core/position.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

// Deterministic account ids: one account per (engine user, asset); user 0 is the external
// funding counterparty of top-ups.
inline std::int64_t account_id(std::uint64_t user, engine::asset_id asset) {
  return static_cast<std::int64_t>(user * engine::max_assets + asset);
}

// A stored idempotent outcome: the request hash it answered and the exact answer.
struct idempotent_outcome {
  std::string request_hash;
  command_result result;
};

class sequencer {
 public:
  sequencer(engine::engine_config config, bool house_liquidity);

  engine::matching_engine& engine() { return engine_; }
  const engine::matching_engine& engine() const { return engine_; }
  const market_table& markets() const { return markets_; }

  // ---- recovery (before the first batch) ----
  void restore_user(std::uint64_t id, const std::string& external_id);
  void restore_external_balance(engine::asset_id asset, std::int64_t balance);
  // Registers an open order (the engine side is restored separately with restore_order).
  void restore_open_order(order_row row);
  void restore_idempotency(std::uint64_t user, const std::string& key, idempotent_outcome outcome);
  void restore_position(std::uint64_t user, engine::symbol_id symbol, position p);
  void restore_counters(std::int64_t next_transfer_id, std::int64_t next_outbox_seq,
                        std::uint64_t next_user_id);
  std::size_t open_order_count() const { return orders_.size(); }
  // Events already published on orders:<user> (the user's last event sequence number).
  void restore_user_events(const std::string& user_uuid, std::int64_t count);

  // ---- one batch ----
  // Rows and answers of the following commands go into `out` until end_batch().
  void begin_batch(batch& out);
  command_result place(const place_order_request& req);
  command_result cancel(const cancel_order_request& req);
  command_result replace(const replace_order_request& req);
  command_result topup(const topup_request& req);
  // A normalised quote as engine integers (bid/ask prices, sizes; sizes 0 = house off).
  void quote(engine::quote_tick tick);
  // Adds the order-book snapshots and closes the batch.
  void end_batch();

  // Converts a quote's decimal strings into an engine tick for `symbol`: prices rounded to the
  // tick inward-safe (bid down, ask up), sizes floored to the lot and clamped to the market's
  // limits (too small = 0). nullopt if unusable (unknown symbol, unparsable, crossed).
  std::optional<engine::quote_tick> make_tick(std::string_view symbol, std::string_view bid,
                                              std::string_view ask, std::string_view bid_size,
                                              std::string_view ask_size, bool stale) const;

 private:
  struct command_ctx {
    std::int64_t ts_us = 0;
    std::vector<engine::order_id> touched;  // user orders changed by this command
    engine::order_id answer_order = 0;      // render this order's 201 answer
    std::string answer;
  };

  std::optional<std::uint64_t> find_user(const std::string& uuid) const;
  order_row* find_open_order(const std::string& user_id, const std::string& order_id,
                             std::uint64_t& user);
  std::uint64_t ensure_user(const std::string& uuid);
  const idempotent_outcome* find_outcome(std::uint64_t user, const std::string& key) const;
  std::optional<command_result> replay(const std::string& user_uuid, const std::string& key,
                                       const std::string& request_hash) const;
  // The start of every money command: the engine user to run it as (registered if new), or
  // the answer to give at once — a malformed user or missing key, or the replay of a used key.
  std::variant<std::uint64_t, command_result> admit(const std::string& user_id,
                                                    const std::string& key,
                                                    const std::string& request_hash);
  command_result remember(std::uint64_t user, const std::string& key, const std::string& hash,
                          command_result result);

  void apply(const engine::command& cmd, command_ctx& ctx);
  void absorb(command_ctx& ctx);
  void on_trade(const engine::trade_event& t, command_ctx& ctx);
  void finish(command_ctx& ctx);

  void put_account(std::uint64_t user, engine::asset_id asset, std::int64_t available,
                   std::int64_t held);
  void put_order(const order_row& row);
  void put_position(std::uint64_t user, engine::symbol_id symbol, const position& p);
  // Appends a transfer of `amount` of `asset` from `from`'s account to `to`'s; its index in
  // the batch, or no_transfer when nothing moves (a zero amount, one account both sides).
  static constexpr std::size_t no_transfer = static_cast<std::size_t>(-1);
  std::size_t transfer(engine::asset_id asset, std::uint64_t from, std::uint64_t to,
                       std::int64_t amount, std::int64_t trade, std::int64_t ts_us);
  std::string& outbox(std::string channel);     // appends a row, returns its payload to fill
  std::string& user_event(std::uint64_t user);  // an outbox row on orders:<user>
  const std::string& user_uuid(std::uint64_t user) const;

  engine::matching_engine engine_;
  market_table markets_;
  bool house_liquidity_;
  std::uint64_t house_user_;
  std::uint64_t fee_user_;

  std::unordered_map<std::string, std::uint64_t> user_ids_;
  std::unordered_map<std::uint64_t, std::string> user_uuids_;
  std::unordered_map<engine::order_id, order_row> orders_;  // open user orders
  std::unordered_map<std::string, engine::order_id> public_ids_;
  std::unordered_map<std::string, idempotent_outcome> outcomes_;  // "<user>/<key>"
  std::unordered_map<std::uint64_t, position> positions_;         // user * 256 + symbol
  std::vector<std::int64_t> external_;                            // per asset
  std::unordered_map<std::uint64_t, std::int64_t> user_events_;   // last user_seq per user

  std::int64_t next_journal_id_ = 1;  // the next transfer id
  std::int64_t next_outbox_seq_ = 1;
  std::uint64_t next_user_id_ = 1000;
  std::uint64_t next_command_seq_ = 1;
  uuid_generator uuids_;

  // Current batch and its dedup indexes (row index by key).
  batch* out_ = nullptr;
  std::unordered_map<std::int64_t, std::size_t> account_index_;
  std::unordered_map<std::int64_t, std::size_t> order_index_;
  std::unordered_map<std::uint64_t, std::size_t> position_index_;
  std::vector<bool> market_touched_;
  std::vector<engine::event> events_;  // reused per command
};

}  // namespace mc::tradeledger
