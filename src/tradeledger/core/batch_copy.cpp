// COPY for the insert-only rows. Each COPY costs two round trips, but the server's COPY
// path is the cheapest way in per row: no array literals to parse, no tuple store to
// materialise, and heap_multi_insert (one WAL record per page, not per row). Measured on
// batches of ~420 commands: ~85 µs per command against ~135 µs for the same rows as one
// statement of arrays.
#include "tradeledger/core/batch_copy.h"

#include <string>
#include <tuple>
#include <vector>

#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {

namespace {

// Nullable text for COPY: nullptr is written as \N.
const char* text_or_null(const std::string& v) {
  return v.empty() ? nullptr : v.c_str();
}

}  // namespace

void copy_insert_only_rows(pqxx::work& tx, const batch& b) {
  if (!b.journal.empty()) {
    pqxx::stream_to s(tx, "tradeledger.journal_entries",
                      std::vector<std::string>{"id", "kind", "ref", "created_at"});
    for (const auto& j : b.journal) {
      s << std::make_tuple(j.id, j.kind, j.ref.c_str(), format_rfc3339(j.ts_us));
    }
    s.complete();
  }
  if (!b.postings.empty()) {
    pqxx::stream_to s(tx, "tradeledger.postings",
                      std::vector<std::string>{"entry_id", "account_id", "asset", "amount"});
    for (const auto& p : b.postings) {
      s << std::make_tuple(p.entry_id, p.account_id, p.asset.c_str(), p.amount);
    }
    s.complete();
  }
  std::size_t new_orders = 0;
  for (const auto& o : b.orders) new_orders += o.id >= b.first_new_order_id ? 1 : 0;
  if (new_orders != 0) {
    pqxx::stream_to s(
        tx, "tradeledger.orders",
        std::vector<std::string>{"id", "public_id", "user_id", "symbol", "side", "type",
                                 "time_in_force", "post_only", "price", "qty", "filled_qty",
                                 "filled_notional", "fee_units", "held", "status", "reject_reason",
                                 "client_order_id", "created_at", "updated_at"});
    std::string price;
    for (const auto& o : b.orders) {
      if (o.id < b.first_new_order_id) continue;
      if (o.price) price = std::to_string(*o.price);
      s << std::make_tuple(o.id, o.public_id.c_str(), o.user_id, o.symbol.c_str(), o.side, o.type,
                           o.tif, o.post_only ? "t" : "f", o.price ? price.c_str() : nullptr, o.qty,
                           o.filled_qty, o.filled_notional, o.fee_units, o.held, o.status,
                           text_or_null(o.reject_reason), text_or_null(o.client_order_id),
                           format_rfc3339(o.created_us), format_rfc3339(o.updated_us));
    }
    s.complete();
  }
  if (!b.fills.empty()) {
    pqxx::stream_to s(tx, "tradeledger.fills",
                      std::vector<std::string>{"trade_id", "order_id", "user_id", "symbol", "side",
                                               "price", "qty", "fee", "liquidity", "ts"});
    for (const auto& f : b.fills) {
      s << std::make_tuple(f.trade_id, f.order_id, f.user_id, f.symbol.c_str(), f.side, f.price,
                           f.qty, f.fee, f.liquidity, format_rfc3339(f.ts_us));
    }
    s.complete();
  }
  if (!b.outbox.empty()) {
    pqxx::stream_to s(tx, "tradeledger.outbox",
                      std::vector<std::string>{"seq", "channel", "payload"});
    for (const auto& o : b.outbox) {
      s << std::make_tuple(o.seq, o.channel.c_str(), o.payload.c_str());
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
