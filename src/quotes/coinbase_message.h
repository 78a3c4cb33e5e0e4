// Coinbase Exchange WebSocket messages: parsing `ticker`, `heartbeat`, `subscriptions` and
// `error` frames into values, and building the subscribe request. Shared by the live
// connector and the replay feed (recorded files hold the same frames, one per line).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quotes/quote.h"

namespace mc::quotes {

struct coinbase_ticker {
  quote q;
  std::optional<uint64_t> trade_id;  // consecutive per product: a jump means missed tickers
};

struct coinbase_heartbeat {
  std::string product_id;
  uint64_t sequence = 0;
  std::optional<uint64_t> last_trade_id;
};

struct coinbase_subscriptions {
  std::vector<std::string> product_ids;  // what the venue confirmed, any channel
};

struct coinbase_error {
  std::string message;
};

// Valid JSON of a type we do not use (e.g. "status"); ignored without counting.
struct coinbase_other {
  std::string type;
};

struct coinbase_malformed {
  std::string detail;
};

using coinbase_message = std::variant<coinbase_ticker, coinbase_heartbeat, coinbase_subscriptions,
                                      coinbase_error, coinbase_other, coinbase_malformed>;

// Parses one frame. Prices must fit price_scale and sizes size_scale exactly (trailing zeros
// past the scale are accepted, since they do not change the value); anything else is
// malformed. `received` becomes the quote's receive_time.
coinbase_message parse_coinbase_message(std::string_view text, feed_source source,
                                        timestamp received);

// {"type":"subscribe","product_ids":[...],"channels":["ticker","heartbeat"]}
std::string make_subscribe_message(const std::vector<std::string>& product_ids);

// Parses a Coinbase decimal string at `scale`; see parse_coinbase_message for the rule.
std::optional<int64_t> parse_venue_decimal(std::string_view text, int scale);

}  // namespace mc::quotes
