// TradeLedger's internal HTTP API (the gateway's only way in): routes on the common router,
// each guarded by the service token, validated strictly, then handed to the ledger.
// Endpoints, decisions and error codes: src/tradeledger/service/README.md.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "common/http/router.h"
#include "common/metrics/metrics.h"
#include "tradeledger/api/ledger.h"
#include "tradeledger/api/request_parser.h"
#include "tradeledger/api/service_auth.h"

namespace mc::tradeledger {

class internal_api {
 public:
  // All three must outlive the router the routes are added to.
  internal_api(ledger& core, service_token_verifier& auth, const market_catalog& markets);

  // POST /orders, GET /orders, GET /orders/{id}, DELETE /orders/{id}, POST /topups,
  // GET /portfolio/{user_id}, GET /orderbook/{symbol}. Health routes are added separately.
  void add_routes(http::router& r);

 private:
  // Runs `h` only for a caller with a valid service token; 401 UNAUTHORIZED otherwise.
  http::handler authenticated(http::handler h);

  net::awaitable<http::response> place_order(http::request& req);
  net::awaitable<http::response> get_order(http::request& req);
  net::awaitable<http::response> list_orders(http::request& req);
  net::awaitable<http::response> cancel_order(http::request& req);
  net::awaitable<http::response> replace_order(http::request& req);
  net::awaitable<http::response> topup(http::request& req);
  net::awaitable<http::response> portfolio(http::request& req);
  net::awaitable<http::response> order_book(http::request& req);

  ledger& core_;
  service_token_verifier& auth_;
  const market_catalog& markets_;
  metrics::counter& auth_failures_;
  metrics::counter& rejected_inputs_;
  metrics::counter& ledger_exceptions_;
};

}  // namespace mc::tradeledger
