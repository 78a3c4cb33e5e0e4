// Wires the gateway's dependencies and routes.
#include "gateway/gateway_service.h"

#include "common/http/health.h"
#include "common/log/log.h"
#include "common/pg/migrate.h"

namespace mc::gateway {

namespace {

redis::async_client_options redis_options() {
  redis::async_client_options options;
  options.connections = 2;
  return options;
}

pg::pool_config pool_options(const std::string& url) {
  pg::pool_config options;
  options.url = url;
  options.connections = 4;
  return options;
}

}  // namespace

gateway_service::gateway_service(gateway_config config, net::io_context& ioc)
    : config_(std::move(config)),
      db_(pool_options(config_.postgres_url)),
      redis_(config_.redis_url, redis_options()) {
  pg::migrate(config_.postgres_url, "gateway", config_.migrations_dir + "/gateway");

  // Also serves the first release's GET /health -> {"status":"healthy"} (API.md).
  http::add_health_routes(router_, [this] { return ready(); }, "gateway");

  http::server_options opts;
  opts.service = "gateway";
  opts.bind_address = config_.bind_address;
  opts.port = config_.port;
  server_ = std::make_unique<http::server>(ioc, opts, router_);
}

net::awaitable<bool> gateway_service::ready() {
  bool db_ok = co_await db_.ping();
  bool redis_ok = co_await redis_.ping();
  co_return db_ok && redis_ok;
}

int main_from_env() {
  auto config = config::load_or_exit([] { return load_gateway_config(config::env_reader{}); });
  log::level lvl = log::level::info;
  log::parse_level(config.log_level, lvl);
  log::init("gateway", lvl);
  net::io_context ioc;
  std::unique_ptr<gateway_service> service;
  try {
    service = std::make_unique<gateway_service>(config, ioc);
  } catch (const std::exception& e) {
    // Migration or bind failures: one clear line, then a non-zero exit (not std::terminate).
    log::error("gateway failed to start", {{"error", e.what()}});
    return 1;
  }
  log::info("gateway listening", {{"port", std::to_string(service->port())}});
  return http::run_until_signal(ioc, service->server(), static_cast<unsigned>(config.http_threads));
}

}  // namespace mc::gateway
