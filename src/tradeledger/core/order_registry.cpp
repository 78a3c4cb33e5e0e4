#include "tradeledger/core/order_registry.h"

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

void order_registry::record_fill(order_row& o, const engine::trade_event& t, bool buys, bool taker,
                                 int fee_bps, std::int64_t fee, std::int64_t ts_us) {
  o.filled_qty += t.qty;
  o.filled_notional += t.notional;
  o.filled_value += static_cast<engine::int128_t>(t.price) * t.qty;
  o.fee_units += t.notional * fee_bps;

  fill_row f;
  f.trade_id = static_cast<std::int64_t>(t.trade);
  f.order_id = o.id;
  f.user_id = o.user_id;
  f.symbol = o.symbol;
  f.side = buys ? "BUY" : "SELL";
  f.price = t.price;
  f.qty = t.qty;
  f.fee = fee;
  f.liquidity = taker ? "TAKER" : "MAKER";
  f.ts_us = ts_us;
  out_->fills.push_back(std::move(f));
}

void order_registry::put(const order_row& row) {
  auto [it, inserted] = index_.try_emplace(row.id, out_->orders.size());
  if (inserted) {
    out_->orders.push_back(row);
  } else {
    out_->orders[it->second] = row;
  }
}

}  // namespace mc::tradeledger
