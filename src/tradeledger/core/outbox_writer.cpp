#include "tradeledger/core/outbox_writer.h"

#include <algorithm>

#include "tradeledger/core/json_out.h"

namespace mc::tradeledger {

void outbox_writer::restore_next_seq(std::int64_t next_seq) {
  next_seq_ = std::max(next_seq_, next_seq);
}

void outbox_writer::restore_user_events(std::uint64_t user, std::int64_t count) {
  user_events_[user] = count;
}

std::string& outbox_writer::row(std::string channel) {
  outbox_row& r = out_->outbox.emplace_back();
  r.seq = next_seq_++;
  r.command = command_;
  r.channel = std::move(channel);
  r.payload.reserve(256);
  r.payload = "{\"seq\":";
  r.payload += std::to_string(r.seq);
  return r.payload;
}

// Events on orders:<user> also carry the user's own sequence number (1, 2, 3, ... with no
// holes), so a WebSocket client can tell that it missed one between two connections.
std::string& outbox_writer::user_row(std::uint64_t user, const std::string& user_uuid) {
  std::string& payload = row("orders:" + user_uuid);
  payload += ",\"user_seq\":";
  payload += std::to_string(++user_events_[user]);
  return payload;
}

void outbox_writer::trade(std::string_view symbol, std::string_view trade_id,
                          std::string_view price, std::string_view qty, bool taker_buys,
                          std::string_view ts) {
  std::string& payload = row("trades:" + std::string(symbol));
  json_out j(payload, true);
  j.field("event", "trade").field("trade_id", trade_id).field("symbol", symbol);
  j.field("price", price).field("qty", qty);
  j.field("taker_side", taker_buys ? "BUY" : "SELL").field("ts", ts);
  payload += '}';
}

void outbox_writer::fill(std::uint64_t user, const std::string& user_uuid,
                         const fill_event_fields& f) {
  std::string& payload = user_row(user, user_uuid);
  json_out j(payload, true);
  j.field("event", "fill").field("order_id", f.order_id).field("trade_id", f.trade_id);
  j.field("symbol", f.symbol).field("side", f.side);
  j.field("price", f.price).field("qty", f.qty);
  j.field("fee", f.fee);
  j.field("liquidity", f.liquidity).field("ts", f.ts);
  payload += '}';
}

void outbox_writer::order(std::uint64_t user, const std::string& user_uuid,
                          std::string_view updated_at, std::string_view answer) {
  std::string& payload = user_row(user, user_uuid);
  json_out j(payload, true);
  j.field("event", "order").field("updated_at", updated_at).key("order").raw(answer);
  payload += '}';
}

}  // namespace mc::tradeledger
