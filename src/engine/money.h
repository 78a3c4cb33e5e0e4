// The engine's money arithmetic: notional, fees and buy holds. Every rounding rule of the
// engine lives here so tests and docs/ENGINE.md can point at one place.
#pragma once

#include "engine/market_spec.h"
#include "engine/types.h"

namespace mc::engine {

// floor(price * qty / 10^base_scale). The SAME floored integer is debited from the buyer and
// credited to the seller, so a trade never creates or destroys quote units. Bounds proven by
// validate() (price <= max_price, qty <= max_qty) keep the result within max_order_notional.
inline amount_t notional(price_t price, qty_t qty, std::int64_t base_unit) {
  // Same quotient either way; the 64-bit divide avoids a libgcc __divti3 call when the
  // product fits (always for realistic orders).
  std::int64_t product;
  if (!__builtin_mul_overflow(price, qty, &product)) [[likely]]
    return product / base_unit;
  return static_cast<amount_t>(static_cast<int128_t>(price) * qty / base_unit);
}

// Fees accrue per order in "fee units" (notional * bps, i.e. 1/10000 of a minor unit). The fee
// charged so far is ceil(units / 10000), so an order split over many fills never pays more than
// one rounding in total; each fill charges the increase of that ceiling.
inline amount_t fee_charged(std::int64_t fee_units) {
  return (fee_units + (bps_denominator - 1)) / bps_denominator;
}

inline amount_t fee_increment(std::int64_t fee_units_before, amount_t notional_amount, int bps) {
  return fee_charged(fee_units_before + notional_amount * bps) - fee_charged(fee_units_before);
}

// Quote units a buy order must keep held: the most its remaining quantity can still cost.
// Remaining fills at or below the limit price total at most floor(limit * remaining / unit)
// (the sum of floors never exceeds the floor of the sum), and their fees at most the increase of
// the fee ceiling at the highest rate the order can pay.
inline amount_t buy_hold(amount_t remaining_limit_notional, std::int64_t fee_units, int max_bps) {
  return remaining_limit_notional + fee_charged(fee_units + remaining_limit_notional * max_bps) -
         fee_charged(fee_units);
}

}  // namespace mc::engine
