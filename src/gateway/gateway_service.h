// The public gateway: for now its operational surface over its own PostgreSQL schema and
// Redis; auth, funding, orders and WebSockets are added here in later issues. The app owns
// dependencies and routes but no server, so the gateway binary and the monolith (which adds
// the other services' routes to the same router) mount it the same way.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "common/http/router.h"
#include "common/pg/pool.h"
#include "common/redis/async_client.h"
#include "gateway/gateway_config.h"

namespace mc::gateway {

namespace net = boost::asio;

class gateway_app {
 public:
  // Applies the gateway schema migrations (throws when they fail); connects lazily.
  explicit gateway_app(gateway_config config);

  // The gateway's own routes. Health routes are added by whoever owns the server, with a
  // readiness check that covers everything running in that process.
  void add_routes(http::router& r);

  // PostgreSQL and Redis both answer.
  net::awaitable<bool> ready();

  const gateway_config& config() const { return config_; }

 private:
  gateway_config config_;
  pg::pool db_;
  redis::async_client redis_;
};

// Entry point of the `gateway` binary: config from the environment (exit 2 when invalid),
// serve until SIGTERM/SIGINT, drain, exit 0; start-up failures exit 1 with one log line.
int main_from_env();

}  // namespace mc::gateway
