// The public gateway as a component: its parts (auth, rate limits, market data, the trading
// API over `ledger&`, the order stream) wired onto one router. The app owns dependencies and
// routes but no server, so the gateway binary (ledger = the remote client) and the monolith
// (ledger = the in-process core) mount the same public API the same way.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>

#include "common/http/router.h"
#include "common/http/server.h"
#include "gateway/gateway_config.h"
#include "tradeledger/api/ledger.h"

namespace mc::gateway {

namespace net = boost::asio;

class gateway_app {
 public:
  // Applies the gateway schema migrations (throws when they fail); connects lazily. Redis
  // connections are spread over `loops`, the executors of the server's event loops.
  gateway_app(gateway_config config, tradeledger::ledger& ledger,
              const std::vector<net::any_io_executor>& loops);
  ~gateway_app();
  gateway_app(const gateway_app&) = delete;
  gateway_app& operator=(const gateway_app&) = delete;

  // The public routes. Health routes are added by whoever owns the server, with a readiness
  // check that covers everything running in that process.
  void add_routes(http::router& r);

  // Background work (quote and order streams); call once the io_context is about to run.
  void start();
  // Stops the streams and closes WebSocket clients; idempotent.
  void stop();

  // PostgreSQL and Redis both answer.
  net::awaitable<bool> ready();

  const gateway_config& config() const { return config_; }

 private:
  struct parts;
  gateway_config config_;
  std::unique_ptr<parts> parts_;
};

// Settings of the public HTTP server (port, bind address, body limit) from the config.
http::server_options public_server_options(const gateway_config& config, std::string service);

// Entry point of the `gateway` binary: config from the environment (exit 2 when invalid),
// serve until SIGTERM/SIGINT, drain, exit 0; start-up failures exit 1 with one log line.
int main_from_env();

}  // namespace mc::gateway
