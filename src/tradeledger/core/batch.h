// The effects of one engine-thread batch, as rows for the persister: everything the batch
// changed, deduplicated (one row per account / order / position), written in ONE transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/types.h"
#include "tradeledger/api/ledger.h"

namespace mc::tradeledger {

struct user_row {
  std::int64_t id = 0;
  std::string external_id;
};

struct account_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // 0 = system account (NULL)
  const char* kind = "user";
  std::string asset;
  std::int64_t available = 0;
  std::int64_t held = 0;
};

// One movement of one asset between two accounts (docs/TRADELEDGER.md, "Money rules"): the
// debit account pays, the credit account receives. Caused by a trade (trade_id) or a top-up,
// whose row also carries what a replay of it must answer.
struct transfer_row {
  std::int64_t id = 0;
  std::int64_t debit_account = 0;
  std::int64_t credit_account = 0;
  std::string asset;
  std::int64_t amount = 0;    // > 0
  std::int64_t trade_id = 0;  // 0 = a top-up
  std::string topup_key;      // a top-up's idempotency key, request hash and answer body
  std::string request_hash;
  std::string response;
  std::int64_t ts_us = 0;
};

struct order_row {
  std::int64_t id = 0;
  std::string public_id;
  std::int64_t user_id = 0;
  std::string symbol;
  const char* side = "BUY";
  const char* type = "LIMIT";
  const char* tif = "GTC";
  bool post_only = false;
  std::optional<std::int64_t> price;
  std::int64_t qty = 0;
  std::int64_t filled_qty = 0;
  std::int64_t filled_notional = 0;
  // Sum of price x qty over the fills (quote minor units x base minor units): the exact
  // volume-weighted average price is filled_value / filled_qty, unlike filled_notional, which
  // is rounded to the cent per fill. Kept in memory; recovery rebuilds it from the fills.
  engine::int128_t filled_value = 0;
  std::int64_t fee_units = 0;
  std::int64_t held = 0;
  const char* status = "NEW";
  std::string reject_reason;
  std::string client_order_id;
  std::int64_t created_us = 0;
  std::int64_t updated_us = 0;
  // What a replay of the placing request answers; written with the order's first row only.
  std::string idempotency_key;
  std::string request_hash;
  std::string response;
};

// One row per trade; each side is a fill of its order (house sides have no order: id 0).
struct trade_row {
  std::int64_t id = 0;
  std::string symbol;
  std::int64_t price = 0;
  std::int64_t qty = 0;
  const char* taker_side = "BUY";
  std::int64_t maker_order_id = 0;
  std::int64_t taker_order_id = 0;
  std::int64_t maker_fee = 0;
  std::int64_t taker_fee = 0;
  std::int64_t ts_us = 0;
};

// A fill as the read path shows it: one side of a trade (the `fills` view).
struct fill_row {
  std::int64_t trade_id = 0;
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
  std::string symbol;
  const char* side = "BUY";
  std::int64_t price = 0;
  std::int64_t qty = 0;
  std::int64_t fee = 0;
  const char* liquidity = "MAKER";
  std::int64_t ts_us = 0;
};

struct position_row {
  std::int64_t user_id = 0;
  std::string symbol;
  std::int64_t qty = 0;
  std::int64_t cost_basis = 0;
  std::int64_t realized_pnl = 0;
};

// One event. Events with the same `command` (consecutive seqs) are stored as one outbox row;
// the relay publishes each on its own.
struct outbox_row {
  std::int64_t seq = 0;
  std::string channel;
  std::string payload;
  std::uint64_t command = 0;
};

// Only refusals: an accepted order's record is its order row, a top-up's its transfer.
struct idempotency_row {
  std::int64_t user_id = 0;
  std::string key;
  std::string request_hash;
  int status = 0;
  std::string error_code;
  std::string message;
  std::string response;
};

struct market_row {
  std::string symbol;
  std::int64_t reference_price = 0;
};

// Aggregated price levels of one symbol after the batch, published once it is committed.
struct book_snapshot {
  std::string symbol;
  std::vector<std::pair<std::int64_t, std::int64_t>> bids;  // (price, qty), best first
  std::vector<std::pair<std::int64_t, std::int64_t>> asks;
};

struct batch {
  std::vector<user_row> users;
  std::vector<account_row> accounts;
  std::vector<transfer_row> transfers;
  std::vector<order_row> orders;
  std::vector<trade_row> trades;
  std::vector<position_row> positions;
  std::vector<outbox_row> outbox;
  std::vector<idempotency_row> idempotency;
  std::vector<market_row> markets;
  std::vector<std::shared_ptr<const book_snapshot>> books;
  std::vector<command_result> results;  // one per command, in queue order
  // Order ids at or above this were created by this batch (plain INSERT); rows below it exist
  // already and are UPDATEd. Set by sequencer::begin_batch from the engine's order counter.
  std::int64_t first_new_order_id = 0;

  bool has_rows() const {
    return !users.empty() || !accounts.empty() || !transfers.empty() || !orders.empty() ||
           !outbox.empty() || !idempotency.empty() || !markets.empty() || !positions.empty();
  }
};

}  // namespace mc::tradeledger
