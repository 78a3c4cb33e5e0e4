// The gateway's trading routes over the in-process ledger (the monolith's wiring) with real
// PostgreSQL and Redis: answers rendered from the ledger's, the idempotency lock across
// requests, and what happens when Redis is away. The auth part is replaced by a test filter
// that takes the caller from a header, so these tests see only the trading routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/redis/client.h"
#include "gateway/api/idempotency_lock.h"
#include "gateway/api/public_api.h"
#include "gateway/ratelimit/redis_limiter.h"
#include "support/test_env.h"
#include "tradeledger/api/ids.h"
#include "tradeledger/api/request_builder.h"
#include "tradeledger/core/ledger_core.h"

namespace mc::gateway::api {
namespace {

namespace tl = mc::tradeledger;

// The caller from "X-Test-User" (the real gateway takes it from the access token). A plain
// function returning the next handler's awaitable: no coroutine frame of its own.
net::awaitable<http::response> as_test_user(http::request& req, const http::handler& next) {
  const auto user = req.header("X-Test-User");
  req.principal.assign(user ? *user : std::string_view{});
  return next(req);
}

http::filter test_user() {
  return as_test_user;
}

class PublicApi : public ::testing::Test {
 protected:
  void SetUp() override {
    tl::core_config c;
    c.postgres_url = mc::test::fresh_database();
    c.migrations_dir = mc::test::source_path("migrations/tradeledger");
    c.redis_url = "";
    c.house_liquidity = false;
    core_ = std::make_unique<tl::ledger_core>(c);
    core_->start();
    // Limits no test reaches: these tests are about the lock the limiter's script takes.
    ratelimit::limiter_options lo;
    lo.ip = {"ip", 1e6, 1'000'000};
    lo.user = {"user", 1e6, 1'000'000};
    limiter_ = std::make_unique<ratelimit::redis_limiter>(mc::test::redis_url(), lo);
    api_ = std::make_unique<public_api>(*core_, tl::default_markets());
    route_filters filters;
    filters.authenticated = {test_user()};
    filters.money = {
        test_user(),
        require_idempotency(*limiter_, ratelimit::request_limits::by_ip_and_user(lo.ip, lo.user))};
    api_->add_routes(routes_, filters);
    http::server_options o;
    o.access_log = false;
    server_ = std::make_unique<http::server>(ioc_, o, routes_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    server_->stop();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    core_->stop();
  }

  http::client_result post(const std::string& user, const std::string& target,
                           const std::string& body, const std::string& key) {
    http::header_list h{{"X-Test-User", user}, {"Content-Type", "application/json"}};
    if (!key.empty()) h.emplace_back("Idempotency-Key", key);
    return http::request_blocking("127.0.0.1", server_->port(), "POST", target, h, body);
  }
  std::string available_usd(const std::string& user) {
    auto r = http::request_blocking("127.0.0.1", server_->port(), "GET", "/api/portfolio",
                                    {{"X-Test-User", user}});
    const boost::json::value doc = boost::json::parse(r.body);
    for (const auto& b : doc.at("balances").as_array()) {
      if (b.at("currency") == "USD") return std::string(b.at("balance_available").as_string());
    }
    return "none";
  }
  static std::string code(const http::client_result& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
  }

  net::io_context ioc_;
  http::router routes_;
  std::unique_ptr<tl::ledger_core> core_;
  std::unique_ptr<ratelimit::redis_limiter> limiter_;
  std::unique_ptr<public_api> api_;
  std::unique_ptr<http::server> server_;
  std::vector<std::thread> threads_;
  tl::uuid_generator ids_;
};

TEST_F(PublicApi, AnswersWith200AndReplaysByteForByte) {
  const auto u = ids_.next();
  auto first = post(u, "/api/fund/topup", R"({"amount":"100.00"})", "k1");
  ASSERT_EQ(first.status, 200) << first.body;
  auto again = post(u, "/api/fund/topup", R"({"amount": "100.0"})", "k1");  // respelled
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(code(post(u, "/api/fund/topup", R"({"amount":"101.00"})", "k1")), "IDEM_MISMATCH");
  EXPECT_EQ(code(post(u, "/api/fund/topup", R"({"amount":"1.00"})", "")),
            "IDEMPOTENCY_KEY_REQUIRED");
  // A body naming a user is refused: the caller comes from the token only.
  EXPECT_EQ(code(post(u, "/api/fund/topup", R"({"amount":"1.00","user_id":")" + ids_.next() + "\"}",
                      "k2")),
            "BAD_REQUEST");
  EXPECT_EQ(available_usd(u), "100.00");

