#include "tradeledger/core/order_registry.h"

#include <cstdlib>

#include "common/log/log.h"

namespace mc::tradeledger {

void order_registry::begin_batch(batch& out) {
  out_ = &out;
  index_.clear();
}

order_row& order_registry::open(order_row row) {
  const auto id = static_cast<engine::order_id>(row.id);
  public_ids_[row.public_id] = id;
  order_row& o = orders_[id];
  o = std::move(row);
  return o;
}

order_row* order_registry::find(engine::order_id id) {
  auto it = orders_.find(id);
  return it == orders_.end() ? nullptr : &it->second;
}

order_row* order_registry::find_public(const std::string& public_id) {
  auto pit = public_ids_.find(public_id);
  if (pit == public_ids_.end()) return nullptr;
  return find(pit->second);
}

void order_registry::close(engine::order_id id) {
  auto it = orders_.find(id);
  if (it == orders_.end()) return;
  public_ids_.erase(it->second.public_id);
  orders_.erase(it);
}

void order_registry::record_fill(order_row& o, const engine::trade_event& t, int fee_bps) {
  o.filled_qty += t.qty;
  o.filled_notional += t.notional;
  o.filled_value += static_cast<engine::int128_t>(t.price) * t.qty;
  o.fee_units += t.notional * fee_bps;
}

void order_registry::record_trade(const engine::trade_event& t, const std::string& symbol,
                                  std::uint64_t house_user, std::int64_t ts_us) {
  trade_row& r = out_->trades.emplace_back();
  r.id = static_cast<std::int64_t>(t.trade);
  r.symbol = symbol;
  r.price = t.price;
  r.qty = t.qty;
  r.taker_side = t.taker_side == engine::side::buy ? "BUY" : "SELL";
  r.maker_order_id = t.maker_user == house_user ? 0 : static_cast<std::int64_t>(t.maker_order);
  r.taker_order_id = t.taker_user == house_user ? 0 : static_cast<std::int64_t>(t.taker_order);
  r.maker_fee = t.maker_fee;
  r.taker_fee = t.taker_fee;
  r.ts_us = ts_us;
}

void order_registry::put(const order_row& row) {
  auto [it, inserted] = index_.try_emplace(row.id, out_->orders.size());
  if (inserted) {
    out_->orders.push_back(row);
  } else {
    order_row& dst = out_->orders[it->second];
    std::string key = std::move(dst.idempotency_key), hash = std::move(dst.request_hash),
                response = std::move(dst.response);
    dst = row;
    dst.idempotency_key = std::move(key);
    dst.request_hash = std::move(hash);
    dst.response = std::move(response);
  }
}

void order_registry::attach_record(std::int64_t id, const std::string& key,
                                   const std::string& request_hash, const std::string& response) {
  auto it = index_.find(id);
  if (it == index_.end()) {
    log::error("placed order has no row in its batch", {{"order", std::to_string(id)}});
    std::abort();
  }
  order_row& o = out_->orders[it->second];
  o.idempotency_key = key;
  o.request_hash = request_hash;
  o.response = response;
}

}  // namespace mc::tradeledger
