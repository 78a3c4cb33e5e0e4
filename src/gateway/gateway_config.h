// Gateway configuration, read from the environment and validated at start-up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>
#include <string>

#include "common/config/env_reader.h"

namespace mc::gateway {

struct gateway_config {
  std::uint16_t port = 8080;
  std::string bind_address = "0.0.0.0";
  int http_threads = 2;
  std::string postgres_url;
  std::string redis_url;
  std::string jwt_secret;
  std::string service_jwt_secret;
  std::string trade_ledger_url;
  std::string migrations_dir;
  std::string web_root;  // WEB_ROOT: the built console (web/dist), served at /
  std::string log_level = "info";
  std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};  // QUOTES_SYMBOLS

  // TradeLedger calls: deadline, retries, circuit breaker.
  std::chrono::milliseconds ledger_timeout{5000};
  int ledger_attempts = 3;
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_open{2000};

  // Token buckets (requests per second and burst): per user and per IP on /api, per IP on
  // /auth/*.
  std::int64_t rate_user_per_sec = 20, rate_user_burst = 40;
  std::int64_t rate_ip_per_sec = 50, rate_ip_burst = 100;
  std::int64_t rate_auth_per_sec = 5, rate_auth_burst = 10;

  // Password hashing pool (argon2id).
  std::size_t auth_hash_workers = 2;
  std::size_t auth_hash_queue_max = 64;

  std::size_t body_limit_bytes = 65536;  // HTTP_BODY_LIMIT_BYTES: larger bodies get 413
  // HTTP_MAX_CONNECTIONS: open connections (WebSockets included); beyond it 503 and close.
  std::size_t max_connections = 10'000;

  // TRUSTED_PROXIES: addresses of the load balancers in front of the gateway (comma-separated
  // IPs). Their X-Forwarded-For gives the client address for the per-IP rate limit; empty:
  // the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
};

// Throws config::config_error naming the first bad variable.
gateway_config load_gateway_config(const config::env_reader& env);

}  // namespace mc::gateway
