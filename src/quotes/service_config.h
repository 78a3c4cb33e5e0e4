// Settings of the quotes service, read from the environment (QUOTES_*, REDIS_URL) at start-up.
// docs/QUOTES.md lists every variable with its default.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/config/env_reader.h"
#include "quotes/quote.h"

namespace mc::quotes {

struct sim_config {
  uint64_t seed = 42;
  std::chrono::milliseconds tick_ms{250};
  double volatility = 0.8;  // annualised
  int64_t spread_bps = 1;
  int64_t size = 50000000;                      // 0.5 at size_scale
  std::map<std::string, int64_t> start_prices;  // minor units; symbols not listed use 100.00
};

struct coinbase_config {
  std::string url = "wss://ws-feed.exchange.coinbase.com";
  bool insecure_skip_verify = false;  // tests only: accept any certificate
  std::string ca_file;                // extra trust anchor (PEM); empty: system store
  std::chrono::milliseconds reconnect_min_ms{500};
  std::chrono::milliseconds reconnect_max_ms{30000};
  std::chrono::milliseconds idle_timeout_ms{10000};  // no frame for this long: reconnect
  std::chrono::milliseconds connect_timeout_ms{10000};
};

struct replay_config {
  std::string file = "data/coinbase_ticker_sample.jsonl";
  double speed = 1.0;  // 1.0 real time by message time, 2.0 twice as fast, 0 no waiting
  bool loop = true;
};

struct service_config {
  int port = 8081;
  std::string bind_address = "0.0.0.0";
  feed_source feed = feed_source::sim;
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};
  std::string redis_url = "redis://127.0.0.1:6379";
  std::chrono::milliseconds stale_ms{10000};
  size_t publish_queue_per_symbol_max = 256;
  size_t publish_batch_max = 2048;
  sim_config sim;
  coinbase_config coinbase;
  replay_config replay;
};

// Throws config::config_error naming the first bad variable.
service_config load_config(const config::env_reader& env);

// Symbols are upper-case BASE-QUOTE ("BTC-USD"): [A-Z0-9]{1,10}-[A-Z0-9]{1,10}.
bool valid_symbol(std::string_view symbol);

}  // namespace mc::quotes
