// The TradeLedger service as a component: the ledger core plus its internal HTTP API,
// service-token auth and health routes. The tradeledger binary runs it alone
// (main_from_env); the monolith embeds it on its own io_context and may call api() directly.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>

#include "common/http/router.h"
#include "common/http/server.h"
#include "common/pg/pool.h"
#include "common/redis/async_client.h"
#include "tradeledger/core/ledger_core.h"
#include "tradeledger/api/ledger.h"
#include "tradeledger/service/internal_api.h"
#include "tradeledger/api/request_parser.h"
#include "tradeledger/api/service_auth.h"
#include "tradeledger/service/service_config.h"

namespace mc::tradeledger {

namespace net = boost::asio;

// The ledger core's settings derived from the service's (migrations_dir/tradeledger etc.).
core_config make_core_config(const service_config& config);

class tradeledger_service {
 public:
  // Builds everything; nothing touches PostgreSQL or the network until start(). The server
  // runs on `ioc`, or spreads its connections over `loops` (the binary's way, see
  // io/event_loops.h).
  tradeledger_service(service_config config, net::io_context& ioc);
  tradeledger_service(service_config config, io::event_loops& loops);
  ~tradeledger_service();  // stop()
  tradeledger_service(const tradeledger_service&) = delete;
  tradeledger_service& operator=(const tradeledger_service&) = delete;

  // Migrates, recovers the ledger from PostgreSQL, starts its threads, then binds and listens
  // on config.port (requests are served once the io_context runs). Throws on failure.
  void start();
  // Stops accepting and closes idle connections, then stops the core: everything queued is
  // committed and answered, the outbox is flushed. Idempotent; safe from any thread.
  void stop();
  // The graceful path for a running io_context: waits (bounded) for in-flight requests to
  // finish before stopping the core.
  net::awaitable<void> shutdown();

  ledger& api() { return *core_; }
  ledger_core& core() { return *core_; }
  http::server& server() { return *server_; }
  std::uint16_t port() const;  // the bound port, after start()
  const service_config& config() const { return config_; }

  // PostgreSQL and Redis answer, and the core is running.
  net::awaitable<bool> ready();

 private:
  tradeledger_service(service_config config,
                      std::function<std::unique_ptr<http::server>(http::server_options)> serve);

  service_config config_;
  std::function<std::unique_ptr<http::server>(http::server_options)> make_server_;
  market_catalog markets_;
  service_token_verifier verifier_;
  std::unique_ptr<ledger_core> core_;
  http::router router_;
  internal_api api_;
  pg::pool ready_db_;
  redis::async_client ready_redis_;
  std::unique_ptr<http::server> server_;
  std::atomic<bool> stopped_{false};
};

// Entry point of the tradeledger binary:
//   tradeledger          serve until SIGTERM/SIGINT, drain, exit 0
//   tradeledger audit    audit the committed ledger; print the report; exit 0 clean, 1 not
//   tradeledger migrate  apply the tradeledger schema migrations and exit 0
// Configuration comes from the environment; a bad value prints one line and exits 2.
int main_from_env(int argc, char** argv);

}  // namespace mc::tradeledger
