// OHLC candles of the mid price, per symbol and interval (1m, 5m, 1h), built from the checked
// quotes. Pure: no I/O, no clock; the caller passes each quote's time. Exact integers only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quotes/quote.h"

namespace mc::quotes {

enum class candle_interval { m1, m5, h1 };
inline constexpr std::array all_candle_intervals{candle_interval::m1, candle_interval::m5,
                                                 candle_interval::h1};

std::string_view to_string(candle_interval i) noexcept;  // "1m", "5m", "1h"
std::optional<candle_interval> parse_candle_interval(std::string_view text) noexcept;
int64_t interval_seconds(candle_interval i) noexcept;

// The mid price (bid + ask) / 2 in minor units (cents), rounded half up: a half cent goes up,
// so 100.00 / 100.01 gives 100.01. Quotes are positive, so (bid + ask + 1) / 2 is exactly that.
int64_t mid_price(int64_t bid, int64_t ask) noexcept;

struct candle {
  int64_t start_s = 0;  // unix seconds, a multiple of the interval (UTC-aligned)
  int64_t open = 0;     // minor units, price_scale
  int64_t high = 0;
  int64_t low = 0;
  int64_t close = 0;
  uint64_t ticks = 0;  // quotes folded in

  bool operator==(const candle&) const = default;
};

// {"t":<unix s>,"start":"RFC 3339","open","high","low","close" (decimal strings),"ticks"}.
std::string to_json(const candle& c);

struct candle_update {
  std::string symbol;
  candle_interval interval = candle_interval::m1;
  candle c;
  bool closed = false;  // true: final (its interval ended); false: the open candle, as of now
};

class candle_aggregator {
 public:
  // Folds one mid price at `unix_s` into every interval of `symbol`. Appends to `out`, per
  // interval, the candle this quote closed (if its bucket ended) and then the open candle.
  // A quote older than the open candle's bucket is ignored: closed candles never change.
  // Intervals without quotes get no candle (no flat fill-ins), as on most venues.
  void add(const std::string& symbol, int64_t unix_s, int64_t mid, std::vector<candle_update>& out);

  std::optional<candle> open_candle(const std::string& symbol, candle_interval i) const;

 private:
  std::map<std::pair<std::string, candle_interval>, candle> open_;
};

}  // namespace mc::quotes
