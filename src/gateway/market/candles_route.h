// GET /api/candles?symbol=&interval=1m|5m|1h&limit=: the candles the Quotes service keeps in
// Redis (closed ones in the list candles:<SYMBOL>:<interval>, the open one in the hash
// candles:open), oldest first, the open candle last.
#pragma once

#include <string>
#include <vector>

#include "common/http/router.h"

namespace mc::redis {
class async_client;
}

namespace mc::gateway::market {

struct candles_options {
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};
  std::string key_prefix = "candles:";  // as Quotes writes (quotes/candle_store.h)
  std::string open_key = "candles:open";
  int default_limit = 300;
  int max_limit = 1000;  // Quotes keeps 1000 closed candles per series
};

// `redis` must outlive the router.
void add_candles_route(http::router& r, redis::async_client& redis, candles_options options,
                       const http::filter_list& filters);

}  // namespace mc::gateway::market
