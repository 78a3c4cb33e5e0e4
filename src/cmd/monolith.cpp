// monolith: gateway, quotes and the TradeLedger core in one process on GATEWAY_PORT — the
// rollback target and the latency reference. The same modules as the split system; only the
// wiring differs: the gateway's `ledger&` is the in-process core instead of the HTTP client,
// so the monolith serves the same public API. Same database schemas as the split system, so
// an operator can switch between the two shapes without migrating data.
#include <chrono>
#include <memory>

#include "common/config/env_reader.h"
#include "common/http/health.h"
#include "common/http/server.h"
#include "common/log/log.h"
#include "gateway/gateway_service.h"
#include "quotes/quotes_service.h"
#include "tradeledger/core/ledger_core.h"
#include "tradeledger/service/tradeledger_service.h"

namespace net = boost::asio;

int main() {
  mc::log::init("monolith");
  const mc::config::env_reader env;
  const auto gateway_config =
      mc::config::load_or_exit([&] { return mc::gateway::load_gateway_config(env); });
  const auto quotes_config = mc::config::load_or_exit([&] { return mc::quotes::load_config(env); });
  const auto ledger_config =
      mc::config::load_or_exit([&] { return mc::tradeledger::load_service_config(env); });
  mc::log::level lvl = mc::log::level::info;
  mc::log::parse_level(gateway_config.log_level, lvl);
  mc::log::init("monolith", lvl);

  mc::io::event_loops loops(static_cast<unsigned>(gateway_config.http_threads));
  net::io_context& ioc = loops.main();  // quotes' feed and publisher run here
  int rc = 1;
  try {
    mc::tradeledger::ledger_core ledger(mc::tradeledger::make_core_config(ledger_config));
    ledger.start();  // migrate, recover and audit before anything is served
    mc::gateway::gateway_app gateway(gateway_config, ledger, loops.executors());
    mc::quotes::quotes_service quotes(quotes_config, ioc);

    mc::http::router router;
    gateway.add_routes(router);
    quotes.add_routes(router);
    mc::http::add_health_routes(
        router,
        [&]() -> net::awaitable<bool> {
          bool gateway_ok = co_await gateway.ready();
          bool quotes_ok = co_await quotes.ready();
          co_return gateway_ok&& quotes_ok;
        },
        "monolith");
    mc::http::server server(loops, mc::gateway::public_server_options(gateway_config, "monolith"),
                            router);
    mc::log::info("monolith listening", {{"port", std::to_string(server.port())}});
    quotes.start();
    gateway.start();
    rc = mc::http::run_until_signal(loops, server, [&]() -> net::awaitable<void> {
      gateway.stop();
      quotes.stop();
      ledger.stop();  // commits the last batch and flushes the outbox
      co_return;
    });
    // Let the feed's coroutines (on loop 0) observe the cancellation before the services go
    // away; the loop is kept alive by its work guard, so this always takes the 200 ms.
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds{200});
  } catch (const std::exception& e) {
    mc::log::error("monolith failed to start", {{"error", e.what()}});
    return 1;
  }
  mc::log::info("monolith stopped");
  return rc;
}
