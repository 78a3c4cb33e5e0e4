// TradeLedger configuration from the environment: defaults, and one named error per bad value.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tradeledger/service/service_config.h"

namespace mc::tradeledger {
namespace {

using env_map = std::map<std::string, std::string, std::less<>>;

env_map minimal() {
  return {{"POSTGRES_URL", "postgresql://u@127.0.0.1:5432/db"},
          {"REDIS_URL", "redis://127.0.0.1:6379"},
          {"SERVICE_JWT_SECRET", "0123456789abcdef"}};
}

service_config load(const env_map& m) {
  return load_service_config(config::env_reader(config::map_env(m)));
}

std::string failing_variable(env_map m) {
  try {
    load(m);
  } catch (const config::config_error& e) {
    return e.variable();
  }
  return "";
}

TEST(ServiceConfig, Defaults) {
  const service_config c = load(minimal());
  EXPECT_EQ(c.port, 8082);
  EXPECT_EQ(c.bind_address, "0.0.0.0");
  EXPECT_EQ(c.http_threads, 2);
  EXPECT_EQ(c.migrations_dir, "./migrations");
  EXPECT_TRUE(c.house_liquidity);
  EXPECT_TRUE(c.access_log);
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.batch_max, default_batch_max);
  EXPECT_EQ(c.idempotency_window, default_idempotency_window);
  EXPECT_EQ(c.queue_max, default_queue_max);
}

TEST(ServiceConfig, Overrides) {
  env_map m = minimal();
  m["TRADE_LEDGER_PORT"] = "9000";
  m["HOUSE_LIQUIDITY"] = "false";
  m["HTTP_THREADS"] = "4";
  m["TRADE_LEDGER_BATCH_MAX"] = "250";
  m["TRADE_LEDGER_IDEMPOTENCY_WINDOW"] = "0";
  const service_config c = load(m);
  EXPECT_EQ(c.port, 9000);
  EXPECT_FALSE(c.house_liquidity);
  EXPECT_EQ(c.http_threads, 4);
  EXPECT_EQ(c.batch_max, 250u);
  EXPECT_EQ(c.idempotency_window, 0u);
}

TEST(ServiceConfig, EachBadValueNamesItsVariable) {
  for (const char* required : {"POSTGRES_URL", "REDIS_URL", "SERVICE_JWT_SECRET"}) {
    env_map m = minimal();
    m.erase(required);
    EXPECT_EQ(failing_variable(m), required);
  }
  const std::map<std::string, std::string> bad = {
      {"SERVICE_JWT_SECRET", "short"},
      {"TRADE_LEDGER_PORT", "70000"},
      {"HTTP_THREADS", "0"},
      {"HOUSE_LIQUIDITY", "maybe"},
      {"LOG_LEVEL", "loud"},
      {"POSTGRES_URL", "mysql://x/y"},
      {"REDIS_URL", "http://x"},
      {"TRADE_LEDGER_BATCH_MAX", "0"},
      {"TRADE_LEDGER_IDEMPOTENCY_WINDOW", "-1"},
      {"TRADE_LEDGER_QUEUE_MAX", "-1"},
  };
  for (const auto& [name, value] : bad) {
    env_map m = minimal();
    m[name] = value;
    EXPECT_EQ(failing_variable(m), name) << name << "=" << value;
  }
}

}  // namespace
}  // namespace mc::tradeledger
