// GBM step: S *= exp(-sigma^2 dt/2 + sigma sqrt(dt) Z), Z from our own Box-Muller so the
// stream does not depend on the standard library's normal_distribution.
#include "quotes/gbm_walk.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <utility>

#include "common/money/decimal.h"

namespace mc::quotes {
namespace {

constexpr double seconds_per_year = 365.0 * 24 * 3600;

// FNV-1a: a stable per-symbol seed component (std::hash may differ between libraries).
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

gbm_walk::gbm_walk(gbm_params params)
    : params_(std::move(params)),
      rng_(params_.seed ^ fnv1a(params_.symbol)),
      price_(static_cast<double>(params_.start_price) /
             static_cast<double>(money::pow10(price_scale))) {
  assert(params_.start_price > 0 && params_.tick_ms > 0 && params_.size > 0);
  double dt = static_cast<double>(params_.tick_ms) / 1000.0 / seconds_per_year;
  drift_term_ = -0.5 * params_.volatility * params_.volatility * dt;
  diffusion_ = params_.volatility * std::sqrt(dt);
}

double gbm_walk::standard_normal() {
  // 53 random bits -> (0, 1]; never 0, so the log is finite.
  auto uniform = [this] {
    return (static_cast<double>(rng_() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
  };
  double u1 = uniform();
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

quote gbm_walk::next(timestamp now) {
  price_ *= std::exp(drift_term_ + diffusion_ * standard_normal());
  // Keep the walk inside what int64 minor units can hold, and off zero.
  price_ = std::clamp(price_, 0.01, 1e12);

  const auto unit = static_cast<double>(money::pow10(price_scale));
  int64_t mid = std::llround(price_ * unit);
  int64_t half_spread = std::max<int64_t>(1, (mid * params_.spread_bps + 10000) / 20000);
  mid = std::max(mid, half_spread + 1);

  quote q;
  q.symbol = params_.symbol;
  q.bid = mid - half_spread;
  q.ask = mid + half_spread;
  // Sizes uniform in [size/2, 3*size/2], at least one minor unit.
  auto size_draw = [this] {
    int64_t lo = std::max<int64_t>(1, params_.size / 2);
    return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(params_.size + 1));
  };
  q.bid_size = size_draw();
  q.ask_size = size_draw();
  q.last = (rng_() & 1) ? q.ask : q.bid;  // the last trade hit one side of the touch
  q.exchange_time = now;
  q.receive_time = now;
  q.source = feed_source::sim;
  q.sequence = ++sequence_;
  assert(q.bid > 0 && q.bid < q.ask);
  return q;
}

}  // namespace mc::quotes
