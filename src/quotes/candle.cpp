// Candle arithmetic: bucket starts are floor(t / interval) * interval, so every candle of an
// interval starts on a UTC boundary and all replicas agree on the buckets.
#include "quotes/candle.h"

#include <algorithm>

#include "common/money/decimal.h"
#include "quotes/time_format.h"

namespace mc::quotes {

std::string_view to_string(candle_interval i) noexcept {
  switch (i) {
    case candle_interval::m1:
      return "1m";
    case candle_interval::m5:
      return "5m";
    case candle_interval::h1:
      return "1h";
  }
  return "?";
}

std::optional<candle_interval> parse_candle_interval(std::string_view text) noexcept {
  for (auto i : all_candle_intervals) {
    if (to_string(i) == text) return i;
  }
  return std::nullopt;
}

int64_t interval_seconds(candle_interval i) noexcept {
  switch (i) {
    case candle_interval::m1:
      return 60;
    case candle_interval::m5:
      return 300;
    case candle_interval::h1:
      return 3600;
  }
  return 60;
}

int64_t mid_price(int64_t bid, int64_t ask) noexcept {
  return (bid + ask + 1) / 2;
}

namespace {
int64_t bucket_start(int64_t unix_s, int64_t len) {
  int64_t q = unix_s / len;
  if (unix_s % len < 0) --q;  // floor for times before 1970 (not expected; kept exact)
  return q * len;
}
}  // namespace

std::string to_json(const candle& c) {
  std::string out = "{\"t\":" + std::to_string(c.start_s) + ",\"start\":\"";
  const timestamp start{std::chrono::seconds{c.start_s}};
  // Whole seconds: drop the ".000" of the millisecond form.
  std::string when = format_rfc3339_ms(start);
  if (when.size() > 5 && when.compare(when.size() - 5, 5, ".000Z") == 0) {
    when.erase(when.size() - 5, 4);
  }
  out += when;
  out += "\",\"open\":\"" + money::format_decimal(c.open, price_scale);
  out += "\",\"high\":\"" + money::format_decimal(c.high, price_scale);
  out += "\",\"low\":\"" + money::format_decimal(c.low, price_scale);
  out += "\",\"close\":\"" + money::format_decimal(c.close, price_scale);
  out += "\",\"ticks\":" + std::to_string(c.ticks) + "}";
  return out;
}

void candle_aggregator::add(const std::string& symbol, int64_t unix_s, int64_t mid,
                            std::vector<candle_update>& out) {
  for (auto i : all_candle_intervals) {
    const int64_t start = bucket_start(unix_s, interval_seconds(i));
    auto key = std::make_pair(symbol, i);
    auto it = open_.find(key);
    if (it != open_.end() && start < it->second.start_s) continue;  // late quote
    if (it != open_.end() && start > it->second.start_s) {
      out.push_back({symbol, i, it->second, true});
      open_.erase(it);
      it = open_.end();
    }
    if (it == open_.end()) {
      it = open_.emplace(std::move(key), candle{start, mid, mid, mid, mid, 0}).first;
    }
    candle& c = it->second;
    c.high = std::max(c.high, mid);
    c.low = std::min(c.low, mid);
    c.close = mid;
    ++c.ticks;
    out.push_back({symbol, i, c, false});
  }
}

std::optional<candle> candle_aggregator::open_candle(const std::string& symbol,
                                                     candle_interval i) const {
  auto it = open_.find(std::make_pair(symbol, i));
  if (it == open_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mc::quotes
