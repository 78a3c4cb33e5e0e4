// Implementation of the TradeLedger service test helpers.
#include "service_support.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>

#include "common/http/client.h"
#include "common/money/decimal.h"
#include "common/redis/client.h"
#include "support/test_env.h"

namespace mc::test::tl {

namespace json = boost::json;

std::string reply::error_code() const {
  if (!json.is_object()) return "";
  const auto* e = json.get_object().if_contains("error");
  if (!e || !e->is_object()) return "";
  const auto* c = e->get_object().if_contains("code");
  return c && c->is_string() ? std::string(c->get_string()) : "";
}

std::string reply::str(std::string_view key) const {
  if (!json.is_object()) return "";
  const auto* v = json.get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

tradeledger::service_config test_config(std::string postgres_url) {
  tradeledger::service_config c;
  c.port = 0;
  c.bind_address = "127.0.0.1";
  c.postgres_url = postgres_url.empty() ? fresh_database() : std::move(postgres_url);
  c.redis_url = redis_url();
  c.service_jwt_secret = std::string(service_secret);
  c.migrations_dir = source_path("migrations");
  c.access_log = false;
  return c;
}

running_service::running_service(tradeledger::service_config config, int threads)
    : config_(std::move(config)),
      ioc_(threads),
      work_(net::make_work_guard(ioc_)),
      minter_(std::string(service_secret), "tests") {
  svc_ = std::make_unique<tradeledger::tradeledger_service>(config_, ioc_);
  svc_->start();
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

running_service::~running_service() {
  stop();
}

void running_service::stop() {
  if (stopped_) return;
  stopped_ = true;
  svc_->stop();
  work_.reset();
  // Let connections close on their own; cut whatever is left after a grace period.
  std::atomic<bool> done{false};
  std::thread killer([&] {
    for (int i = 0; i < 250 && !done.load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ioc_.stop();
  });
  for (auto& t : threads_) t.join();
  done = true;
  killer.join();
}

reply raw_call(std::uint16_t port, std::string method, std::string target, std::string body,
               http::header_list headers) {
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  http::client_result r =
      http::request_blocking("127.0.0.1", port, std::move(method), std::move(target),
                             std::move(headers), std::move(body), std::chrono::seconds(30));
  reply out;
  if (!r.ok) {
    out.body = r.error + ": " + r.detail;
    return out;
  }
  out.status = r.status;
  out.body = std::move(r.body);
  out.headers = std::move(r.headers);
  boost::system::error_code ec;
  out.json = json::parse(out.body, ec);
  if (ec) out.json = nullptr;
  return out;
}

reply running_service::call(std::string method, std::string target, std::string body,
                            http::header_list headers) {
  bool has_auth = false;
  for (const auto& [k, v] : headers) has_auth = has_auth || http::iequals(k, "Authorization");
  if (!has_auth) headers.emplace_back("Authorization", minter_.authorization());
  return raw_call(port(), std::move(method), std::move(target), std::move(body),
                  std::move(headers));
}

reply running_service::post(std::string target, std::string body, std::string idempotency_key) {
  http::header_list h;
  if (!idempotency_key.empty()) h.emplace_back("Idempotency-Key", std::move(idempotency_key));
  return call("POST", std::move(target), std::move(body), std::move(h));
}

std::string new_uuid() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t a, b;
  {
    std::lock_guard lock(mutex);
    a = rng();
    b = rng();
  }
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string unique_key(std::string_view prefix) {
  return std::string(prefix) + "-" + new_uuid();
}

std::string topup_body(std::string_view user, std::string_view amount, std::string_view currency) {
  json::object o{{"user_id", user}, {"amount", amount}, {"currency", currency}};
  return json::serialize(o);
}

std::string order_body(std::string_view user, std::string_view side, std::string_view type,
                       std::string_view price, std::string_view qty, std::string_view tif,
                       std::string_view symbol) {
  json::object o{
      {"user_id", user}, {"symbol", symbol}, {"side", side}, {"type", type}, {"qty", qty}};
  if (!price.empty()) o["price"] = price;
  if (!tif.empty()) o["time_in_force"] = tif;
  return json::serialize(o);
}

void publish_quote(std::string_view symbol, std::string_view bid, std::string_view ask,
                   std::string_view size, std::int64_t seq) {
  json::object q{{"symbol", symbol},
                 {"bid", bid},
                 {"ask", ask},
                 {"bid_size", size},
                 {"ask_size", size},
                 {"last", bid},
                 {"ts", "2026-11-24T00:00:00.000Z"},
                 {"seq", seq},
                 {"source", "test"},
                 {"stale", false}};
  redis::client c(redis_url());
  const std::string channel = "quotes:" + std::string(symbol);
  // Retry until the ledger's subscriber is listening (it connects asynchronously at start).
  for (int i = 0; i < 250; ++i) {
    redis::reply r = c.command({"PUBLISH", channel, json::serialize(q)});
    if (r.type == redis::reply_type::integer && r.integer > 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "nobody subscribed to " << channel;
}

std::string balance(const reply& portfolio, std::string_view currency, std::string_view field) {
  if (!portfolio.json.is_object()) return "";
  const auto* b = portfolio.json.get_object().if_contains("balances");
  if (!b || !b->is_array()) return "";
  for (const auto& item : b->get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    const auto* c = o.if_contains("currency");
    if (c && c->is_string() && c->get_string() == currency) {
      const auto* v = o.if_contains(field);
      return v && v->is_string() ? std::string(v->get_string()) : "";
    }
  }
  return "";
}

std::int64_t minor(std::string_view decimal, int scale) {
  auto v = money::parse_decimal(decimal, scale, true);
  EXPECT_TRUE(v.has_value()) << decimal;
  return v.has_value() ? *v : 0;
}

}  // namespace mc::test::tl
