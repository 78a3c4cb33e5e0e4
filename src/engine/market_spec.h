// Static configuration of the engine: assets, markets (symbols) and the system accounts.
// Validated once at start-up; the hot path relies on the bounds proven here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.h"

namespace mc::engine {

inline constexpr std::size_t max_assets = 8;
inline constexpr int bps_denominator = 10'000;
// Largest notional one order may reach. Keeps notional * fee_bps inside int64 with headroom,
// so fee arithmetic on the hot path cannot overflow.
inline constexpr amount_t max_order_notional = 400'000'000'000'000;  // 4e14 minor units

struct asset_spec {
  std::string code;  // "USD", "BTC"
  int scale = 0;     // decimal places of one minor unit: USD 2 (cent), BTC 8 (satoshi)
};

struct market_spec {
  std::string name;   // "BTC-USD"
  asset_id base = 0;  // index into engine_config::assets
  asset_id quote = 0;
  price_t price_tick = 1;  // quote minor units per whole base unit
  qty_t lot = 1;           // qty step, base minor units
  qty_t min_qty = 1;
  qty_t max_qty = 1;
  price_t max_price = 1;
  int band_bps = 500;  // market-order protection band around the reference price
  int maker_fee_bps = 10;
  int taker_fee_bps = 20;
  // Smallest LIMIT order value (price x qty) in quote minor units, checked by the request
  // validator where the price is known. 0 = none.
  amount_t min_notional = 0;
};

struct engine_config {
  std::vector<asset_spec> assets;
  std::vector<market_spec> markets;
  user_id house_user = 1;  // house liquidity provider; may go negative, pays no fees
  user_id fee_user = 2;    // receives all fees
  amount_t max_balance = 1'000'000'000'000'000'000;  // top-ups beyond this are rejected
  std::size_t order_capacity = 1 << 16;              // preallocated order nodes (grows if exceeded)
  std::size_t account_capacity = 1 << 12;            // preallocated accounts (grows if exceeded)
};

// USD (2), BTC (8), ETH (8); BTC-USD and ETH-USD with 1-cent ticks.
engine_config default_config();

// nullptr when the config is usable, otherwise a message naming the first problem.
const char* validate(const engine_config& config);

// 10^scale for scale in [0, 18].
inline constexpr std::int64_t pow10(int scale) {
  std::int64_t v = 1;
  for (int i = 0; i < scale; ++i) v *= 10;
  return v;
}

}  // namespace mc::engine
