// Shared fixture of the ledger-core integration tests: a fresh database per test, a started
// ledger_core, synchronous helpers around its coroutines, and an audit after every test.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <memory>
#include <string>

#include "support/test_env.h"
#include "tradeledger/core/audit.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/api/request_builder.h"
#include "tradeledger/core/ledger_core.h"

namespace mc::tradeledger::test {

namespace net = boost::asio;

// Runs one awaitable to completion on a private io_context and returns its value.
template <class T>
T sync(net::awaitable<T> aw) {
  net::io_context io;
  auto fut = net::co_spawn(io, std::move(aw), net::use_future);
  io.run();
  return fut.get();
}

inline boost::json::object json_of(const command_result& r) {
  return boost::json::parse(r.body).as_object();
}

inline std::string str(const boost::json::value& v) {
  return std::string(v.as_string().c_str());
}

class core_fixture : public ::testing::Test {
 protected:
  core_config make_config(bool house = true) {
    core_config c;
    c.postgres_url = db_;
    c.migrations_dir = mc::test::source_path("migrations/tradeledger");
    c.house_liquidity = house;
    c.redis_url = "";  // most tests need neither the quotes feed nor the relay
    return c;
  }

  void SetUp() override { db_ = mc::test::fresh_database(); }

  void start(bool house = true) { start_with(make_config(house)); }
  void start_with(core_config c) {
    core_ = std::make_unique<ledger_core>(std::move(c));
    core_->start();
  }

  void TearDown() override {
    if (core_) core_->stop();
    core_.reset();
    const audit_report a = run_audit(db_);
    EXPECT_TRUE(a.ok()) << a.text();
  }

  std::string new_user() { return uuids_.next(); }

  command_result topup(const std::string& user, const std::string& amount,
                       const std::string& currency = "USD", std::string key = "") {
    auto r =
        topup_from(default_markets(), user, key.empty() ? uuids_.next() : key, currency, amount);
    return sync(core_->topup(r, {}));
  }

  place_order_request order(const std::string& user, const std::string& side,
                            const std::string& type, const std::string& price,
                            const std::string& qty, const std::string& tif = "",
                            const std::string& symbol = "BTC-USD") {
    return order_from(default_markets(), user, uuids_.next(), symbol, side, type, price, qty, tif);
  }

  command_result place(const place_order_request& r) { return sync(core_->place_order(r, {})); }
  command_result limit(const std::string& user, const std::string& side, const std::string& price,
                       const std::string& qty, const std::string& tif = "") {
    return place(order(user, side, "LIMIT", price, qty, tif));
  }
  command_result cancel(const std::string& user, const std::string& id) {
    return sync(core_->cancel_order(cancel_order_request{user, id}, {}));
  }
  command_result get(const std::string& user, const std::string& id) {
    return sync(core_->get_order(user, id, {}));
  }
  boost::json::object portfolio(const std::string& user) {
    auto r = sync(core_->portfolio(user, {}));
    EXPECT_EQ(r.error, error_code::none) << r.body;
    return json_of(r);
  }
  // {available, held} of one currency from the portfolio.
  std::pair<std::string, std::string> balance(const std::string& user,
                                              const std::string& currency) {
    const auto p = portfolio(user);
    for (const auto& b : p.at("balances").as_array()) {
      const auto& o = b.as_object();
      if (str(o.at("currency")) == currency) {
        return {str(o.at("balance_available")), str(o.at("balance_hold"))};
      }
    }
    return {"?", "?"};
  }

  // A quote through the same path as the Redis feed; committed with the next command.
  void quote(const std::string& bid, const std::string& ask, const std::string& bid_size,
             const std::string& ask_size, const std::string& symbol = "BTC-USD") {
    const std::string payload =
        R"({"symbol":")" + symbol + R"(","bid":")" + bid + R"(","ask":")" + ask +
        R"(","bid_size":")" + bid_size + R"(","ask_size":")" + ask_size +
        R"(","ts":"2024-01-01T00:00:00Z","seq":1,"source":"sim","stale":false})";
    ASSERT_TRUE(core_->submit_quote(payload));
  }

  std::string db_;
  std::unique_ptr<ledger_core> core_;
  uuid_generator uuids_;
};

}  // namespace mc::tradeledger::test
