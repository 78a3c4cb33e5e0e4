// Wires the gateway's dependencies and routes, and runs the gateway binary.
#include "gateway/gateway_service.h"

#include <memory>

#include "common/http/health.h"
#include "common/http/server.h"
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

gateway_app::gateway_app(gateway_config config)
    : config_(std::move(config)),
      db_(pool_options(config_.postgres_url)),
      redis_(config_.redis_url, redis_options()) {
  pg::migrate(config_.postgres_url, "gateway", config_.migrations_dir + "/gateway");
}

void gateway_app::add_routes(http::router&) {
  // The public API (auth, funding, quotes, orders, portfolio, WebSockets) lands here in
  // later issues; GET /health -> {"status":"healthy"} comes with the health routes.
}

net::awaitable<bool> gateway_app::ready() {
  bool db_ok = co_await db_.ping();
  bool redis_ok = co_await redis_.ping();
  co_return db_ok&& redis_ok;
}

int main_from_env() {
  auto config = config::load_or_exit([] { return load_gateway_config(config::env_reader{}); });
  log::level lvl = log::level::info;
  log::parse_level(config.log_level, lvl);
  log::init("gateway", lvl);
  net::io_context ioc;
  std::unique_ptr<gateway_app> app;
  http::router router;
  std::unique_ptr<http::server> server;
  try {
    app = std::make_unique<gateway_app>(config);
    app->add_routes(router);
    http::add_health_routes(
        router, [&app] { return app->ready(); }, "gateway");
    http::server_options opts;
    opts.service = "gateway";
    opts.bind_address = config.bind_address;
    opts.port = config.port;
    server = std::make_unique<http::server>(ioc, opts, router);
  } catch (const std::exception& e) {
    // Migration or bind failures: one clear line and a non-zero exit, not std::terminate.
    log::error("gateway failed to start", {{"error", e.what()}});
    return 1;
  }
  log::info("gateway listening", {{"port", std::to_string(server->port())}});
  return http::run_until_signal(ioc, *server, static_cast<unsigned>(config.http_threads));
}

}  // namespace mc::gateway
