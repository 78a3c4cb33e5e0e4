// Gateway configuration, read from the environment and validated at start-up.
#pragma once

#include <cstdint>
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
  std::string log_level = "info";
};

// Throws config::config_error naming the first bad variable.
gateway_config load_gateway_config(const config::env_reader& env);

}  // namespace mc::gateway
