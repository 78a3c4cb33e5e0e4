// Commands the engine applies, one at a time, in the order the service sequenced them.
// `seq` is the caller's sequence number; every event a command produces echoes it.
#pragma once

#include <variant>

#include "engine/types.h"

namespace mc::engine {

struct place_order {
  std::uint64_t seq = 0;
  user_id user = 0;
  order_id id = 0;  // caller-assigned and unique among live orders; 0 lets the engine assign
  symbol_id symbol = 0;
  engine::side side = engine::side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::gtc;  // market orders: fok stays fok, anything else is ioc
  bool post_only = false;                  // limit GTC only
  price_t price = 0;                       // limit price; ignored for market orders
  qty_t qty = 0;
};

struct cancel_order {
  std::uint64_t seq = 0;
  user_id user = 0;
  order_id id = 0;
};

// Amends a resting order. new_qty is the new OPEN (leaves) quantity. Time priority is kept only
// when the price is unchanged and the quantity does not grow.
struct replace_order {
  std::uint64_t seq = 0;
  user_id user = 0;
  order_id id = 0;
  price_t new_price = 0;
  qty_t new_qty = 0;
};

// Credits `amount` minor units of `asset` to a user (paper money); creates the account.
struct top_up {
  std::uint64_t seq = 0;
  user_id user = 0;
  asset_id asset = 0;
  amount_t amount = 0;
};

// A market-data tick. Sets the reference price (mid, floored) and replaces the house bid and
// ask: previous house orders are canceled, new ones placed as takers. A side with qty 0 places
// nothing, so bid_qty = ask_qty = 0 only moves the reference price (house switched off).
struct quote_tick {
  std::uint64_t seq = 0;
  symbol_id symbol = 0;
  price_t bid_price = 0;
  qty_t bid_qty = 0;
  price_t ask_price = 0;
  qty_t ask_qty = 0;
};

using command = std::variant<place_order, cancel_order, replace_order, top_up, quote_tick>;

}  // namespace mc::engine
