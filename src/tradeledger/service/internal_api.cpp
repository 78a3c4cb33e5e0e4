// Handlers of the internal API. Input problems are answered here; everything else is the
// ledger's answer, with its error_code mapped by the core's
// one table (core/render.h: api_code, http_status).
#include "tradeledger/service/internal_api.h"

#include <exception>
#include <utility>

#include "common/log/log.h"
#include "tradeledger/core/render.h"

namespace mc::tradeledger {

namespace {

http::response failure_response(const parse_failure& f, const http::request& req) {
  return http::error_response(f.status, f.code, f.message, req.request_id);
}

http::response to_response(command_result r, const http::request& req) {
  if (r.error == error_code::none) return http::json_response(r.status, std::move(r.body));
  const std::string_view code = api_code(r.error);
  return http::error_response(http_status(r.error), code,
                              r.message.empty() ? code : std::string_view(r.message),
                              req.request_id);
}

// Awaits a ledger call; an exception (a bug or a dead dependency) becomes 500, never a crash.
template <class Call>
net::awaitable<http::response> call_ledger(Call call, const http::request& req,
                                           metrics::counter& exceptions) {
  std::string what;
  try {
    command_result r = co_await call();
    co_return to_response(std::move(r), req);
  } catch (const std::exception& e) {
    what = e.what();
  }
  exceptions.inc();
  log::error("ledger call failed", {{"request_id", req.request_id}, {"error", what}});
  co_return http::error_response(500, http::code::internal_error, "internal error", req.request_id);
}

// The caller's request id travels into the ledger's logs; the caller keeps its own deadline.
call_context context(const http::request& req) {
  call_context ctx;
  ctx.request_id = req.request_id;
  return ctx;
}

// The idempotency key, or the failure to answer with.
std::variant<std::string, parse_failure> idempotency_key(const http::request& req) {
  auto key = req.header("Idempotency-Key");
  if (!key || key->empty()) {
    return parse_failure{400, "IDEMPOTENCY_KEY_REQUIRED", "Idempotency-Key header is required"};
  }
  if (!valid_idempotency_key(*key)) {
    return parse_failure{400, "BAD_REQUEST",
                         "Idempotency-Key must be 1..255 printable ASCII characters"};
  }
  return std::string(*key);
}

}  // namespace

internal_api::internal_api(ledger& core, service_token_verifier& auth,
                           const market_catalog& markets)
    : core_(core),
      auth_(auth),
      markets_(markets),
      auth_failures_(metrics::default_registry().counter(
          "tradeledger_auth_failures_total", "Internal API calls refused for a bad service token")),
      rejected_inputs_(metrics::default_registry().counter(
          "tradeledger_rejected_inputs_total", "Internal API calls refused by input validation")),
      ledger_exceptions_(metrics::default_registry().counter(
          "tradeledger_ledger_exceptions_total", "Ledger calls that threw (answered 500)")) {}

http::handler internal_api::authenticated(http::handler h) {
  return [this, h = std::move(h)](http::request& req) -> net::awaitable<http::response> {
    auto header = req.header("Authorization");
    if (auto why = auth_.check(header.value_or(std::string_view{}), unix_now_s())) {
      auth_failures_.inc();
      log::debug("service token refused", {{"request_id", req.request_id}, {"reason", *why}});
      http::response res = http::error_response(
          401, http::code::unauthorized, "a valid service token is required", req.request_id);
      res.set_header("WWW-Authenticate", "Bearer");
      co_return res;
    }
    co_return co_await h(req);
  };
}

void internal_api::add_routes(http::router& r) {
  auto bind = [this](net::awaitable<http::response> (internal_api::*fn)(http::request&)) {
    return authenticated([this, fn](http::request& req) { return (this->*fn)(req); });
  };
  r.add("POST", "/orders", bind(&internal_api::place_order));
  r.add("GET", "/orders", bind(&internal_api::list_orders));
  r.add("GET", "/orders/{id}", bind(&internal_api::get_order));
  r.add("DELETE", "/orders/{id}", bind(&internal_api::cancel_order));
  r.add("PATCH", "/orders/{id}", bind(&internal_api::replace_order));
  r.add("POST", "/topups", bind(&internal_api::topup));
  r.add("GET", "/portfolio/{user_id}", bind(&internal_api::portfolio));
  r.add("GET", "/orderbook/{symbol}", bind(&internal_api::order_book));
}

net::awaitable<http::response> internal_api::place_order(http::request& req) {
  auto key = idempotency_key(req);
  if (auto* f = std::get_if<parse_failure>(&key)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto parsed_req = parse_place_order(req.body, std::move(std::get<std::string>(key)), markets_);
  if (auto* f = std::get_if<parse_failure>(&parsed_req)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto call = [this, r = std::move(std::get<place_order_request>(parsed_req)),
               ctx = context(req)]() mutable { return core_.place_order(std::move(r), ctx); };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::topup(http::request& req) {
  auto key = idempotency_key(req);
  if (auto* f = std::get_if<parse_failure>(&key)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto parsed_req = parse_topup(req.body, std::move(std::get<std::string>(key)), markets_);
  if (auto* f = std::get_if<parse_failure>(&parsed_req)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto call = [this, r = std::move(std::get<topup_request>(parsed_req)),
               ctx = context(req)]() mutable { return core_.topup(std::move(r), ctx); };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::get_order(http::request& req) {
  std::string user = normalize_uuid(req.query_param("user_id")).value_or("");
  if (user.empty()) {
    rejected_inputs_.inc();
    co_return http::error_response(400, http::code::bad_request, "user_id must be a UUID",
                                   req.request_id);
  }
  std::string order = normalize_uuid(req.param("id")).value_or("");
  if (order.empty()) {
    co_return http::error_response(404, "ORDER_NOT_FOUND", "order not found", req.request_id);
  }
  auto call = [this, user = std::move(user), order = std::move(order),
               ctx = context(req)]() mutable {
    return core_.get_order(std::move(user), std::move(order), ctx);
  };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::cancel_order(http::request& req) {
  cancel_order_request c;
  c.user_id = normalize_uuid(req.query_param("user_id")).value_or("");
  if (c.user_id.empty()) {
    rejected_inputs_.inc();
    co_return http::error_response(400, http::code::bad_request, "user_id must be a UUID",
                                   req.request_id);
  }
  c.order_id = normalize_uuid(req.param("id")).value_or("");
  if (c.order_id.empty()) {
    co_return http::error_response(404, "ORDER_NOT_FOUND", "order not found", req.request_id);
  }
  auto call = [this, c = std::move(c), ctx = context(req)]() mutable {
    return core_.cancel_order(std::move(c), ctx);
  };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::replace_order(http::request& req) {
  std::string order = normalize_uuid(req.param("id")).value_or("");
  if (order.empty()) {
    co_return http::error_response(404, "ORDER_NOT_FOUND", "order not found", req.request_id);
  }
  auto parsed_req = parse_replace(req.body, std::move(order), markets_);
  if (auto* f = std::get_if<parse_failure>(&parsed_req)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto call = [this, r = std::move(std::get<replace_order_request>(parsed_req)),
               ctx = context(req)]() mutable { return core_.replace_order(std::move(r), ctx); };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::list_orders(http::request& req) {
  auto q = parse_list_query(req.query_param("user_id"), req.query_param("status"),
                            req.query_param("symbol"), req.query_param("limit"),
                            req.query_param("cursor"), markets_);
  if (auto* f = std::get_if<parse_failure>(&q)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto call = [this, q = std::move(std::get<list_orders_query>(q)), ctx = context(req)]() mutable {
    return core_.list_orders(std::move(q), ctx);
  };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::portfolio(http::request& req) {
  std::string user = normalize_uuid(req.param("user_id")).value_or("");
  if (user.empty()) {
    rejected_inputs_.inc();
    co_return http::error_response(400, http::code::bad_request, "user_id must be a UUID",
                                   req.request_id);
  }
  auto call = [this, user = std::move(user), ctx = context(req)]() mutable {
    return core_.portfolio(std::move(user), ctx);
  };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

net::awaitable<http::response> internal_api::order_book(http::request& req) {
  std::string symbol(req.param("symbol"));
  if (!markets_.find_market(symbol)) {
    rejected_inputs_.inc();
    co_return http::error_response(400, "INVALID_SYMBOL", "unknown symbol", req.request_id);
  }
  auto depth = parse_depth(req.query_param("depth"));
  if (auto* f = std::get_if<parse_failure>(&depth)) {
    rejected_inputs_.inc();
    co_return failure_response(*f, req);
  }
  auto call = [this, symbol = std::move(symbol), d = std::get<int>(depth),
               ctx = context(req)]() mutable {
    return core_.order_book(std::move(symbol), d, ctx);
  };
  co_return co_await call_ledger(std::move(call), req, ledger_exceptions_);
}

}  // namespace mc::tradeledger
