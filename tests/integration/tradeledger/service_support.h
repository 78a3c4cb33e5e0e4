// Helpers for the TradeLedger service tests: an in-process service on an ephemeral port
// against a fresh database and the test Redis, blocking HTTP calls carrying a service token,
// request bodies, quote publishing and JSON accessors.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/http/message.h"
#include "tradeledger/api/service_auth.h"
#include "tradeledger/service/tradeledger_service.h"

namespace mc::test::tl {

namespace net = boost::asio;

inline constexpr std::string_view service_secret = "integration-test-service-secret-0123";

struct reply {
  int status = 0;  // 0: transport failure (see body)
  std::string body;
  boost::json::value json;  // parsed body (null when not JSON)
  http::header_list headers;

  // {"error":{"code":...}} → code; "" otherwise.
  std::string error_code() const;
  std::string str(std::string_view key) const;  // top-level string field, "" if absent
};

// Base settings for a test service: port 0, fresh database, test Redis, quiet access log.
tradeledger::service_config test_config(std::string postgres_url = {});

class running_service {
 public:
  explicit running_service(tradeledger::service_config config = test_config(), int threads = 2);
  ~running_service();
  running_service(const running_service&) = delete;
  running_service& operator=(const running_service&) = delete;

  std::uint16_t port() const { return svc_->port(); }
  tradeledger::tradeledger_service& service() { return *svc_; }
  const tradeledger::service_config& config() const { return config_; }
  // Graceful stop (what SIGTERM does); the destructor calls it too.
  void stop();

  // HTTP calls with a valid service token (unless `authorization` overrides it).
  reply call(std::string method, std::string target, std::string body = {},
             http::header_list headers = {});
  reply get(std::string target) { return call("GET", std::move(target)); }
  reply post(std::string target, std::string body, std::string idempotency_key);
  reply del(std::string target) { return call("DELETE", std::move(target)); }

  std::string authorization() { return minter_.authorization(); }

 private:
  tradeledger::service_config config_;
  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::unique_ptr<tradeledger::tradeledger_service> svc_;
  std::vector<std::thread> threads_;
  tradeledger::service_token_minter minter_;
  bool stopped_ = false;
};

// Blocking request to 127.0.0.1:port (no token added).
reply raw_call(std::uint16_t port, std::string method, std::string target, std::string body,
               http::header_list headers);

std::string new_uuid();
std::string unique_key(std::string_view prefix = "k");

std::string topup_body(std::string_view user, std::string_view amount,
                       std::string_view currency = "USD");
// price "" → no price field (MARKET); tif "" → no time_in_force field.
std::string order_body(std::string_view user, std::string_view side, std::string_view type,
                       std::string_view price, std::string_view qty, std::string_view tif = "",
                       std::string_view symbol = "BTC-USD");

// Publishes a quote on quotes:<symbol> (the shape the Quotes service publishes).
void publish_quote(std::string_view symbol, std::string_view bid, std::string_view ask,
                   std::string_view size, std::int64_t seq);

// From a portfolio body: a balance field of `currency` ("balance_available", ...), "" if absent.
std::string balance(const reply& portfolio, std::string_view currency,
                    std::string_view field = "balance_available");

// Exact decimal → minor units at `scale` (test arithmetic; asserts on bad input).
std::int64_t minor(std::string_view decimal, int scale);

// Polls `pred` every 20 ms for up to `timeout_ms`.
template <class Pred>
bool eventually(Pred pred, int timeout_ms = 5000) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace mc::test::tl
