// Deterministic geometric Brownian motion for the `sim` feed: one walk per symbol, seeded,
// producing exact integer-tick quotes. The double is internal; quotes never carry one.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "quotes/quote.h"

namespace mc::quotes {

struct gbm_params {
  std::string symbol;
  int64_t start_price = 0;  // minor units at price_scale, > 0
  double volatility = 0.8;  // annualised, e.g. 0.8 = 80 %/year (crypto-like)
  int64_t tick_ms = 250;    // time step of one next() call
  int64_t spread_bps = 1;   // full bid-ask spread in basis points of mid, at least 2 ticks wide
  int64_t size = 50000000;  // typical top-of-book size at size_scale (0.5)
  uint64_t seed = 42;
};

class gbm_walk {
 public:
  explicit gbm_walk(gbm_params params);

  // The next quote, stamped `now`. Same params (including seed) -> same sequence of prices,
  // sizes and sequence numbers. Always 0 < bid < ask.
  quote next(timestamp now);

 private:
  double standard_normal();

  gbm_params params_;
  std::mt19937_64 rng_;  // fully specified by the standard, so runs match across platforms
  double price_;         // current mid in price units (not minor units)
  double drift_term_;    // -sigma^2 dt / 2
  double diffusion_;     // sigma sqrt(dt)
  uint64_t sequence_ = 0;
};

}  // namespace mc::quotes
