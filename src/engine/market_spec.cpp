// Default MicroCoin markets and the start-up validation of any engine configuration.
#include "engine/market_spec.h"

namespace mc::engine {

namespace {
constexpr amount_t min_order_value_cents = 100;
}  // namespace

engine_config default_config() {
  engine_config c;
  c.assets = {{"USD", 2}, {"BTC", 8}, {"ETH", 8}};
  // Quantities step by one minor unit (1 satoshi, 1e-8 ETH), as on Coinbase, so the first
  // release's clients can send 8 decimals; a $1.00 minimum order value keeps dust orders out.
  // BTC-USD: price in cents per BTC; max 1000 BTC, price up to $10,000,000.00.
  c.markets.push_back(market_spec{"BTC-USD", 1, 0, 1, 1, 1, 100'000'000'000, 1'000'000'000, 500, 10,
                                  20, min_order_value_cents});
  // ETH-USD: max 10,000 ETH, price up to $1,000,000.00.
  c.markets.push_back(market_spec{"ETH-USD", 2, 0, 1, 1, 1, 1'000'000'000'000, 100'000'000, 500, 10,
                                  20, min_order_value_cents});
  return c;
}

const char* validate(const engine_config& c) {
  if (c.assets.empty() || c.assets.size() > max_assets) return "asset count must be 1..8";
  for (const auto& a : c.assets) {
    if (a.scale < 0 || a.scale > 18) return "asset scale must be 0..18";
  }
  if (c.house_user == 0 || c.fee_user == 0 || c.house_user == c.fee_user) {
    return "house_user and fee_user must be distinct and non-zero";
  }
  if (c.max_balance <= 0) return "max_balance must be positive";
  for (const auto& m : c.markets) {
    if (m.base >= c.assets.size() || m.quote >= c.assets.size() || m.base == m.quote) {
      return "market base/quote must be two different configured assets";
    }
    if (m.price_tick <= 0 || m.lot <= 0) return "price_tick and lot must be positive";
    if (m.min_qty < m.lot || m.min_qty % m.lot != 0) return "min_qty must be a lot multiple";
    if (m.max_qty < m.min_qty || m.max_qty % m.lot != 0) return "max_qty must be a lot multiple";
    if (m.max_price < m.price_tick || m.max_price % m.price_tick != 0) {
      return "max_price must be a tick multiple";
    }
    const int128_t max_notional =
        static_cast<int128_t>(m.max_price) * m.max_qty / pow10(c.assets[m.base].scale);
    if (max_notional > max_order_notional) return "max_price * max_qty exceeds max_order_notional";
    if (m.band_bps < 0 || m.band_bps >= bps_denominator) return "band_bps must be 0..9999";
    if (m.maker_fee_bps < 0 || m.maker_fee_bps > bps_denominator || m.taker_fee_bps < 0 ||
        m.taker_fee_bps > bps_denominator) {
      return "fee bps must be 0..10000";
    }
  }
  return nullptr;
}

}  // namespace mc::engine
