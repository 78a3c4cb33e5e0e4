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

struct journal_row {
  std::int64_t id = 0;
  const char* kind = "trade";
  std::string ref;
  std::int64_t ts_us = 0;
};

struct posting_row {
  std::int64_t entry_id = 0;
  std::int64_t account_id = 0;
  std::string asset;
  std::int64_t amount = 0;
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
};

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

struct outbox_row {
  std::int64_t seq = 0;
  std::string channel;
  std::string payload;
};

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
  std::vector<journal_row> journal;
  std::vector<posting_row> postings;
  std::vector<order_row> orders;
  std::vector<fill_row> fills;
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
    return !users.empty() || !accounts.empty() || !journal.empty() || !orders.empty() ||
           !outbox.empty() || !idempotency.empty() || !markets.empty() || !positions.empty();
  }
};

}  // namespace mc::tradeledger
