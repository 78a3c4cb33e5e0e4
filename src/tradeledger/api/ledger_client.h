// The remote `ledger`: TradeLedger's internal HTTP API behind the same interface the monolith
// calls in process. Keep-alive connection pool, a deadline on every call, retries with
// jittered exponential backoff only where repeating is harmless (reads, and writes that carry
// an idempotency key, which TradeLedger answers from its stored record), a circuit breaker that
// refuses at once while TradeLedger is down, and the gateway's service token on every call.
// Outcomes: `unavailable` when the request certainly did not reach TradeLedger (refused
// connection, breaker open, TradeLedger's own 503), `outcome_unknown` when a write was sent
// but no answer came back in time.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "common/metrics/metrics.h"
#include "tradeledger/api/circuit_breaker.h"
#include "tradeledger/api/ledger.h"
#include "tradeledger/api/request_parser.h"
#include "tradeledger/api/service_auth.h"

namespace mc::http {
class client_pool;
}

namespace mc::tradeledger {

struct ledger_client_options {
  std::string url = "http://127.0.0.1:8082";  // http://host:port
  std::string service_secret;                 // HS256 key of service tokens
  // Used when the caller's context has no deadline.
  std::chrono::milliseconds default_budget{5000};
  int max_attempts = 3;  // first try included; only for retryable calls
  std::chrono::milliseconds backoff_initial{20};
  std::chrono::milliseconds backoff_max{250};
  circuit_breaker::options breaker;
  std::size_t max_idle_connections = 64;  // per event loop of the callers
};

class ledger_client final : public ledger {
 public:
  // Throws std::invalid_argument for a malformed url. Calls may come from any event loop; each
  // loop keeps its own connections (http::client_pool).
  ledger_client(ledger_client_options options, market_catalog markets);
  ~ledger_client() override;

  net::awaitable<command_result> place_order(place_order_request req, call_context ctx) override;
  net::awaitable<command_result> cancel_order(cancel_order_request req, call_context ctx) override;
  net::awaitable<command_result> replace_order(replace_order_request req,
                                               call_context ctx) override;
  net::awaitable<command_result> topup(topup_request req, call_context ctx) override;
  net::awaitable<command_result> get_order(std::string user_id, std::string order_id,
                                           call_context ctx) override;
  net::awaitable<command_result> list_orders(list_orders_query query, call_context ctx) override;
  net::awaitable<command_result> portfolio(std::string user_id, call_context ctx) override;
  net::awaitable<command_result> order_book(std::string symbol, int depth,
                                            call_context ctx) override;

  circuit_breaker& breaker() { return breaker_; }

 private:
  struct call {
    std::string method;
    std::string target;
    std::string body;
    std::string idempotency_key;
    bool retryable = false;  // repeating it cannot apply it twice
    bool write = false;      // a lost answer means outcome_unknown, not unavailable
  };
  net::awaitable<command_result> send(call c, call_context ctx);

  ledger_client_options options_;
  market_catalog markets_;
  std::unique_ptr<http::client_pool> pool_;
  service_token_minter minter_;
  circuit_breaker breaker_;
  metrics::counter& retries_;
  metrics::counter& breaker_refusals_;
  metrics::counter& unknown_outcomes_;
  metrics::gauge& breaker_state_;
  // Each HTTP exchange with TradeLedger, from sending to the whole answer (or the failure):
  // compared with TradeLedger's own http_request_duration_seconds, it is the hop's cost.
  metrics::histogram& call_seconds_;
};

}  // namespace mc::tradeledger
