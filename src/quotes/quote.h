// The one normalised quote type every feed produces, and its JSON form (the payload of
// `PUBLISH quotes:<SYMBOL>`, the snapshot in Redis and GET /quotes). Exact integers only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mc::quotes {

// Prices are USD with cents (Coinbase's BTC-USD and ETH-USD tick is 0.01); sizes are base
// currency units with 8 decimals (satoshi). Values with more decimals are rejected, not rounded.
inline constexpr int price_scale = 2;
inline constexpr int size_scale = 8;

using clock = std::chrono::system_clock;
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

enum class feed_source { sim, coinbase, replay };

std::string_view to_string(feed_source s) noexcept;

struct quote {
  std::string symbol;  // "BTC-USD"
  int64_t bid = 0;     // minor units, price_scale
  int64_t ask = 0;
  int64_t bid_size = 0;  // minor units, size_scale
  int64_t ask_size = 0;
  int64_t last = 0;           // last trade price; 0 when the feed has none yet
  timestamp exchange_time{};  // when the venue (or simulator) stamped it
  timestamp receive_time{};   // when this process received it
  feed_source source = feed_source::sim;
  uint64_t sequence = 0;  // venue sequence, increasing per symbol

  bool operator==(const quote&) const = default;
};

// {"symbol","bid","ask","last","bid_size","ask_size","ts","recv_ts","seq","source","stale"}:
// decimal strings, ts/recv_ts RFC 3339 UTC with milliseconds, seq a JSON number.
std::string to_json(const quote& q, bool stale);

// Appends the same object to `out` (the publisher reuses one buffer per batch).
void append_json(std::string& out, const quote& q, bool stale);

}  // namespace mc::quotes
