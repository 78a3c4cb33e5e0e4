#include "tradeledger/core/quote_normaliser.h"

#include <algorithm>

#include "common/money/decimal.h"

namespace mc::tradeledger {

namespace {

// Parses a decimal that may carry more fraction digits than `scale` (quote feeds do), dropping
// the extra digits; `round_up` rounds a dropped non-zero remainder up instead of down.
std::optional<std::int64_t> parse_truncated(std::string_view text, int scale, bool round_up) {
  bool dropped_nonzero = false;
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > static_cast<std::size_t>(scale)) {
    const std::string_view extra = text.substr(dot + 1 + static_cast<std::size_t>(scale));
    dropped_nonzero = extra.find_first_not_of('0') != std::string_view::npos;
    text = text.substr(0, scale == 0 ? dot : dot + 1 + static_cast<std::size_t>(scale));
  }
  auto v = money::parse_decimal(text, scale);
  if (!v) return std::nullopt;
  return *v + (round_up && dropped_nonzero ? 1 : 0);
}

}  // namespace

quote_normaliser::quote_normaliser(const engine::engine_config& config)
    : markets_(config), specs_(config.markets) {}

std::optional<engine::quote_tick> quote_normaliser::make_tick(
    std::string_view symbol, std::string_view bid, std::string_view ask, std::string_view bid_size,
    std::string_view ask_size, bool stale) const {
  const auto sym = markets_.find_id(symbol);
  if (!sym) return std::nullopt;
  const symbol_info& s = markets_.at(*sym);
  const engine::market_spec& m = specs_[*sym];
  auto b = parse_truncated(bid, s.quote_scale, false);
  auto a = parse_truncated(ask, s.quote_scale, true);
  if (!b || !a) return std::nullopt;
  std::int64_t bp = *b - *b % m.price_tick;
  std::int64_t ap = *a + (m.price_tick - *a % m.price_tick) % m.price_tick;
  if (bp <= 0 || ap > m.max_price || bp >= ap) return std::nullopt;
  auto size = [&](std::string_view text) -> std::int64_t {
    if (stale || text.empty()) return 0;  // a stale quote moves the price but offers nothing
    auto v = parse_truncated(text, s.base_scale, false);
    if (!v) return 0;
    std::int64_t q = std::min(*v, m.max_qty);
    q -= q % m.lot;
    return q < m.min_qty ? 0 : q;
  };
  engine::quote_tick t;
  t.symbol = *sym;
  t.bid_price = bp;
  t.ask_price = ap;
  t.bid_qty = size(bid_size);
  t.ask_qty = size(ask_size);
  return t;
}

}  // namespace mc::tradeledger
