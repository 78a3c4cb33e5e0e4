// Wires the gateway's parts onto one router, and runs the gateway binary.
#include "gateway/gateway_service.h"

#include <memory>

#include "common/http/health.h"
#include "common/log/log.h"
#include "common/pg/migrate.h"
#include "common/pg/pool.h"
#include "common/redis/async_client.h"
#include "engine/market_spec.h"
#include "gateway/api/idempotency_lock.h"
#include "gateway/api/order_stream.h"
#include "gateway/auth/auth_filter.h"
#include "gateway/auth/auth_routes.h"
#include "gateway/auth/auth_service.h"
#include "gateway/market/candles_route.h"
#include "gateway/market/quote_hub.h"
#include "gateway/openapi/openapi_document.h"
#include "gateway/api/public_api.h"
#include "gateway/ratelimit/rate_limit_filter.h"
#include "gateway/ratelimit/redis_limiter.h"
#include "gateway/web/static_files.h"
#include "tradeledger/api/ledger_client.h"

namespace mc::gateway {
namespace {

redis::async_client_options redis_options() {
  redis::async_client_options options;
  options.connections = 1;  // still one on every event loop; each pipelines any number of calls
  // A request waits at most this long for Redis before the gateway falls back (rate limits)
  // or goes ahead without the lock (idempotency): Redis trouble must not stall the API.
  options.queue_wait_ms = std::chrono::milliseconds{250};
  options.client.command_timeout_ms = std::chrono::milliseconds{250};
  return options;
}

pg::pool_config pool_options(const std::string& url) {
  pg::pool_config options;
  options.url = url;
  options.connections = 4;
  return options;
}

tradeledger::market_catalog markets() {
  return tradeledger::market_catalog(engine::default_config());
}

auth::auth_options auth_settings(const gateway_config& c) {
  auth::auth_options o;
  o.jwt_secret = c.jwt_secret;
  o.hash_workers = c.auth_hash_workers;
  o.hash_queue_max = c.auth_hash_queue_max;
  return o;
}

market::quote_hub_options quote_settings(const gateway_config& c) {
  market::quote_hub_options o;
  o.redis_url = c.redis_url;
  o.symbols = c.symbols;
  return o;
}

ratelimit::limiter_options rate_limits(const gateway_config& c) {
  ratelimit::limiter_options o;
  o.user = {"user", static_cast<double>(c.rate_user_per_sec), c.rate_user_burst};
  o.ip = {"ip", static_cast<double>(c.rate_ip_per_sec), c.rate_ip_burst};
  o.auth_ip = {"auth_ip", static_cast<double>(c.rate_auth_per_sec), c.rate_auth_burst};
  return o;
}

}  // namespace

struct gateway_app::parts {
  // Redis runs on the server's event loops: a Redis call costs no thread hand-off.
  parts(const gateway_config& c, tradeledger::ledger& ledger,
        const std::vector<net::any_io_executor>& loops)
      : db(pool_options(c.postgres_url)),
        redis(loops, c.redis_url, redis_options()),
        accounts(auth_settings(c), db),
        limits(rate_limits(c)),
        limiter(loops, c.redis_url, limits),
        trading(ledger, markets(), api::public_api_options{c.ledger_timeout}),
        quotes(quote_settings(c)),
        orders(c.redis_url) {}

