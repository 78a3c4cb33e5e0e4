// Events the engine emits while applying a command, appended to a caller-owned vector so a
// reused buffer means no allocation per command. Each is a flat, trivially copyable record.
#pragma once

#include <cstdint>

#include "engine/types.h"

namespace mc::engine {

enum class event_type : std::uint8_t {
  order_accepted,
  order_rejected,
  order_replaced,
  order_updated,
  trade,
  balance_changed,
};

struct order_accepted_event {
  order_id order;
  user_id user;
  symbol_id symbol;
  engine::side side;
  order_type type;
  time_in_force tif;  // effective: market orders report ioc or fok
  bool post_only;
  price_t price;  // limit price; for market orders the protection-band price
  qty_t qty;
  amount_t hold;  // amount moved from available to held (quote for buys, base for sells)
};

struct order_rejected_event {
  command_kind command;
  reject_reason reason;
  order_id order;  // as given by the command (0 if the engine would have assigned it)
  user_id user;    // 0 for quote ticks
};

struct order_replaced_event {
  order_id order;
  user_id user;
  price_t old_price;
  price_t new_price;
  qty_t old_leaves;
  qty_t new_leaves;
  bool kept_priority;
};

// A change of an order's status: rests, partially fills, fills or ends.
struct order_updated_event {
  order_id order;
  user_id user;
  symbol_id symbol;
  order_status status;
  end_reason reason;  // why it ended early (canceled), else none
  qty_t leaves;
  qty_t filled;
  amount_t hold;  // still held for this order after the change
};

struct trade_event {
  trade_id trade;
  symbol_id symbol;
  side taker_side;
  price_t price;  // always the resting (maker) order's price
  qty_t qty;
  amount_t notional;  // quote minor units moved from buyer to seller before fees
  order_id maker_order;
  order_id taker_order;
  user_id maker_user;
  user_id taker_user;
  amount_t maker_fee;  // quote minor units, paid to the fee account
  amount_t taker_fee;
};

// New balance of one (user, asset) and the change that produced it.
struct balance_event {
  user_id user;
  asset_id asset;
  amount_t available;
  amount_t held;
  amount_t available_delta;
  amount_t held_delta;
};

struct event {
  event_type type = event_type::order_rejected;
  std::uint64_t seq = 0;
  union {
    order_accepted_event accepted;
    order_rejected_event rejected;
    order_replaced_event replaced;
    order_updated_event updated;
    trade_event trade;
    balance_event balance;
  };
  event() noexcept : trade{} {}
  // Constructs the record in place with only its own payload written (the engine's emitters
  // use these; the default constructor zeroes the largest member first, which is dead work).
  event(std::uint64_t s, const order_accepted_event& p) noexcept
      : type(event_type::order_accepted), seq(s), accepted(p) {}
  event(std::uint64_t s, const order_rejected_event& p) noexcept
      : type(event_type::order_rejected), seq(s), rejected(p) {}
  event(std::uint64_t s, const order_replaced_event& p) noexcept
      : type(event_type::order_replaced), seq(s), replaced(p) {}
  event(std::uint64_t s, const order_updated_event& p) noexcept
      : type(event_type::order_updated), seq(s), updated(p) {}
  event(std::uint64_t s, const trade_event& p) noexcept
      : type(event_type::trade), seq(s), trade(p) {}
  event(std::uint64_t s, const balance_event& p) noexcept
      : type(event_type::balance_changed), seq(s), balance(p) {}
};

}  // namespace mc::engine
