// GET /api/candles against a real Redis and a real http::server: the series as Quotes stores
// it (closed list + open hash), limits, repeats dropped, and the 400s.
#include "gateway/market/candles_route.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/redis/async_client.h"
#include "common/redis/client.h"
#include "support/test_env.h"

namespace mc::gateway::market {
namespace {

namespace net = boost::asio;

std::string candle(int64_t t, const std::string& close) {
  return "{\"t\":" + std::to_string(t) + R"(,"start":"x","open":"1.00","high":"2.00",)" +
         R"("low":"0.50","close":")" + close + R"(","ticks":3})";
}

struct candles_fixture : ::testing::Test {
  std::string prefix;
  redis::client redis{test::redis_url()};
  redis::async_client async{test::redis_url()};
  net::io_context ioc;
  http::router routes;
  std::unique_ptr<http::server> srv;
  std::vector<std::thread> threads;

  candles_fixture() {
    static std::atomic<int> n{0};
    prefix = "candles-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ":";
    candles_options o;
    o.key_prefix = prefix;
    o.open_key = prefix + "open";
    o.max_limit = 5;
    add_candles_route(routes, async, o, {});
    http::server_options so;
    so.access_log = false;
    srv = std::make_unique<http::server>(ioc, so, routes);
    threads.emplace_back([this] { ioc.run(); });
  }
  void push(const std::string& series, const std::string& json) {
    ASSERT_TRUE(redis.command({"RPUSH", prefix + series, json}).ok());
  }
  void set_open(const std::string& series, const std::string& json) {
    ASSERT_TRUE(redis.command({"HSET", prefix + "open", series, json}).ok());
  }
  http::client_result get(const std::string& target) {
    return http::request_blocking("127.0.0.1", srv->port(), "GET", target);
  }
  ~candles_fixture() override {
    srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
    redis.command({"DEL", prefix + "BTC-USD:1m", prefix + "BTC-USD:5m", prefix + "open"});
  }
};

TEST_F(candles_fixture, ClosedCandlesThenTheOpenOneOldestFirst) {
  push("BTC-USD:1m", candle(60, "1.00"));
  push("BTC-USD:1m", candle(120, "1.10"));
  set_open("BTC-USD:1m", candle(180, "1.20"));
  auto r = get("/api/candles?symbol=BTC-USD&interval=1m");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"symbol":"BTC-USD","interval":"1m","candles":[)" + candle(60, "1.00") +
                        "," + candle(120, "1.10") + "," + candle(180, "1.20") + "]}");
}

TEST_F(candles_fixture, LimitKeepsTheNewestAndRepeatsAppearOnce) {
  for (int64_t t : {60, 120, 120, 180}) push("BTC-USD:1m", candle(t, "1.00"));
  set_open("BTC-USD:1m", candle(180, "9.99"));  // closed meanwhile: the list has it
  auto r = get("/api/candles?symbol=BTC-USD&interval=1m&limit=2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"symbol":"BTC-USD","interval":"1m","candles":[)" + candle(120, "1.00") +
                        "," + candle(180, "1.00") + "]}");
}

TEST_F(candles_fixture, EmptySeriesAndDefaultInterval) {
  push("BTC-USD:5m", candle(300, "1.00"));
  auto r = get("/api/candles?symbol=BTC-USD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"symbol":"BTC-USD","interval":"1m","candles":[]})");
  auto five = get("/api/candles?symbol=BTC-USD&interval=5m");
  EXPECT_NE(five.body.find("\"t\":300"), std::string::npos);
}

TEST_F(candles_fixture, BadParametersAre400) {
  auto unknown = get("/api/candles?symbol=DOGE-USD");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("INVALID_SYMBOL"), std::string::npos);
  for (const char* target :
       {"/api/candles", "/api/candles?symbol=BTC-USD&interval=1d",
        "/api/candles?symbol=BTC-USD&limit=0", "/api/candles?symbol=BTC-USD&limit=6",
        "/api/candles?symbol=BTC-USD&limit=2x", "/api/candles?symbol=BTC-USD&limit="}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("BAD_REQUEST"), std::string::npos) << target;
  }
}

}  // namespace
}  // namespace mc::gateway::market
