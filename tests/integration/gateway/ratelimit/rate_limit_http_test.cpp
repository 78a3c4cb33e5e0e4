// The rate-limit filters on a real http::server over the real test Redis: headers and 429s
// as a client sees them, /auth/* stricter than /api/*, two gateway replicas sharing buckets,
// and a Redis outage during which requests are still served and still limited.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/metrics/metrics.h"
#include "common/redis/client.h"
#include "gateway/ratelimit/rate_limit_filter.h"
#include "gateway/ratelimit/redis_limiter.h"
#include "redis_support.h"
#include "support/test_env.h"

namespace mc::gateway::ratelimit {
namespace {

using namespace std::chrono_literals;

// Stands in for the auth filter: the caller's user id from a header.
http::filter header_auth() {
  return [](http::request& req, const http::handler& next) -> net::awaitable<http::response> {
    req.principal = std::string(req.header("X-Test-User").value_or(""));
    auto inner = next(req);
    co_return co_await std::move(inner);
  };
}

// One gateway replica: its own limiter (own Redis connections) and server, routes wired as
// the gateway wires them.
struct replica {
  // Declared first, destroyed last: the limiter's Redis thread may still complete a request of
  // a coroutine on this io_context while the limiter shuts down, and posts that to it.
  net::io_context ioc;
  redis_limiter lim;
  http::router routes;
  std::unique_ptr<http::server> srv;
  std::vector<std::thread> threads;

