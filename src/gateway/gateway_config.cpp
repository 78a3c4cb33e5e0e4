// Reads the gateway's environment; secrets are length-checked and never echoed.
#include "gateway/gateway_config.h"

#include <boost/asio/ip/address.hpp>

#include "common/log/log.h"

namespace mc::gateway {

gateway_config load_gateway_config(const config::env_reader& env) {
  gateway_config c;
  c.port = static_cast<std::uint16_t>(env.port("GATEWAY_PORT", 8080));
  c.bind_address = env.get("BIND_ADDRESS", "0.0.0.0");
  c.http_threads = static_cast<int>(env.integer("HTTP_THREADS", 2, 1, 64));
  c.postgres_url = env.url("POSTGRES_URL", "", {"postgresql", "postgres"});
  c.redis_url = env.url("REDIS_URL", "", {"redis"});
  c.jwt_secret = env.secret("JWT_SECRET", 16);
  c.service_jwt_secret = env.secret("SERVICE_JWT_SECRET", 16);
  c.trade_ledger_url = env.url("TRADE_LEDGER_URL", "http://127.0.0.1:8082", {"http"});
  c.migrations_dir = env.get("MIGRATIONS_DIR", "./migrations");
  c.web_root = env.get("WEB_ROOT", "./web/dist");
  c.log_level = env.get("LOG_LEVEL", "info");
  c.symbols = env.list("QUOTES_SYMBOLS", c.symbols);
  c.ledger_timeout = env.duration_ms("GATEWAY_LEDGER_TIMEOUT_MS", c.ledger_timeout);
  c.ledger_attempts = static_cast<int>(env.integer("GATEWAY_LEDGER_ATTEMPTS", 3, 1, 10));
  c.breaker_failures = static_cast<int>(env.integer("GATEWAY_BREAKER_FAILURES", 5, 1, 1000));
  c.breaker_open = env.duration_ms("GATEWAY_BREAKER_OPEN_MS", c.breaker_open);
  constexpr std::int64_t rate_max = 1'000'000'000;
  c.rate_user_per_sec = env.integer("RATE_LIMIT_USER_PER_SEC", c.rate_user_per_sec, 1, rate_max);
  c.rate_user_burst = env.integer("RATE_LIMIT_USER_BURST", c.rate_user_burst, 1, rate_max);
  c.rate_ip_per_sec = env.integer("RATE_LIMIT_IP_PER_SEC", c.rate_ip_per_sec, 1, rate_max);
  c.rate_ip_burst = env.integer("RATE_LIMIT_IP_BURST", c.rate_ip_burst, 1, rate_max);
  c.rate_auth_per_sec = env.integer("RATE_LIMIT_AUTH_PER_SEC", c.rate_auth_per_sec, 1, rate_max);
  c.rate_auth_burst = env.integer("RATE_LIMIT_AUTH_BURST", c.rate_auth_burst, 1, rate_max);
  c.auth_hash_workers = static_cast<std::size_t>(env.integer("AUTH_HASH_WORKERS", 2, 1, 64));
  c.auth_hash_queue_max =
      static_cast<std::size_t>(env.integer("AUTH_HASH_QUEUE_MAX", 64, 1, 100'000));
  c.body_limit_bytes =
      static_cast<std::size_t>(env.integer("HTTP_BODY_LIMIT_BYTES", 65536, 1024, 64 << 20));
  c.max_connections =
      static_cast<std::size_t>(env.integer("HTTP_MAX_CONNECTIONS", 10'000, 1, 1'000'000));
  c.trusted_proxies = env.list("TRUSTED_PROXIES", {});
  for (const auto& ip : c.trusted_proxies) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(ip, ec);
    if (ec) throw config::config_error("TRUSTED_PROXIES", "not an IP address: " + ip);
  }
  log::level ignored;
  if (!log::parse_level(c.log_level, ignored)) {
    throw config::config_error("LOG_LEVEL", "must be debug, info, warn or error");
  }
  return c;
}

}  // namespace mc::gateway
