// load_config: defaults, every variable, and one clear error per bad value.
#include <gtest/gtest.h>

#include "quotes/service_config.h"

namespace mc::quotes {
namespace {

service_config load(std::map<std::string, std::string, std::less<>> env) {
  return load_config(config::env_reader(config::map_env(std::move(env))));
}

std::string error_variable(std::map<std::string, std::string, std::less<>> env) {
  try {
    load(std::move(env));
  } catch (const config::config_error& e) {
    return e.variable();
  }
  return "no error";
}

TEST(QuoteConfig, Defaults) {
  auto c = load({});
  EXPECT_EQ(c.port, 8081);
  EXPECT_EQ(c.feed, feed_source::sim);
  EXPECT_EQ(c.symbols, (std::vector<std::string>{"BTC-USD", "ETH-USD"}));
  EXPECT_EQ(c.redis_url, "redis://127.0.0.1:6379");
  EXPECT_EQ(c.stale_ms, std::chrono::milliseconds{10000});
  EXPECT_EQ(c.sim.seed, 42u);
  EXPECT_EQ(c.sim.tick_ms, std::chrono::milliseconds{250});
  EXPECT_EQ(c.sim.start_prices.at("BTC-USD"), 6500000);
  EXPECT_EQ(c.coinbase.url, "wss://ws-feed.exchange.coinbase.com");
  EXPECT_FALSE(c.coinbase.insecure_skip_verify);
  EXPECT_EQ(c.replay.speed, 1.0);
  EXPECT_TRUE(c.replay.loop);
}

TEST(QuoteConfig, ReadsEverything) {
  auto c = load({{"QUOTES_PORT", "9001"},
                 {"QUOTES_FEED", "coinbase"},
                 {"QUOTES_SYMBOLS", "BTC-USD, SOL-USD"},
                 {"REDIS_URL", "redis://10.0.0.5:6380/2"},
                 {"QUOTES_STALE_MS", "3s"},
                 {"QUOTES_SIM_SEED", "7"},
                 {"QUOTES_SIM_TICK_MS", "10"},
                 {"QUOTES_SIM_VOLATILITY", "1.25"},
                 {"QUOTES_SIM_SPREAD_BPS", "3"},
                 {"QUOTES_SIM_SIZE", "0.25"},
                 {"QUOTES_SIM_START_PRICES", "SOL-USD=150.5"},
                 {"QUOTES_COINBASE_URL", "wss://127.0.0.1:9443/ws"},
                 {"QUOTES_COINBASE_INSECURE", "true"},
                 {"QUOTES_COINBASE_CA_FILE", "/tmp/ca.pem"},
                 {"QUOTES_RECONNECT_MIN_MS", "50"},
                 {"QUOTES_RECONNECT_MAX_MS", "1s"},
                 {"QUOTES_REPLAY_SPEED", "0"},
                 {"QUOTES_REPLAY_LOOP", "false"}});
  EXPECT_EQ(c.port, 9001);
  EXPECT_EQ(c.feed, feed_source::coinbase);
  EXPECT_EQ(c.symbols, (std::vector<std::string>{"BTC-USD", "SOL-USD"}));
  EXPECT_EQ(c.stale_ms, std::chrono::milliseconds{3000});
  EXPECT_EQ(c.sim.seed, 7u);
  EXPECT_EQ(c.sim.tick_ms, std::chrono::milliseconds{10});
  EXPECT_DOUBLE_EQ(c.sim.volatility, 1.25);
  EXPECT_EQ(c.sim.spread_bps, 3);
  EXPECT_EQ(c.sim.size, 25000000);
  EXPECT_EQ(c.sim.start_prices.at("SOL-USD"), 15050);
  EXPECT_EQ(c.coinbase.url, "wss://127.0.0.1:9443/ws");
  EXPECT_TRUE(c.coinbase.insecure_skip_verify);
  EXPECT_EQ(c.coinbase.ca_file, "/tmp/ca.pem");
  EXPECT_EQ(c.coinbase.reconnect_min_ms, std::chrono::milliseconds{50});
  EXPECT_EQ(c.coinbase.reconnect_max_ms, std::chrono::milliseconds{1000});
  EXPECT_EQ(c.replay.speed, 0.0);
  EXPECT_FALSE(c.replay.loop);
}

TEST(QuoteConfig, RejectsBadValuesNamingTheVariable) {
  EXPECT_EQ(error_variable({{"QUOTES_FEED", "kraken"}}), "QUOTES_FEED");
  EXPECT_EQ(error_variable({{"QUOTES_SYMBOLS", "btc-usd"}}), "QUOTES_SYMBOLS");
  EXPECT_EQ(error_variable({{"QUOTES_SYMBOLS", "BTC-USD,BTC-USD"}}), "QUOTES_SYMBOLS");
  EXPECT_EQ(error_variable({{"QUOTES_SYMBOLS", "BTCUSD"}}), "QUOTES_SYMBOLS");
  EXPECT_EQ(error_variable({{"QUOTES_PORT", "70000"}}), "QUOTES_PORT");
  EXPECT_EQ(error_variable({{"REDIS_URL", "http://x"}}), "REDIS_URL");
  EXPECT_EQ(error_variable({{"QUOTES_STALE_MS", "10"}}), "QUOTES_STALE_MS");
  EXPECT_EQ(error_variable({{"QUOTES_SIM_TICK_MS", "0"}}), "QUOTES_SIM_TICK_MS");
  EXPECT_EQ(error_variable({{"QUOTES_SIM_VOLATILITY", "-1"}}), "QUOTES_SIM_VOLATILITY");
  EXPECT_EQ(error_variable({{"QUOTES_SIM_SIZE", "0"}}), "QUOTES_SIM_SIZE");
  EXPECT_EQ(error_variable({{"QUOTES_SIM_START_PRICES", "BTC-USD=1.001"}}),
            "QUOTES_SIM_START_PRICES");
  EXPECT_EQ(error_variable({{"QUOTES_SIM_START_PRICES", "BTC-USD"}}), "QUOTES_SIM_START_PRICES");
  EXPECT_EQ(error_variable({{"QUOTES_COINBASE_URL", "ws://plain"}}), "QUOTES_COINBASE_URL");
  EXPECT_EQ(error_variable({{"QUOTES_RECONNECT_MIN_MS", "5s"}, {"QUOTES_RECONNECT_MAX_MS", "1s"}}),
            "QUOTES_RECONNECT_MAX_MS");
  EXPECT_EQ(error_variable({{"QUOTES_FEED", "replay"}, {"QUOTES_REPLAY_FILE", "/no/such/file"}}),
            "QUOTES_REPLAY_FILE");
  EXPECT_EQ(error_variable({{"QUOTES_REPLAY_SPEED", "fast"}}), "QUOTES_REPLAY_SPEED");
}

TEST(QuoteConfig, SymbolShape) {
  EXPECT_TRUE(valid_symbol("BTC-USD"));
  EXPECT_TRUE(valid_symbol("1INCH-USDT"));
  EXPECT_FALSE(valid_symbol("-USD"));
  EXPECT_FALSE(valid_symbol("BTC-"));
  EXPECT_FALSE(valid_symbol("BTC-USD-X"));
  EXPECT_FALSE(valid_symbol("BTC_USD"));
  EXPECT_FALSE(valid_symbol("BTC-\"USD"));
}

}  // namespace
}  // namespace mc::quotes
