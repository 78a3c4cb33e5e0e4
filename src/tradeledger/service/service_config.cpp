// Reads the TradeLedger environment; the service JWT secret is length-checked, never echoed.
#include "tradeledger/service/service_config.h"

#include "common/log/log.h"

namespace mc::tradeledger {

service_config load_service_config(const config::env_reader& env) {
  service_config c;
  c.port = static_cast<std::uint16_t>(env.integer("TRADE_LEDGER_PORT", 8082, 0, 65535));
  c.bind_address = env.get("BIND_ADDRESS", "0.0.0.0");
  c.http_threads = static_cast<int>(env.integer("HTTP_THREADS", 2, 1, 64));
  c.postgres_url = env.url("POSTGRES_URL", "", {"postgresql", "postgres"});
  c.redis_url = env.url("REDIS_URL", "", {"redis"});
  c.service_jwt_secret = env.secret("SERVICE_JWT_SECRET", service_secret_bytes_min);
  c.migrations_dir = env.get("MIGRATIONS_DIR", "./migrations");
  c.house_liquidity = env.boolean("HOUSE_LIQUIDITY", true);
  c.log_level = env.get("LOG_LEVEL", "info");
  log::level ignored;
  if (!log::parse_level(c.log_level, ignored)) {
    throw config::config_error("LOG_LEVEL", "must be debug, info, warn or error");
  }
  c.access_log = env.boolean("HTTP_ACCESS_LOG", true);
  c.body_limit_bytes =
      static_cast<std::size_t>(env.integer("HTTP_BODY_LIMIT_BYTES", 64 * 1024, 1024, 16 << 20));
  c.batch_max = static_cast<std::size_t>(
      env.integer("TRADE_LEDGER_BATCH_MAX", static_cast<int64_t>(default_batch_max), 1, 1 << 20));
  c.outbox_stream_maxlen =
      env.integer("OUTBOX_STREAM_MAXLEN", c.outbox_stream_maxlen, 1000, 1'000'000'000);
  c.queue_max = static_cast<std::size_t>(
      env.integer("TRADE_LEDGER_QUEUE_MAX", static_cast<int64_t>(default_queue_max), 1, 1 << 24));
  c.idempotency_window = static_cast<std::size_t>(
      env.integer("TRADE_LEDGER_IDEMPOTENCY_WINDOW",
                  static_cast<int64_t>(default_idempotency_window), 0, 1 << 30));
  c.db_connections = static_cast<std::size_t>(env.integer("TRADE_LEDGER_DB_CONNECTIONS", 4, 1, 64));
  c.auth_cache_max =
      static_cast<std::size_t>(env.integer("SERVICE_TOKEN_CACHE_MAX", 4096, 1, 1 << 20));
  return c;
}

}  // namespace mc::tradeledger
