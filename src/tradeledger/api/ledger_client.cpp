// Requests are encoded as TradeLedger's internal JSON (the public body plus "user_id", amounts
// as canonical decimal strings); TradeLedger decodes them with the same validator. Answers
// come back as TradeLedger's stored answer (status + body), errors mapped by the one table.
#include "tradeledger/api/ledger_client.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <random>
#include <stdexcept>

#include "common/http/client.h"
#include "common/log/log.h"
#include "common/money/decimal.h"
#include "tradeledger/api/error_codes.h"

namespace mc::tradeledger {

namespace json = boost::json;

namespace {

command_result failure(error_code e, std::string message) {
  command_result r;
  r.error = e;
  r.status = http_status(e);
  r.message = std::move(message);
  return r;
}

// TradeLedger's answer: a success passes through; an error envelope maps back to its code.
command_result from_response(const http::client_result& res) {
  command_result r;
  r.status = res.status;
  r.body = res.body;
  if (res.status >= 200 && res.status < 300) return r;
  r.error = error_code::internal;
  boost::system::error_code ec;
  json::value doc = json::parse(res.body, ec);
  if (!ec && doc.is_object()) {
    if (const auto* err = doc.as_object().if_contains("error"); err && err->is_object()) {
      const auto& o = err->as_object();
      if (const auto* code = o.if_contains("code"); code && code->is_string()) {
        r.error = parse_api_code(code->as_string()).value_or(error_code::internal);
      }
      if (const auto* msg = o.if_contains("message"); msg && msg->is_string()) {
        r.message = std::string(msg->as_string());
      }
    }
  }
  return r;
}

std::string query_escape(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

thread_local std::minstd_rand jitter_rng{std::random_device{}()};

}  // namespace

ledger_client::ledger_client(ledger_client_options options, market_catalog markets)
    : options_(std::move(options)),
      markets_(std::move(markets)),
      minter_(options_.service_secret, "gateway"),
      breaker_(options_.breaker),
      retries_(metrics::default_registry().counter("gateway_ledger_retries_total",
                                                   "Calls to TradeLedger sent again")),
      breaker_refusals_(metrics::default_registry().counter(
          "gateway_ledger_breaker_refusals_total",
          "Calls refused at once because the TradeLedger circuit is open")),
      unknown_outcomes_(metrics::default_registry().counter(
          "gateway_ledger_outcome_unknown_total", "Writes sent to TradeLedger with no answer")),
      breaker_state_(metrics::default_registry().gauge(
          "gateway_ledger_breaker_state", "TradeLedger circuit: 0 closed, 1 open, 2 half-open")),
      call_seconds_(metrics::default_registry().histogram(
          "gateway_ledger_call_duration_seconds",
          "HTTP exchanges with TradeLedger, each attempt from sending to the whole answer")) {
  auto url = boost::urls::parse_uri(options_.url);
  if (!url || url->scheme() != "http" || url->host().empty()) {
    throw std::invalid_argument("ledger_client: url must be http://host:port");
  }
  const std::uint16_t port =
      url->has_port() ? static_cast<std::uint16_t>(url->port_number()) : std::uint16_t{80};
  http::client_options copts;
  copts.max_idle_connections = options_.max_idle_connections;
  pool_ = std::make_unique<http::client_pool>(std::string(url->host()), port, copts);
  breaker_.on_transition = [this](circuit_breaker::state s) {
    breaker_state_.set(static_cast<double>(s));
    log::warn("tradeledger circuit", {{"state", to_string(s)}});
  };
}

ledger_client::~ledger_client() = default;

net::awaitable<command_result> ledger_client::send(call c, call_context ctx) {
  if (ctx.deadline == call_context::clock::time_point::max()) {
    ctx.deadline = call_context::clock::now() + options_.default_budget;
  }
  auto backoff = options_.backoff_initial;
  const int attempts = c.retryable ? options_.max_attempts : 1;
  bool sent_once = false;  // a write that reached TradeLedger may have been applied
  command_result last = failure(error_code::unavailable, "TradeLedger is unavailable");
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (!breaker_.allow()) {
      breaker_refusals_.inc();
      command_result r = failure(error_code::unavailable, "TradeLedger is unavailable");
      if (c.write && sent_once) r = failure(error_code::outcome_unknown, last.message);
      co_return r;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        ctx.deadline - call_context::clock::now());
    if (left.count() <= 0) break;
    http::header_list headers{{"Authorization", minter_.authorization()},
                              {"Content-Type", "application/json"}};
    if (!ctx.request_id.empty()) headers.emplace_back("X-Request-ID", ctx.request_id);
    if (!c.idempotency_key.empty()) headers.emplace_back("Idempotency-Key", c.idempotency_key);
    const auto sent_at = call_context::clock::now();
    auto req = pool_->request(c.method, c.target, std::move(headers), c.body, left);
    http::client_result res = co_await std::move(req);
    call_seconds_.observe(
        std::chrono::duration<double>(call_context::clock::now() - sent_at).count());

    const bool not_sent = !res.ok && (res.error == http::client_error::connect_refused ||
                                      res.error == http::client_error::connect_failed ||
                                      res.error == http::client_error::resolve_failed);
    if (res.ok && res.status != 503 && res.status < 500) {
      breaker_.on_success();
      co_return from_response(res);
    }
    breaker_.on_failure();
    if (res.ok) {
      last = from_response(res);  // 503: TradeLedger refused it unapplied; 500: a bug there
      if (res.status == 503) last.error = error_code::unavailable;
    } else {
      sent_once = sent_once || !not_sent;
      last = failure(error_code::unavailable, "TradeLedger did not answer: " + res.error);
      log::warn("tradeledger call failed", {{"request_id", ctx.request_id},
                                            {"target", c.method + " " + c.target},
                                            {"error", res.error},
                                            {"detail", res.detail}});
    }
    if (attempt == attempts) break;
    // Full jitter: a random wait up to the current backoff, so replicas do not retry in step.
    std::uniform_int_distribution<long> pick(backoff.count() / 2, backoff.count());
    const auto wait = std::chrono::milliseconds{pick(jitter_rng)};
    if (call_context::clock::now() + wait >= ctx.deadline) break;
    retries_.inc();
    net::steady_timer timer(co_await net::this_coro::executor, wait);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    backoff = std::min(backoff * 2, options_.backoff_max);
  }
  if (c.write && sent_once && last.error != error_code::internal) {
    unknown_outcomes_.inc();
    co_return failure(error_code::outcome_unknown,
                      "TradeLedger did not answer in time; the outcome is unknown");
  }
  co_return last;
}

net::awaitable<command_result> ledger_client::place_order(place_order_request req,
                                                          call_context ctx) {
  const engine::market_spec* m = markets_.find_market(req.symbol);
  if (!m) co_return failure(error_code::invalid_symbol, "unknown symbol: " + req.symbol);
  json::object o;
  o["user_id"] = req.user_id;
  o["symbol"] = req.symbol;
  o["side"] = to_string(req.side);
  o["type"] = to_string(req.type);
  if (req.type == order_type::limit) {
    o["price"] = money::format_decimal_trimmed(req.price, markets_.asset(m->quote).scale);
  }
  o["qty"] = money::format_decimal_trimmed(req.qty, markets_.asset(m->base).scale);
  o["time_in_force"] = to_string(req.tif);
  if (req.post_only) o["post_only"] = true;
  if (!req.client_order_id.empty()) o["client_order_id"] = req.client_order_id;
  call c{"POST", "/orders", json::serialize(o), req.idempotency_key, true, true};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::topup(topup_request req, call_context ctx) {
  const engine::asset_spec* a = markets_.find_asset(req.currency);
  if (!a) co_return failure(error_code::bad_request, "unknown currency: " + req.currency);
  json::object o;
  o["user_id"] = req.user_id;
  o["currency"] = req.currency;
  o["amount"] = money::format_decimal(req.amount, a->scale);
  call c{"POST", "/topups", json::serialize(o), req.idempotency_key, true, true};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::cancel_order(cancel_order_request req,
                                                           call_context ctx) {
  call c{
      "DELETE", "/orders/" + query_escape(req.order_id) + "?user_id=" + query_escape(req.user_id),
      "",       "",
      false,    true};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::replace_order(replace_order_request req,
                                                            call_context ctx) {
  json::object o;
  o["user_id"] = req.user_id;
  if (req.price) o["price"] = *req.price;
  if (req.qty) o["qty"] = *req.qty;
  call c{"PATCH", "/orders/" + query_escape(req.order_id), json::serialize(o), "", false, true};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::get_order(std::string user_id, std::string order_id,
                                                        call_context ctx) {
  call c{"GET", "/orders/" + query_escape(order_id) + "?user_id=" + query_escape(user_id),
         "",    "",
         true,  false};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::list_orders(list_orders_query q, call_context ctx) {
  std::string target = "/orders?user_id=" + query_escape(q.user_id) +
                       "&status=" + to_string(q.status) + "&limit=" + std::to_string(q.limit);
  if (!q.symbol.empty()) target += "&symbol=" + query_escape(q.symbol);
  if (!q.cursor.empty()) target += "&cursor=" + query_escape(q.cursor);
  call c{"GET", std::move(target), "", "", true, false};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::portfolio(std::string user_id, call_context ctx) {
  call c{"GET", "/portfolio/" + query_escape(user_id), "", "", true, false};
  co_return co_await send(std::move(c), std::move(ctx));
}

net::awaitable<command_result> ledger_client::order_book(std::string symbol, int depth,
                                                         call_context ctx) {
  call c{"GET", "/orderbook/" + query_escape(symbol) + "?depth=" + std::to_string(depth),
         "",    "",
         true,  false};
  co_return co_await send(std::move(c), std::move(ctx));
}

}  // namespace mc::tradeledger
