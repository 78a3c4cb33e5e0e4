// Composition of the TradeLedger service: core, HTTP server, auth, readiness.
#include "tradeledger/service/tradeledger_service.h"

#include "common/http/health.h"
#include "common/log/log.h"

namespace mc::tradeledger {

namespace {

constexpr std::size_t readiness_connections = 1;

pg::pool_config readiness_pool(const service_config& c) {
  pg::pool_config pc;
  pc.url = c.postgres_url;
  pc.connections = readiness_connections;
  pc.queue_max = 16;
  return pc;
}

redis::async_client_options readiness_redis() {
  redis::async_client_options o;
  o.connections = readiness_connections;
  o.queue_max = 16;
  return o;
}

}  // namespace

core_config make_core_config(const service_config& c) {
  core_config cc;
  cc.postgres_url = c.postgres_url;
  cc.redis_url = c.redis_url;
  cc.migrations_dir = c.migrations_dir.empty() ? "" : c.migrations_dir + "/tradeledger";
  cc.house_liquidity = c.house_liquidity;
  cc.batch_max = c.batch_max;
  cc.queue_max = c.queue_max;
  cc.idempotency_window = c.idempotency_window;
  cc.outbox_stream_maxlen = c.outbox_stream_maxlen;
  cc.read_connections = c.db_connections;
  return cc;
}

tradeledger_service::tradeledger_service(service_config config, net::io_context& ioc)
    : tradeledger_service(std::move(config), [this, &ioc](http::server_options o) {
        return std::make_unique<http::server>(ioc, std::move(o), router_);
      }) {}

tradeledger_service::tradeledger_service(service_config config, io::event_loops& loops)
    : tradeledger_service(std::move(config), [this, &loops](http::server_options o) {
        return std::make_unique<http::server>(loops, std::move(o), router_);
      }) {}

tradeledger_service::tradeledger_service(
    service_config config, std::function<std::unique_ptr<http::server>(http::server_options)> serve)
    : config_(std::move(config)),
      make_server_(std::move(serve)),
      markets_(engine::default_config()),
      verifier_(config_.service_jwt_secret, config_.auth_cache_max),
      core_(std::make_unique<ledger_core>(make_core_config(config_))),
      api_(*core_, verifier_, markets_),
      ready_db_(readiness_pool(config_)),
      ready_redis_(config_.redis_url, readiness_redis()) {
  api_.add_routes(router_);
  http::add_health_routes(
      router_, [this]() -> net::awaitable<bool> { co_return co_await ready(); }, "tradeledger");
}

tradeledger_service::~tradeledger_service() {
  stop();
}

void tradeledger_service::start() {
  core_->start();
  http::server_options opts;
  opts.service = "tradeledger";
  opts.bind_address = config_.bind_address;
  opts.port = config_.port;
  opts.body_limit_bytes = config_.body_limit_bytes;
  opts.access_log = config_.access_log;
  server_ = make_server_(std::move(opts));
  log::info("tradeledger listening", {{"port", std::to_string(server_->port())},
                                      {"house_liquidity", config_.house_liquidity ? "on" : "off"}});
}

void tradeledger_service::stop() {
  if (stopped_.exchange(true)) return;
  if (server_) server_->stop();
  core_->stop();
}

net::awaitable<void> tradeledger_service::shutdown() {
  if (server_) co_await server_->shutdown();
  stop();
}

std::uint16_t tradeledger_service::port() const {
  return server_ ? server_->port() : 0;
}

net::awaitable<bool> tradeledger_service::ready() {
  if (!core_->running()) co_return false;
  const bool db = co_await ready_db_.ping();
  const bool cache = co_await ready_redis_.ping();
  co_return db&& cache;
}

}  // namespace mc::tradeledger