  pg::pool db;
  redis::async_client redis;
  auth::auth_service accounts;
  ratelimit::limiter_options limits;
  ratelimit::redis_limiter limiter;
  api::public_api trading;
  market::quote_hub quotes;
  api::order_stream orders;
};

gateway_app::gateway_app(gateway_config config, tradeledger::ledger& ledger,
                         const std::vector<net::any_io_executor>& loops)
    : config_(std::move(config)) {
  pg::migrate(config_.postgres_url, "gateway", config_.migrations_dir + "/gateway");
  parts_ = std::make_unique<parts>(config_, ledger, loops);
}

gateway_app::~gateway_app() {
  stop();
}

void gateway_app::add_routes(http::router& r) {
  parts& p = *parts_;
  const http::filter by_ip = ratelimit::limit_by_ip(p.limiter, p.limits.ip);
  auth::add_auth_routes(r, p.accounts, {ratelimit::limit_by_ip(p.limiter, p.limits.auth_ip)});
  api::route_filters filters;
  // The token first (an HMAC: a bad one costs no Redis call), then the IP and the user
  // buckets in one Redis call.
  filters.anonymous = {by_ip};
  filters.authenticated = {auth::require_user(p.accounts.verifier()),
                           ratelimit::limit_by_ip_and_user(p.limiter, p.limits.ip, p.limits.user)};
  // Money commands: the same limits and the in-flight lock in one Redis call. The lock
  // outlives the request's whole ledger budget by a second: held longer, a gateway that died
  // mid-request would keep the client's retries at 409 for no reason.
  filters.money = {
      auth::require_user(p.accounts.verifier()),
      api::require_idempotency(
          p.limiter, ratelimit::request_limits::by_ip_and_user(p.limits.ip, p.limits.user),
          {config_.ledger_timeout + std::chrono::milliseconds{1000}})};
  p.trading.add_routes(r, filters);
  p.orders.add_route(r, auth::require_user_ws(p.accounts.verifier()));
  p.quotes.add_routes(r, {by_ip});
  market::candles_options candles;
  candles.symbols = config_.symbols;
  market::add_candles_route(r, p.redis, candles, {by_ip});
  openapi::add_route(r);
  web::add_static_routes(r, config_.web_root);
}

void gateway_app::start() {
  parts_->orders.start();
}

void gateway_app::stop() {
  parts_->orders.stop();
  parts_->quotes.stop();
}

net::awaitable<bool> gateway_app::ready() {
  bool db_ok = co_await parts_->db.ping();
  bool redis_ok = co_await parts_->redis.ping();
  co_return db_ok&& redis_ok;
}

http::server_options public_server_options(const gateway_config& config, std::string service) {
  http::server_options opts;
  opts.service = std::move(service);
  opts.bind_address = config.bind_address;
  opts.port = config.port;
  opts.body_limit_bytes = config.body_limit_bytes;
  opts.trusted_proxies = config.trusted_proxies;
  opts.max_connections = config.max_connections;
  return opts;
}

int main_from_env() {
  auto config = config::load_or_exit([] { return load_gateway_config(config::env_reader{}); });
  log::level lvl = log::level::info;
  log::parse_level(config.log_level, lvl);
  log::init("gateway", lvl);
  io::event_loops loops(static_cast<unsigned>(config.http_threads));
  std::unique_ptr<tradeledger::ledger_client> ledger;
  std::unique_ptr<gateway_app> app;
  http::router router;
  std::unique_ptr<http::server> server;
  try {
    tradeledger::ledger_client_options lo;
    lo.url = config.trade_ledger_url;
    lo.service_secret = config.service_jwt_secret;
    lo.default_budget = config.ledger_timeout;
    lo.max_attempts = config.ledger_attempts;
    lo.breaker.failure_threshold = config.breaker_failures;
    lo.breaker.open_for = config.breaker_open;
    ledger = std::make_unique<tradeledger::ledger_client>(lo, markets());
    app = std::make_unique<gateway_app>(config, *ledger, loops.executors());
    app->add_routes(router);
    http::add_health_routes(
        router, [&app] { return app->ready(); }, "gateway");
    server =
        std::make_unique<http::server>(loops, public_server_options(config, "gateway"), router);
  } catch (const std::exception& e) {
    // Migration or bind failures: one clear line and a non-zero exit, not std::terminate.
    log::error("gateway failed to start", {{"error", e.what()}});
    return 1;
  }
  log::info("gateway listening", {{"port", std::to_string(server->port())}});
  app->start();
  return http::run_until_signal(loops, *server, [&]() -> net::awaitable<void> {
    app->stop();
    co_return;
  });
}

}  // namespace mc::gateway