  explicit replica(const limiter_options& o) : lim(mc::test::redis_url(), o) {
    auto ok = [](http::request&) -> net::awaitable<http::response> {
      co_return http::json_response(200, R"({"ok":true})");
    };
    routes.add("GET", "/api/thing", ok,
               {limit_by_ip(lim, o.ip), header_auth(), limit_by_user(lim, o.user)});
    routes.add("POST", "/auth/login", ok, {limit_by_ip(lim, o.auth_ip)});
    http::server_options so;
    so.service = "test";
    so.access_log = false;
    srv = std::make_unique<http::server>(ioc, so, routes);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~replica() {
    srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
  }

  http::client_result get(const std::string& user) {
    return http::request_blocking("127.0.0.1", srv->port(), "GET", "/api/thing",
                                  {{"X-Test-User", user}});
  }
  http::client_result login() {
    return http::request_blocking("127.0.0.1", srv->port(), "POST", "/auth/login", {}, "{}");
  }
};

limiter_options test_options(const std::string& name) {
  limiter_options o;
  o.key_prefix = test::unique_prefix(name);
  o.user = {"user", 0.001, 3};  // a token per 1000 s: nothing refills during a test
  o.ip = {"ip", 0.001, 1000};
  o.auth_ip = {"auth_ip", 0.001, 2};
  o.redis_probe_interval = 50ms;
  return o;
}

std::string h(const http::client_result& r, std::string_view name) {
  return std::string(r.header(name).value_or("<none>"));
}

bool in_range(const std::string& v, long lo, long hi) {
  try {
    const long n = std::stol(v);
    return n >= lo && n <= hi;
  } catch (...) {
    return false;
  }
}

TEST(RateLimitHttp, ServesTheBurstWithHeadersThenAnswers429) {
  replica g(test_options("http"));
  for (int i = 0; i < 3; ++i) {
    const auto r = g.get("u1");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200);
    // The user limit (3) is tighter than the IP limit (1000), so its numbers are shown.
    EXPECT_EQ(h(r, "RateLimit-Limit"), "3");
    EXPECT_EQ(h(r, "RateLimit-Remaining"), std::to_string(2 - i));
    EXPECT_TRUE(in_range(h(r, "RateLimit-Reset"), 999, 3000)) << h(r, "RateLimit-Reset");
    EXPECT_EQ(h(r, "Retry-After"), "<none>");
  }
  const auto refused = g.get("u1");
  ASSERT_TRUE(refused.ok) << refused.error;
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find(R"("code":"RATE_LIMIT")"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find(R"("request_id":")"), std::string::npos) << refused.body;
  EXPECT_TRUE(in_range(h(refused, "Retry-After"), 999, 1000)) << h(refused, "Retry-After");
  EXPECT_EQ(h(refused, "RateLimit-Limit"), "3");
  EXPECT_EQ(h(refused, "RateLimit-Remaining"), "0");
  EXPECT_TRUE(in_range(h(refused, "RateLimit-Reset"), 2999, 3000)) << h(refused, "RateLimit-Reset");

  EXPECT_EQ(g.get("u2").status, 200);  // users have their own buckets

  // /auth/* has its own, stricter per-IP bucket.
  EXPECT_EQ(g.login().status, 200);
  const auto last = g.login();
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(h(last, "RateLimit-Limit"), "2");
  EXPECT_EQ(h(last, "RateLimit-Remaining"), "0");
  EXPECT_EQ(g.login().status, 429);
  EXPECT_FALSE(g.lim.using_fallback());
}

TEST(RateLimitHttp, TwoReplicasShareTheBuckets) {
  const limiter_options o = test_options("replicas_http");
  replica a(o);
  replica b(o);
  EXPECT_EQ(h(a.get("u1"), "RateLimit-Remaining"), "2");
  EXPECT_EQ(h(b.get("u1"), "RateLimit-Remaining"), "1");
  EXPECT_EQ(h(a.get("u1"), "RateLimit-Remaining"), "0");
  EXPECT_EQ(b.get("u1").status, 429);
  EXPECT_EQ(a.get("u1").status, 429);
}

TEST(RateLimitHttp, RedisOutageLimitsLocallyThenReturnsToRedis) {
  const limiter_options o = test_options("outage");
  replica g(o);
  auto& reg = metrics::default_registry();
  auto& gauge = reg.gauge("gateway_ratelimit_local_fallback", "");
  auto& fallback_user =
      reg.counter("gateway_ratelimit_fallback_decisions_total", "", {{"policy", "user"}});

  auto& outages = reg.counter("gateway_ratelimit_fallback_entered_total", "");

  ASSERT_EQ(h(g.get("u1"), "RateLimit-Remaining"), "2");
  ASSERT_FALSE(g.lim.using_fallback());
  const auto outages0 = outages.value();

  test::redis_outage outage;
  ASSERT_EQ(outage.stop(), 0);
  const auto fallback0 = fallback_user.value();
  // Served, and limited: the in-process bucket starts full and runs out after the burst.
  for (int i = 0; i < 3; ++i) {
    const auto r = g.get("u1");
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(h(r, "RateLimit-Remaining"), std::to_string(2 - i));
  }
  const auto refused = g.get("u1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_TRUE(in_range(h(refused, "Retry-After"), 999, 1000)) << h(refused, "Retry-After");
  EXPECT_TRUE(g.lim.using_fallback());
  EXPECT_EQ(gauge.value(), 1.0);
  EXPECT_EQ(fallback_user.value() - fallback0, 4u);

  ASSERT_EQ(outage.start(), 0);
  // A probe per 50 ms finds Redis again; poll until one has.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (int i = 0; g.lim.using_fallback() && std::chrono::steady_clock::now() < deadline; ++i) {
    EXPECT_EQ(g.get("poller-" + std::to_string(i)).status, 200);
    if (g.lim.using_fallback()) std::this_thread::sleep_for(20ms);
  }
  ASSERT_FALSE(g.lim.using_fallback());
  EXPECT_EQ(gauge.value(), 0.0);
  // The following decisions are Redis's, also on pooled connections that have not been used
  // since the restart: their buckets exist there, and the outage counted once.
  redis::client c(mc::test::redis_url());
  for (int i = 0; i < 8; ++i) {
    const std::string user = "after-" + std::to_string(i);
    EXPECT_EQ(g.get(user).status, 200);
    EXPECT_EQ(c.command({"EXISTS", o.key_prefix + "user:" + user}).integer, 1) << user;
  }
  EXPECT_FALSE(g.lim.using_fallback());
  EXPECT_EQ(outages.value() - outages0, 1u);
}

}  // namespace
}  // namespace mc::gateway::ratelimit