  auto order =
      post(u, "/api/orders",
           R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50.00","qty":"0.05234567"})",
           "o1");
  ASSERT_EQ(order.status, 200) << order.body;  // the first release's clients check 200
  EXPECT_EQ(std::string(boost::json::parse(order.body).at("status").as_string()), "NEW");
}

// While another request holds the key (its lock is in Redis), a second one gets 409 at once.
TEST_F(PublicApi, KeyInFlightIsRefusedWith409) {
  const auto u = ids_.next();
  redis::client direct(mc::test::redis_url());
  ASSERT_TRUE(direct.command({"SET", "idem:" + u + ":busy", "someone-else", "PX", "30000"}).ok());
  auto r = post(u, "/api/fund/topup", R"({"amount":"5.00"})", "busy");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(code(r), "IDEM_IN_PROGRESS");
  EXPECT_EQ(available_usd(u), "0.00");  // nothing applied
  // The lock belongs to someone else: it is still there.
  EXPECT_EQ(direct.command({"GET", "idem:" + u + ":busy"}).str, "someone-else");
  // A request releases its own lock without waiting for Redis, but on the key's own Redis
  // connection, ahead of the retry's SET NX: a replay sent the moment the answer arrives is
  // served, never refused with 409. (Each round: answer, then the replay at once.)
  for (int i = 0; i < 20; ++i) {
    const std::string key = "free" + std::to_string(i);
    auto first = post(u, "/api/fund/topup", R"({"amount":"5.00"})", key);
    ASSERT_EQ(first.status, 200) << first.body;
    auto replay = post(u, "/api/fund/topup", R"({"amount":"5.00"})", key);
    EXPECT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.body, first.body);
  }
  // And the lock is gone (seen from another connection, so not necessarily at once).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!direct.command({"GET", "idem:" + u + ":free19"}).is_nil() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(direct.command({"GET", "idem:" + u + ":free19"}).is_nil());
  EXPECT_EQ(available_usd(u), "100.00");  // 20 top-ups of 5.00, each applied once
}

TEST_F(PublicApi, EightConcurrentSameKeyRequestsHaveOneEffect) {
  const auto u = ids_.next();
  std::vector<std::future<http::client_result>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [&] {
      return post(u, "/api/fund/topup", R"({"amount":"10.00"})", "same");
    }));
  }
  int ok = 0, in_progress = 0;
  std::string body;
  for (auto& f : replies) {
    auto r = f.get();
    if (r.status == 200) {
      ++ok;
      if (body.empty()) body = r.body;
      EXPECT_EQ(r.body, body);
    } else {
      EXPECT_EQ(code(r), "IDEM_IN_PROGRESS");
      ++in_progress;
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_EQ(ok + in_progress, 8);
  EXPECT_EQ(available_usd(u), "10.00");
}

// Redis away: the lock is skipped (logged, counted), the limits are local, the request is
// served, and TradeLedger's record still makes a retry with the same key a replay.
TEST_F(PublicApi, WithoutRedisRequestsAreServedAndStillIdempotent) {
  const auto u = ids_.next();
  ASSERT_EQ(mc::test::infra("stop-redis"), 0);
  auto first = post(u, "/api/fund/topup", R"({"amount":"7.00"})", "k");
  auto again = post(u, "/api/fund/topup", R"({"amount":"7.00"})", "k");
  ASSERT_EQ(mc::test::infra("start-redis"), 0);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(available_usd(u), "7.00");
}

TEST_F(PublicApi, OrdersOfAnotherUserAreNotFound) {
  const auto a = ids_.next(), b = ids_.next();
  ASSERT_EQ(post(a, "/api/fund/topup", R"({"amount":"100.00"})", "k").status, 200);
  auto placed =
      post(a, "/api/orders",
           R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50","qty":"1"})", "o");
  ASSERT_EQ(placed.status, 200) << placed.body;
  const std::string id(boost::json::parse(placed.body).at("order_id").as_string());
  for (const char* method : {"GET", "DELETE"}) {
    auto r = http::request_blocking("127.0.0.1", server_->port(), method, "/api/orders/" + id,
                                    {{"X-Test-User", b}});
    EXPECT_EQ(r.status, 404) << method;
    EXPECT_EQ(code(r), "ORDER_NOT_FOUND");
  }
  auto mine = http::request_blocking("127.0.0.1", server_->port(), "DELETE", "/api/orders/" + id,
                                     {{"X-Test-User", a}});
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(available_usd(a), "100.00");
}

}  // namespace
}  // namespace mc::gateway::api
