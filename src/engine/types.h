// Vocabulary of the matching engine: integer ids, prices, quantities and the enums that
// commands and events carry. Everything here is a plain value; no floating point anywhere.
#pragma once

#include <cstdint>

namespace mc::engine {

using user_id = std::uint64_t;
using order_id = std::uint64_t;
using trade_id = std::uint64_t;
using asset_id = std::uint32_t;
using symbol_id = std::uint32_t;

// Price in quote-asset minor units per ONE WHOLE base unit (e.g. cents per BTC).
using price_t = std::int64_t;
// Quantity in base-asset minor units (e.g. satoshi).
using qty_t = std::int64_t;
// Any balance or notional, in the minor units of its asset.
using amount_t = std::int64_t;

// GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 int128_t;

enum class side : std::uint8_t { buy, sell };
enum class order_type : std::uint8_t { limit, market };
enum class time_in_force : std::uint8_t { gtc, ioc, fok };

enum class order_status : std::uint8_t { open, partially_filled, filled, canceled };

// Why an accepted order stopped before it filled completely.
enum class end_reason : std::uint8_t {
  none,
  user_canceled,
  unfilled_ioc,      // IOC / market remainder that found no more liquidity
  self_trade,        // resting order canceled by self-trade prevention
  house_requote,     // house order replaced by a newer quote tick
  balance_overflow,  // the next fill would overflow a balance; the taker stops there
};

// Business rejections are values, never exceptions. A rejected command changes nothing.
enum class reject_reason : std::uint8_t {
  none,
  unknown_symbol,
  unknown_asset,
  bad_user,            // user id 0
  system_account,      // fee/house account used by a user command
  bad_order,           // invalid combination, e.g. post-only market or post-only IOC
  bad_qty,             // zero, negative, not a lot multiple, below min or above max
  bad_price,           // zero, negative, not a tick multiple or above max price
  bad_amount,          // top-up amount not positive
  duplicate_order_id,  // a live order already has this id
  no_reference_price,  // market order before any quote set the reference price
  insufficient_funds,
  post_only_would_take,
  fok_cannot_fill,
  order_not_found,
  not_owner,
  crossed_quote,  // quote tick with bid >= ask
  overflow,       // the result would not fit a balance; never wrapped
  would_cross,    // restore_order of an order that crosses the book
};

enum class command_kind : std::uint8_t { place, cancel, replace, top_up, quote };

const char* to_string(side s);
const char* to_string(order_status s);
const char* to_string(end_reason r);
const char* to_string(reject_reason r);

inline constexpr side opposite(side s) {
  return s == side::buy ? side::sell : side::buy;
}

}  // namespace mc::engine
