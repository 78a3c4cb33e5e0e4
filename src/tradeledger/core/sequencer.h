// The engine thread's state: the matching engine plus the parts that translate API commands
// into engine commands and engine events into batch rows and answers. Pure and
// single-threaded: no I/O, no locks — ledger_core owns the threads, recovery fills it, unit
// tests and the model test drive it directly. The sequencer orchestrates; the parts own:
//   user_directory     user UUID <-> engine user id, users rows
//   idempotency_store  (user, key) -> stored answer, refusals' idempotency rows
//   order_registry     open user orders by engine / public id, order rows (with the placing
//                      request's idempotency record) and trade rows
//   ledger_writer      transfers (a top-up's with its idempotency record), account balances,
//                      positions
//   outbox_writer      outbox events and their payloads (one table row per command)
// Time and public order ids come from sequencer_sources (injectable). Quote messages are
// normalised outside it (quote_normaliser), on the thread that receives them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/matching_engine.h"
#include "tradeledger/api/ledger.h"
#include "tradeledger/core/batch.h"
#include "tradeledger/core/idempotency_store.h"
#include "tradeledger/core/ledger_writer.h"
#include "tradeledger/core/markets.h"
#include "tradeledger/core/order_registry.h"
#include "tradeledger/core/outbox_writer.h"
#include "tradeledger/core/position.h"
#include "tradeledger/core/sequencer_sources.h"
#include "tradeledger/core/user_directory.h"

namespace mc::tradeledger {

class sequencer {
 public:
  sequencer(engine::engine_config config, bool house_liquidity, sequencer_sources sources = {});

  engine::matching_engine& engine() { return engine_; }
  const engine::matching_engine& engine() const { return engine_; }
  const market_table& markets() const { return markets_; }

  // ---- set-up (before recovery) ----
  // Keeps only the newest `window` idempotent answers in memory; `lookup` answers older keys
  // (see idempotency_store). 0 keeps every answer.
  void bound_idempotency(std::size_t window, idempotency_lookup lookup);
  const idempotency_store& idempotency() const { return idempotency_; }

  // ---- recovery (before the first batch) ----
  void restore_user(std::uint64_t id, const std::string& external_id);
  void restore_external_balance(engine::asset_id asset, std::int64_t balance);
  // Registers an open order (the engine side is restored separately with restore_order).
  void restore_open_order(order_row row);
  void restore_idempotency(std::uint64_t user, const std::string& key, idempotent_outcome outcome);
  void restore_position(std::uint64_t user, engine::symbol_id symbol, position p);
  void restore_counters(std::int64_t next_journal_id, std::int64_t next_outbox_seq,
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

 private:
  struct command_ctx {
    std::int64_t ts_us = 0;
    std::vector<engine::order_id> touched;  // user orders changed by this command
    engine::order_id answer_order = 0;      // render this order's 201 answer
    std::string answer;
  };

  // Finds an open order of this user for a cancel or replace.
  order_row* find_open_order(const std::string& user_id, const std::string& order_id,
                             std::uint64_t& user);
  // A key this user already used: the stored answer or IDEM_MISMATCH; nullopt when new.
  std::optional<command_result> replay(const std::string& user_uuid, const std::string& key,
                                       const std::string& request_hash) const;
  // The start of every money command: the engine user to run it as (registered if new), or
  // the answer to give at once — a malformed user or missing key, or the replay of a used key.
  std::variant<std::uint64_t, command_result> admit(const std::string& user_id,
                                                    const std::string& key,
                                                    const std::string& request_hash);
  command_result remember(std::uint64_t user, const std::string& key, const std::string& hash,
                          command_result result);

  void apply(const engine::command& cmd);
  void absorb(command_ctx& ctx);
  void on_trade(const engine::trade_event& t, command_ctx& ctx);
  void finish(command_ctx& ctx);

  engine::matching_engine engine_;
  market_table markets_;
  bool house_liquidity_;
  std::uint64_t house_user_;
  std::uint64_t fee_user_;
  sequencer_sources sources_;

  user_directory users_;
  idempotency_store idempotency_;
  order_registry orders_;
  ledger_writer ledger_;
  outbox_writer outbox_;

  std::uint64_t next_command_seq_ = 1;

  batch* out_ = nullptr;  // the current batch
  std::vector<bool> market_touched_;
  std::vector<engine::event> events_;  // reused per command
};

}  // namespace mc::tradeledger
