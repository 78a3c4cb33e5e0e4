// Small markets for randomized tests: tiny notionals so that floor and fee-ceiling rounding
// happen on almost every fill, and few price levels so orders collide often.
#pragma once

#include "engine/market_spec.h"

namespace mc::engine::test {

inline engine_config fuzz_engine_config() {
  engine_config c;
  c.assets = {{"USD", 2}, {"BTC", 3}, {"ETH", 2}};
  // base, quote, tick, lot, min, max, max_price, band, maker, taker
  c.markets.push_back(market_spec{"BTC-USD", 1, 0, 5, 2, 2, 200, 2'000, 300, 7, 13});
  c.markets.push_back(market_spec{"ETH-USD", 2, 0, 1, 1, 1, 100, 500, 1'000, 0, 30});
  c.order_capacity = 256;
  c.account_capacity = 16;
  return c;
}

}  // namespace mc::engine::test
