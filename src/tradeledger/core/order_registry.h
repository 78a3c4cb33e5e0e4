// The ledger's view of open user orders (house quotes are engine-only): order rows by engine
// id and by public id, and the batch's order and trade rows (one order row per order per batch,
// its latest state; one row per trade). Engine thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "engine/event.h"
#include "engine/types.h"
#include "tradeledger/core/batch.h"

namespace mc::tradeledger {

class order_registry {
 public:
  void begin_batch(batch& out);

  // Registers an open order (recovery, or a new order before the engine sees it).
  order_row& open(order_row row);
  order_row* find(engine::order_id id);
  // By public id (canonical UUID); nullptr when not open.
  order_row* find_public(const std::string& public_id);
  // Forgets a finished (or refused) order.
  void close(engine::order_id id);
  std::size_t size() const { return orders_.size(); }

  // A fill of `o` by one trade: updates its filled amounts and fee units.
  void record_fill(order_row& o, const engine::trade_event& t, int fee_bps);
  // The trade's row; a side of `house_user` has no order.
  void record_trade(const engine::trade_event& t, const std::string& symbol,
                    std::uint64_t house_user, std::int64_t ts_us);
  // The batch's row for this order, added or overwritten with `row`'s latest state (keeping
  // the idempotency record attach_record gave it).
  void put(const order_row& row);
  // The placing request's idempotency record on the order's row in this batch (aborts if the
  // order has no row: every placed order has one).
  void attach_record(std::int64_t id, const std::string& key, const std::string& request_hash,
                     const std::string& response);

 private:
  std::unordered_map<engine::order_id, order_row> orders_;  // open user orders
  std::unordered_map<std::string, engine::order_id> public_ids_;
  batch* out_ = nullptr;
  std::unordered_map<std::int64_t, std::size_t> index_;  // order id -> row in out_->orders
};

}  // namespace mc::tradeledger
