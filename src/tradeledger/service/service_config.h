// Settings of the TradeLedger service, read from the environment at start-up.
// A bad or missing value throws config::config_error naming the variable (exit 2 in main).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/config/env_reader.h"
#include "tradeledger/core/core_config.h"

namespace mc::tradeledger {

// Shortest SERVICE_JWT_SECRET we accept: HS256 keys shorter than this are guessable.
inline constexpr std::size_t service_secret_bytes_min = 16;

struct service_config {
  std::uint16_t port = 8082;                    // TRADE_LEDGER_PORT (0: ephemeral, tests)
  std::string bind_address = "0.0.0.0";         // BIND_ADDRESS
  int http_threads = 2;                         // HTTP_THREADS
  std::string postgres_url;                     // POSTGRES_URL, required
  std::string redis_url;                        // REDIS_URL, required
  std::string service_jwt_secret;               // SERVICE_JWT_SECRET, required, >= 16 bytes
  std::string migrations_dir = "./migrations";  // MIGRATIONS_DIR (contains tradeledger/)
  bool house_liquidity = true;                  // HOUSE_LIQUIDITY
  std::string log_level = "info";               // LOG_LEVEL
  bool access_log = true;                       // HTTP_ACCESS_LOG (benchmarks turn it off)
  std::size_t body_limit_bytes = 64 * 1024;     // HTTP_BODY_LIMIT_BYTES: larger → 413
  std::size_t batch_max = default_batch_max;    // TRADE_LEDGER_BATCH_MAX: commands per commit
  std::size_t queue_max = default_queue_max;    // TRADE_LEDGER_QUEUE_MAX: waiting commands
  // TRADE_LEDGER_IDEMPOTENCY_WINDOW: idempotent answers kept in memory (0 = all)
  std::size_t idempotency_window = default_idempotency_window;
  std::int64_t outbox_stream_maxlen = 100'000;  // OUTBOX_STREAM_MAXLEN: entries per event stream
  std::size_t db_connections = 4;               // TRADE_LEDGER_DB_CONNECTIONS (reads)
  std::size_t auth_cache_max = 4096;            // SERVICE_TOKEN_CACHE_MAX: verified tokens kept
};

// Throws config::config_error naming the first bad variable.
service_config load_service_config(const config::env_reader& env);

}  // namespace mc::tradeledger
