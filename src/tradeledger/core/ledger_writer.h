// The double-entry side of a batch: transfers (each moves a positive amount of one asset from
// a debit account to a credit account, so double entry holds by construction), account
// balance rows (one per touched account, its final available/held), the external funding
// balances of top-ups, and positions.
// Engine thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/event.h"
#include "engine/types.h"
#include "tradeledger/core/batch.h"
#include "tradeledger/core/markets.h"
#include "tradeledger/core/position.h"

namespace mc::tradeledger {

// Deterministic account ids: one account per (engine user, asset); user 0 is the external
// funding counterparty of top-ups.
inline std::int64_t account_id(std::uint64_t user, engine::asset_id asset) {
  return static_cast<std::int64_t>(user * engine::max_assets + asset);
}

class ledger_writer {
 public:
  ledger_writer(const market_table& markets, std::uint64_t house_user, std::uint64_t fee_user);

  void restore_external_balance(engine::asset_id asset, std::int64_t balance);
  void restore_position(std::uint64_t user, engine::symbol_id symbol, position p);
  void restore_next_transfer_id(std::int64_t next_id);

  void begin_batch(batch& out);
  // The account's balance row in this batch, added or updated.
  void put_account(std::uint64_t user, engine::asset_id asset, std::int64_t available,
                   std::int64_t held);
  // One trade's transfers: the buyer pays the seller the notional, the seller delivers the
  // base, each side pays its own fee to the fee account.
  void trade_transfers(const engine::trade_event& t, std::int64_t ts_us);
  // A top-up's transfer (external funding -> user), carrying its idempotency record, and the
  // external account's balance row.
  void topup_transfer(engine::asset_id asset, std::uint64_t user, std::int64_t amount,
                      const std::string& key, const std::string& request_hash,
                      const std::string& response, std::int64_t ts_us);
  // A user's fill moves their position in `symbol` (average cost; position.h).
  void position_fill(std::uint64_t user, engine::symbol_id symbol, bool buys, std::int64_t qty,
                     std::int64_t notional, std::int64_t fee);

 private:
  // Appends a transfer unless nothing moves (zero, or one account on both sides: a user
  // trading with their own order); nullptr then.
  transfer_row* transfer(engine::asset_id asset, std::uint64_t from, std::uint64_t to,
                         std::int64_t amount, std::int64_t trade, std::int64_t ts_us);

  const market_table& markets_;
  std::uint64_t house_user_;
  std::uint64_t fee_user_;
  std::int64_t next_transfer_id_ = 1;
  std::vector<std::int64_t> external_;                     // per asset
  std::unordered_map<std::uint64_t, position> positions_;  // user * 256 + symbol

  batch* out_ = nullptr;
  std::unordered_map<std::int64_t, std::size_t> account_index_;
  std::unordered_map<std::uint64_t, std::size_t> position_index_;
};

}  // namespace mc::tradeledger
