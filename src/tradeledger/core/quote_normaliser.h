// Quote messages -> engine ticks, on the thread that receives them (the Redis subscriber):
// it owns a copy of the market facts it needs and never touches the sequencer.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/command.h"
#include "engine/market_spec.h"
#include "tradeledger/core/markets.h"

namespace mc::tradeledger {

class quote_normaliser {
 public:
  explicit quote_normaliser(const engine::engine_config& config);

  // A quote's decimal strings as an engine tick for `symbol`: prices rounded to the tick
  // inward-safe (bid down, ask up), sizes floored to the lot and clamped to the market's
  // limits (too small = 0; a stale quote offers nothing). nullopt if unusable (unknown symbol,
  // unparsable, crossed).
  std::optional<engine::quote_tick> make_tick(std::string_view symbol, std::string_view bid,
                                              std::string_view ask, std::string_view bid_size,
                                              std::string_view ask_size, bool stale) const;

 private:
  market_table markets_;
  std::vector<engine::market_spec> specs_;
};

}  // namespace mc::tradeledger
