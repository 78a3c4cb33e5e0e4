// The public gateway: for now its operational surface (GET /health, /healthz, /readyz,
// /metrics) over its own PostgreSQL schema and Redis. Auth, funding, orders and WebSockets
// are added on this service in later issues.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

#include "common/http/router.h"
#include "common/http/server.h"
#include "common/pg/pool.h"
#include "common/redis/async_client.h"
#include "gateway/gateway_config.h"

namespace mc::gateway {

namespace net = boost::asio;

class gateway_service {
 public:
  // Applies the gateway schema migrations, connects lazily to PostgreSQL and Redis, and
  // starts listening. Throws at start-up when migrations fail.
  gateway_service(gateway_config config, net::io_context& ioc);

  http::server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }

 private:
  net::awaitable<bool> ready();

  gateway_config config_;
  pg::pool db_;
  redis::async_client redis_;
  http::router router_;
  std::unique_ptr<http::server> server_;
};

// Entry point of the `gateway` binary: config from the environment (exit 2 when invalid),
// serve until SIGTERM/SIGINT, drain, exit 0.
int main_from_env();

}  // namespace mc::gateway
