// Reads the gateway's environment; secrets are length-checked and never echoed.
#include "gateway/gateway_config.h"

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
  c.log_level = env.get("LOG_LEVEL", "info");
  log::level ignored;
  if (!log::parse_level(c.log_level, ignored)) {
    throw config::config_error("LOG_LEVEL", "must be debug, info, warn or error");
  }
  return c;
}

}  // namespace mc::gateway
