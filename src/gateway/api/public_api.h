// The public trading API (API.md: funding, orders, portfolio, order book) over the `ledger`
// interface: the remote client in the split system, the in-process core in the monolith — the
// same handlers either way. Requests are checked by the one validator (api/request_parser.h)
// with the caller taken from the access token, never from the body; answers are rendered from
// the ledger's (for money commands: TradeLedger's stored answer, so a replay is byte-identical).
#pragma once

#include <chrono>

#include "common/http/router.h"
#include "tradeledger/api/ledger.h"
#include "tradeledger/api/request_parser.h"

namespace mc::gateway::api {

namespace net = boost::asio;

struct public_api_options {
  // How long a request waits for TradeLedger before answering 503.
  std::chrono::milliseconds ledger_timeout{5000};
};

// The routes' middleware, outermost first (built by the service from its auth, rate-limit and
// idempotency parts).
struct route_filters {
  http::filter_list anonymous;      // public market data, e.g. the IP limit
  http::filter_list authenticated;  // e.g. require_user, then the IP and user limits
  // Top-up and order placement: e.g. require_user, then require_idempotency (the same limits
  // and the in-flight lock in one Redis call).
  http::filter_list money;
};

class public_api {
 public:
  public_api(tradeledger::ledger& ledger, tradeledger::market_catalog markets,
             public_api_options options = {});

  void add_routes(http::router& r, const route_filters& filters);

 private:
  net::awaitable<http::response> topup(http::request& req);
  net::awaitable<http::response> place_order(http::request& req);
  net::awaitable<http::response> get_order(http::request& req);
  net::awaitable<http::response> list_orders(http::request& req);
  net::awaitable<http::response> cancel_order(http::request& req);
  net::awaitable<http::response> replace_order(http::request& req);
  net::awaitable<http::response> portfolio(http::request& req);
  net::awaitable<http::response> order_book(http::request& req);

  tradeledger::call_context context(const http::request& req) const;

  tradeledger::ledger& ledger_;
  tradeledger::market_catalog markets_;
  public_api_options options_;
};

// The public answer of a ledger result: success as 200 with the ledger's body (API.md: the
// first release's clients expect 200, not 201), errors in the API.md envelope with their code.
http::response to_public_response(const tradeledger::command_result& r, const http::request& req);

}  // namespace mc::gateway::api
