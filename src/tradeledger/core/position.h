// Average-cost position math, in integer minor units. Fee rule (docs/TRADELEDGER.md): a buy's
// fee is part of its cost basis; a sell's fee reduces its proceeds. So realized P&L of a sell is
// (notional - fee) - cost basis of the quantity sold, and buying then selling at one price
// realizes exactly minus both fees.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/types.h"

namespace mc::tradeledger {

struct position {
  std::int64_t qty = 0;           // base minor units held from trading (never negative)
  std::int64_t cost_basis = 0;    // quote minor units paid for `qty`, fees included
  std::int64_t realized_pnl = 0;  // quote minor units
};

inline void apply_buy(position& p, std::int64_t qty, std::int64_t notional, std::int64_t fee) {
  p.qty += qty;
  p.cost_basis += notional + fee;
}

// The cost removed is proportional and floored; selling the whole position removes the whole
// basis, so no rounding residue is ever left behind. Base that did not come from trading (a
// deposit) has no basis: selling more than the position closes it and the excess realizes nothing.
inline void apply_sell(position& p, std::int64_t qty, std::int64_t notional, std::int64_t fee) {
  const std::int64_t closed = std::min(qty, p.qty);
  if (closed <= 0) return;
  using wide = engine::int128_t;
  const std::int64_t cost_out =
      closed == p.qty ? p.cost_basis
                      : static_cast<std::int64_t>(static_cast<wide>(p.cost_basis) * closed / p.qty);
  const std::int64_t net = notional - fee;
  const std::int64_t proceeds =
      closed == qty ? net : static_cast<std::int64_t>(static_cast<wide>(net) * closed / qty);
  p.realized_pnl += proceeds - cost_out;
  p.qty -= closed;
  p.cost_basis -= cost_out;
}

// Average cost per whole base unit, in quote minor units, floored; 0 for a flat position.
inline std::int64_t average_price(const position& p, std::int64_t base_unit) {
  if (p.qty <= 0) return 0;
  return static_cast<std::int64_t>(static_cast<engine::int128_t>(p.cost_basis) * base_unit / p.qty);
}

// Market value at `mark` (quote minor units per whole base unit), floored like a notional,
// minus the cost basis.
inline std::int64_t unrealized_pnl(const position& p, std::int64_t mark, std::int64_t base_unit) {
  const auto value =
      static_cast<std::int64_t>(static_cast<engine::int128_t>(mark) * p.qty / base_unit);
  return value - p.cost_basis;
}

}  // namespace mc::tradeledger
