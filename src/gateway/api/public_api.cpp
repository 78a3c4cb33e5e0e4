#include "gateway/api/public_api.h"

#include <exception>

#include "common/log/log.h"
#include "tradeledger/api/error_codes.h"
#include "tradeledger/api/ids.h"

namespace mc::gateway::api {

namespace tl = mc::tradeledger;

namespace {

http::response refused(const tl::parse_failure& f, const http::request& req) {
  return http::error_response(f.status, f.code, f.message, req.request_id);
}

http::response order_not_found(const http::request& req) {
  return http::error_response(404, "ORDER_NOT_FOUND", "order not found", req.request_id);
}

// Awaits a ledger call; an exception (a bug) becomes 500, never a dropped connection.
template <class Call>
net::awaitable<http::response> answer(Call call, const http::request& req) {
  std::string what;
  try {
    auto pending = call();
    tl::command_result r = co_await std::move(pending);
    co_return to_public_response(r, req);
  } catch (const std::exception& e) {
    what = e.what();
  }
  log::error("ledger call threw", {{"request_id", req.request_id}, {"error", what}});
  co_return http::error_response(500, http::code::internal_error, "internal error", req.request_id);
}

}  // namespace

http::response to_public_response(const tl::command_result& r, const http::request& req) {
  if (r.error == tl::error_code::none) return http::json_response(200, r.body);
  const char* code = tl::api_code(r.error);
  const std::string message = r.message.empty() ? std::string(code) : r.message;
  return http::error_response(tl::http_status(r.error), code, message, req.request_id);
}

public_api::public_api(tl::ledger& ledger, tl::market_catalog markets, public_api_options options)
    : ledger_(ledger), markets_(std::move(markets)), options_(options) {}

tl::call_context public_api::context(const http::request& req) const {
  return tl::call_context::within(options_.ledger_timeout, req.request_id);
}

void public_api::add_routes(http::router& r, const route_filters& filters) {
  auto bind = [this](net::awaitable<http::response> (public_api::*fn)(http::request&)) {
    return [this, fn](http::request& req) { return (this->*fn)(req); };
  };
  const http::filter_list& money = filters.money;
  r.add("POST", "/api/fund/topup", bind(&public_api::topup), money);
  r.add("POST", "/api/orders", bind(&public_api::place_order), money);
  r.add("GET", "/api/orders", bind(&public_api::list_orders), filters.authenticated);
  r.add("GET", "/api/orders/{id}", bind(&public_api::get_order), filters.authenticated);
  r.add("DELETE", "/api/orders/{id}", bind(&public_api::cancel_order), filters.authenticated);
  r.add("PATCH", "/api/orders/{id}", bind(&public_api::replace_order), filters.authenticated);
  r.add("GET", "/api/portfolio", bind(&public_api::portfolio), filters.authenticated);
  // Public market data: no account needed.
  r.add("GET", "/api/orderbook/{symbol}", bind(&public_api::order_book), filters.anonymous);
}

net::awaitable<http::response> public_api::topup(http::request& req) {
  auto parsed = tl::parse_topup(req.body, std::string(req.header("Idempotency-Key").value_or("")),
                                markets_, req.principal);
  if (auto* f = std::get_if<tl::parse_failure>(&parsed)) co_return refused(*f, req);
  auto call = [this, r = std::move(std::get<tl::topup_request>(parsed)),
               ctx = context(req)]() mutable { return ledger_.topup(std::move(r), ctx); };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::place_order(http::request& req) {
  auto parsed = tl::parse_place_order(
      req.body, std::string(req.header("Idempotency-Key").value_or("")), markets_, req.principal);
  if (auto* f = std::get_if<tl::parse_failure>(&parsed)) co_return refused(*f, req);
  auto call = [this, r = std::move(std::get<tl::place_order_request>(parsed)),
               ctx = context(req)]() mutable { return ledger_.place_order(std::move(r), ctx); };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::get_order(http::request& req) {
  auto order = tl::normalize_uuid(req.param("id"));
  if (!order) co_return order_not_found(req);
  auto call = [this, user = req.principal, id = std::move(*order), ctx = context(req)]() mutable {
    return ledger_.get_order(std::move(user), std::move(id), ctx);
  };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::list_orders(http::request& req) {
  auto parsed =
      tl::parse_list_query(req.principal, req.query_param("status"), req.query_param("symbol"),
                           req.query_param("limit"), req.query_param("cursor"), markets_);
  if (auto* f = std::get_if<tl::parse_failure>(&parsed)) co_return refused(*f, req);
  auto call = [this, q = std::move(std::get<tl::list_orders_query>(parsed)),
               ctx = context(req)]() mutable { return ledger_.list_orders(std::move(q), ctx); };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::cancel_order(http::request& req) {
  auto order = tl::normalize_uuid(req.param("id"));
  if (!order) co_return order_not_found(req);
  auto call = [this, c = tl::cancel_order_request{req.principal, std::move(*order)},
               ctx = context(req)]() mutable { return ledger_.cancel_order(std::move(c), ctx); };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::replace_order(http::request& req) {
  auto order = tl::normalize_uuid(req.param("id"));
  if (!order) co_return order_not_found(req);
  auto parsed = tl::parse_replace(req.body, std::move(*order), markets_, req.principal);
  if (auto* f = std::get_if<tl::parse_failure>(&parsed)) co_return refused(*f, req);
  auto call = [this, r = std::move(std::get<tl::replace_order_request>(parsed)),
               ctx = context(req)]() mutable { return ledger_.replace_order(std::move(r), ctx); };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::portfolio(http::request& req) {
  auto call = [this, user = req.principal, ctx = context(req)]() mutable {
    return ledger_.portfolio(std::move(user), ctx);
  };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

net::awaitable<http::response> public_api::order_book(http::request& req) {
  std::string symbol(req.param("symbol"));
  if (!markets_.find_market(symbol)) {
    co_return http::error_response(400, "INVALID_SYMBOL", "unknown symbol", req.request_id);
  }
  auto depth = tl::parse_depth(req.query_param("depth"));
  if (auto* f = std::get_if<tl::parse_failure>(&depth)) co_return refused(*f, req);
  auto call = [this, symbol = std::move(symbol), d = std::get<int>(depth),
               ctx = context(req)]() mutable {
    return ledger_.order_book(std::move(symbol), d, ctx);
  };
  auto pending = answer(std::move(call), req);
  co_return co_await std::move(pending);
}

}  // namespace mc::gateway::api
