// COPY for the insert-only rows. Each COPY costs two round trips, but the server's COPY
// path is the cheapest way in per row: no array literals to parse, no tuple store to
// materialise, and heap_multi_insert (one WAL record per page, not per row). Measured on
// batches of ~420 commands: ~85 µs per command against ~135 µs for the same rows as one
// statement of arrays.
#include "tradeledger/core/batch_copy.h"

#include <string>
#include <tuple>
#include <vector>

#include "tradeledger/core/pg_array.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

namespace {

// Nullable text for COPY: nullptr is written as \N.
const char* text_or_null(const std::string& v) {
  return v.empty() ? nullptr : v.c_str();
}

}  // namespace

void copy_insert_only_rows(pqxx::work& tx, const batch& b) {
  if (!b.transfers.empty()) {
    pqxx::stream_to s(tx, "tradeledger.transfers",
                      std::vector<std::string>{"id", "debit_account", "credit_account", "asset",
                                               "amount", "trade_id", "topup_key", "request_hash",
                                               "response", "created_at"});
    std::string trade;
    for (const auto& t : b.transfers) {
      const bool topup = t.trade_id == 0;
      if (!topup) trade = std::to_string(t.trade_id);
      s << std::make_tuple(t.id, t.debit_account, t.credit_account, t.asset.c_str(), t.amount,
                           topup ? nullptr : trade.c_str(), topup ? t.topup_key.c_str() : nullptr,
                           topup ? t.request_hash.c_str() : nullptr,
                           topup ? t.response.c_str() : nullptr, format_rfc3339(t.ts_us));
    }
    s.complete();
  }
  std::size_t new_orders = 0;
  for (const auto& o : b.orders) new_orders += o.id >= b.first_new_order_id ? 1 : 0;
  if (new_orders != 0) {
    pqxx::stream_to s(tx, "tradeledger.orders",
                      std::vector<std::string>{"id",
                                               "public_id",
                                               "user_id",
                                               "symbol",
                                               "side",
                                               "type",
                                               "time_in_force",
                                               "post_only",
                                               "price",
                                               "qty",
                                               "filled_qty",
                                               "filled_notional",
                                               "fee_units",
                                               "held",
                                               "status",
                                               "reject_reason",
                                               "client_order_id",
                                               "created_at",
                                               "updated_at",
                                               "idempotency_key",
                                               "request_hash",
                                               "response"});
    std::string price;
    for (const auto& o : b.orders) {
      if (o.id < b.first_new_order_id) continue;
      if (o.price) price = std::to_string(*o.price);
      s << std::make_tuple(o.id, o.public_id.c_str(), o.user_id, o.symbol.c_str(), o.side, o.type,
                           o.tif, o.post_only ? "t" : "f", o.price ? price.c_str() : nullptr, o.qty,
                           o.filled_qty, o.filled_notional, o.fee_units, o.held, o.status,
                           text_or_null(o.reject_reason), text_or_null(o.client_order_id),
                           format_rfc3339(o.created_us), format_rfc3339(o.updated_us),
                           o.idempotency_key.c_str(), o.request_hash.c_str(), o.response.c_str());
    }
    s.complete();
  }
  if (!b.trades.empty()) {
    pqxx::stream_to s(
        tx, "tradeledger.trades",
        std::vector<std::string>{"id", "symbol", "price", "qty", "taker_side", "maker_order_id",
                                 "taker_order_id", "maker_fee", "taker_fee", "ts"});
    std::string maker, taker;
    for (const auto& t : b.trades) {
      maker = std::to_string(t.maker_order_id);
      taker = std::to_string(t.taker_order_id);
      s << std::make_tuple(t.id, t.symbol.c_str(), t.price, t.qty, t.taker_side,
                           t.maker_order_id != 0 ? maker.c_str() : nullptr,
                           t.taker_order_id != 0 ? taker.c_str() : nullptr, t.maker_fee,
                           t.taker_fee, format_rfc3339(t.ts_us));
    }
    s.complete();
  }
  if (!b.outbox.empty()) {
    // One row per command: its consecutive events as two arrays.
    pqxx::stream_to s(tx, "tradeledger.outbox",
                      std::vector<std::string>{"seq", "channels", "payloads"});
    for (std::size_t i = 0; i < b.outbox.size();) {
      pg_array channels, payloads;
      const std::size_t first = i;
      for (; i < b.outbox.size() && b.outbox[i].command == b.outbox[first].command; ++i) {
        channels.add_text(b.outbox[i].channel);
        payloads.add_text(b.outbox[i].payload);
      }
      s << std::make_tuple(b.outbox[first].seq, channels.str(), payloads.str());
    }
    s.complete();
  }
  if (!b.idempotency.empty()) {
    pqxx::stream_to s(tx, "tradeledger.idempotency",
                      std::vector<std::string>{"user_id", "key", "request_hash", "status",
                                               "error_code", "message", "response"});
    for (const auto& i : b.idempotency) {
      s << std::make_tuple(i.user_id, i.key.c_str(), i.request_hash.c_str(), i.status,
                           i.error_code.c_str(), i.message.c_str(), i.response.c_str());
    }
    s.complete();
  }
}

}  // namespace mc::tradeledger
