// Environment -> service_config, with every value range-checked here rather than at use.
#include "quotes/service_config.h"

#include <charconv>
#include <filesystem>
#include <set>

#include "quotes/coinbase_message.h"

namespace mc::quotes {
namespace {

using config::config_error;

feed_source parse_feed(const config::env_reader& env) {
  std::string v = env.get("QUOTES_FEED", "sim");
  if (v == "sim") return feed_source::sim;
  if (v == "coinbase") return feed_source::coinbase;
  if (v == "replay") return feed_source::replay;
  throw config_error("QUOTES_FEED", "must be sim, coinbase or replay, got \"" + v + "\"");
}

// A plain non-negative decimal like "0.8" or "2" (no exponent), as a double: only for the
// simulator's volatility and the replay speed, never for prices.
double parse_ratio(const config::env_reader& env, std::string_view name, double fallback,
                   double max) {
  auto raw = env.raw(name);
  if (!raw) return fallback;
  auto micro = parse_venue_decimal(*raw, 6);
  if (!micro) throw config_error(std::string(name), "must be a non-negative decimal number");
  double v = static_cast<double>(*micro) / 1e6;
  if (v > max) throw config_error(std::string(name), "must be at most " + std::to_string(max));
  return v;
}

std::map<std::string, int64_t> parse_start_prices(const config::env_reader& env,
                                                  const std::vector<std::string>& symbols) {
  std::map<std::string, int64_t> out{{"BTC-USD", 6500000}, {"ETH-USD", 350000}};
  const std::string name = "QUOTES_SIM_START_PRICES";
  for (const auto& item : env.list(name, {})) {
    auto eq = item.find('=');
    if (eq == std::string::npos) throw config_error(name, "items must be SYMBOL=PRICE");
    std::string symbol = item.substr(0, eq);
    auto price = parse_venue_decimal(item.substr(eq + 1), price_scale);
    if (!valid_symbol(symbol)) throw config_error(name, "bad symbol \"" + symbol + "\"");
    if (!price || *price <= 0) {
      throw config_error(name, "price of " + symbol + " must be a positive decimal with at most " +
                                   std::to_string(price_scale) + " decimals");
    }
    out[symbol] = *price;
  }
  for (const auto& s : symbols) out.try_emplace(s, 10000);
  return out;
}

}  // namespace

bool valid_symbol(std::string_view s) {
  auto dash = s.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash > 10 || s.size() - dash - 1 == 0 ||
      s.size() - dash - 1 > 10) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '-' && i == dash);
    if (!ok) return false;
  }
  return true;
}

service_config load_config(const config::env_reader& env) {
  using std::chrono::milliseconds;
  service_config c;
  c.port = env.port("QUOTES_PORT", 8081);
  c.bind_address = env.get("QUOTES_BIND", "0.0.0.0");
  c.feed = parse_feed(env);
  c.symbols = env.list("QUOTES_SYMBOLS", {"BTC-USD", "ETH-USD"});
  std::set<std::string> seen;
  for (const auto& s : c.symbols) {
    if (!valid_symbol(s)) {
      throw config_error("QUOTES_SYMBOLS", "\"" + s + "\" is not a symbol like BTC-USD");
    }
    if (!seen.insert(s).second) throw config_error("QUOTES_SYMBOLS", "duplicate " + s);
  }
  c.redis_url = env.url("REDIS_URL", "redis://127.0.0.1:6379", {"redis"});
  c.stale_ms = env.duration_ms("QUOTES_STALE_MS", milliseconds{10000});
  if (c.stale_ms < milliseconds{100}) throw config_error("QUOTES_STALE_MS", "must be >= 100ms");
  c.publish_queue_per_symbol_max =
      static_cast<size_t>(env.integer("QUOTES_PUBLISH_QUEUE_MAX", 256, 1, 100000));
  c.publish_batch_max =
      static_cast<size_t>(env.integer("QUOTES_PUBLISH_BATCH_MAX", 2048, 1, 100000));

  c.sim.seed = static_cast<uint64_t>(env.integer("QUOTES_SIM_SEED", 42, 0, INT64_MAX));
  c.sim.tick_ms = env.duration_ms("QUOTES_SIM_TICK_MS", milliseconds{250});
  if (c.sim.tick_ms < milliseconds{1}) throw config_error("QUOTES_SIM_TICK_MS", "must be >= 1ms");
  c.sim.volatility = parse_ratio(env, "QUOTES_SIM_VOLATILITY", 0.8, 10.0);
  c.sim.spread_bps = env.integer("QUOTES_SIM_SPREAD_BPS", 1, 0, 1000);
  if (auto size = env.raw("QUOTES_SIM_SIZE")) {
    auto v = parse_venue_decimal(*size, size_scale);
    if (!v || *v <= 0) {
      throw config_error("QUOTES_SIM_SIZE", "must be a positive decimal with at most 8 decimals");
    }
    c.sim.size = *v;
  }
  c.sim.start_prices = parse_start_prices(env, c.symbols);

  c.coinbase.url = env.url("QUOTES_COINBASE_URL", c.coinbase.url, {"wss"});
  c.coinbase.insecure_skip_verify = env.boolean("QUOTES_COINBASE_INSECURE", false);
  c.coinbase.ca_file = env.get("QUOTES_COINBASE_CA_FILE", "");
  c.coinbase.reconnect_min_ms = env.duration_ms("QUOTES_RECONNECT_MIN_MS", milliseconds{500});
  c.coinbase.reconnect_max_ms = env.duration_ms("QUOTES_RECONNECT_MAX_MS", milliseconds{30000});
  if (c.coinbase.reconnect_min_ms < milliseconds{1} ||
      c.coinbase.reconnect_max_ms < c.coinbase.reconnect_min_ms) {
    throw config_error("QUOTES_RECONNECT_MAX_MS",
                       "needs 1ms <= QUOTES_RECONNECT_MIN_MS <= QUOTES_RECONNECT_MAX_MS");
  }
  c.coinbase.idle_timeout_ms = env.duration_ms("QUOTES_COINBASE_IDLE_MS", milliseconds{10000});
  if (c.coinbase.idle_timeout_ms < milliseconds{100}) {
    throw config_error("QUOTES_COINBASE_IDLE_MS", "must be >= 100ms");
  }

  c.replay.file = env.get("QUOTES_REPLAY_FILE", c.replay.file);
  if (c.feed == feed_source::replay && !std::filesystem::is_regular_file(c.replay.file)) {
    throw config_error("QUOTES_REPLAY_FILE", "no such file: " + c.replay.file);
  }
  c.replay.speed = parse_ratio(env, "QUOTES_REPLAY_SPEED", 1.0, 1000.0);
  c.replay.loop = env.boolean("QUOTES_REPLAY_LOOP", true);
  return c;
}

}  // namespace mc::quotes
