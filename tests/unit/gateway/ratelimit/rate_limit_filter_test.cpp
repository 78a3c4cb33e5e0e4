// The filters over the in-process limiter with a hand-moved clock: headers on every
// response, 429 in the API's error shape, per-user and per-IP keys, the stricter of two
// limits shown, and the decision metrics.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <string>

#include "common/metrics/metrics.h"
#include "gateway/ratelimit/local_limiter.h"
#include "gateway/ratelimit/rate_limit_filter.h"
#include "gateway/ratelimit/rate_limit_headers.h"
#include "manual_clock.h"

namespace mc::gateway::ratelimit {
namespace {

using namespace std::chrono_literals;

http::handler ok_handler(int& calls) {
  return [&calls](http::request&) -> net::awaitable<http::response> {
    ++calls;
    co_return http::json_response(200, "{}");
  };
}

// Runs the chain for one request to completion on a private io_context.
http::response call(const http::handler& h, http::request req) {
  net::io_context io;
  auto fut = net::co_spawn(
      io, [&]() -> net::awaitable<http::response> { co_return co_await h(req); }, net::use_future);
  io.run();
  return fut.get();
}

http::request from(std::string ip, std::string principal = {}) {
  http::request r;
  r.method = "GET";
  r.path = "/api/x";
  r.remote_ip = std::move(ip);
  r.principal = std::move(principal);
  r.request_id = "req-1";
  return r;
}

std::string header(const http::response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (http::iequals(k, name)) return v;
  }
  return "<none>";
}

std::uint64_t decisions(const std::string& policy_name, const std::string& result) {
  return metrics::default_registry()
      .counter("gateway_ratelimit_decisions_total", "",
               {{"policy", policy_name}, {"result", result}})
      .value();
}

TEST(RateLimitFilter, AllowsTheBurstWithHeadersThenAnswers429) {
  test::manual_clock clock;
  local_limiter lim(64, clock.fn());
  int calls = 0;
  const policy p{"t_ip_burst", 1.0, 2};
  const auto allowed0 = decisions(p.name, "allowed");
  const auto limited0 = decisions(p.name, "limited");
  auto h = http::chain({limit_by_ip(lim, p)}, ok_handler(calls));

  const auto first = call(h, from("192.0.2.1"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(header(first, "RateLimit-Limit"), "2");
  EXPECT_EQ(header(first, "RateLimit-Remaining"), "1");
  EXPECT_EQ(header(first, "RateLimit-Reset"), "1");
  EXPECT_EQ(header(first, "Retry-After"), "<none>");
  const auto second = call(h, from("192.0.2.1"));
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(header(second, "RateLimit-Remaining"), "0");
  EXPECT_EQ(header(second, "RateLimit-Reset"), "2");

  const auto refused = call(h, from("192.0.2.1"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body,
            R"({"error":{"code":"RATE_LIMIT","message":"too many requests, retry later",)"
            R"("request_id":"req-1"}})");
  EXPECT_EQ(header(refused, "Retry-After"), "1");
  EXPECT_EQ(header(refused, "RateLimit-Limit"), "2");
  EXPECT_EQ(header(refused, "RateLimit-Remaining"), "0");
  EXPECT_EQ(calls, 2);  // the refused request never reached the handler

  EXPECT_EQ(call(h, from("192.0.2.2")).status, 200);  // another client
  clock.advance(1s);
  EXPECT_EQ(call(h, from("192.0.2.1")).status, 200);  // refilled
  EXPECT_EQ(decisions(p.name, "allowed") - allowed0, 4u);
  EXPECT_EQ(decisions(p.name, "limited") - limited0, 1u);
}

TEST(RateLimitFilter, UserLimitKeysOnThePrincipalAndSkipsAnonymousRequests) {
  test::manual_clock clock;
  local_limiter lim(64, clock.fn());
  int calls = 0;
  auto h = http::chain({limit_by_user(lim, policy{"t_user", 0.5, 1})}, ok_handler(calls));
  EXPECT_EQ(call(h, from("192.0.2.1", "u1")).status, 200);
  const auto refused = call(h, from("192.0.2.9", "u1"));  // same user, other address
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(header(refused, "Retry-After"), "2");
  EXPECT_EQ(call(h, from("192.0.2.1", "u2")).status, 200);
  const auto anonymous = call(h, from("192.0.2.1"));
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_EQ(header(anonymous, "RateLimit-Limit"), "<none>");
  EXPECT_EQ(calls, 3);
}

TEST(RateLimitFilter, TwoLimitsShowTheOneWithFewerRequestsLeft) {
  test::manual_clock clock;
  local_limiter lim(64, clock.fn());
  int calls = 0;
  auto h = http::chain({limit_by_ip(lim, policy{"t_two_ip", 10.0, 100}),
                        limit_by_user(lim, policy{"t_two_user", 1.0, 3})},
                       ok_handler(calls));
  const auto r = call(h, from("192.0.2.1", "u1"));
  EXPECT_EQ(header(r, "RateLimit-Limit"), "3");
  EXPECT_EQ(header(r, "RateLimit-Remaining"), "2");
  // The IP limit outermost keeps the inner user limit's 429 headers.
  call(h, from("192.0.2.1", "u1"));
  call(h, from("192.0.2.1", "u1"));
  const auto refused = call(h, from("192.0.2.1", "u1"));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(header(refused, "RateLimit-Limit"), "3");
  EXPECT_EQ(header(refused, "RateLimit-Remaining"), "0");
  EXPECT_EQ(header(refused, "Retry-After"), "1");
}

TEST(RateLimitFilter, InvalidPolicyFailsAtRegistration) {
  local_limiter lim(4);
  EXPECT_THROW(limit_by_ip(lim, policy{"bad name", 1.0, 1}), std::invalid_argument);
  EXPECT_THROW(limit_by_user(lim, policy{"user", 0.0, 1}), std::invalid_argument);
}

TEST(RateLimitHeaders, KeepTheMoreRestrictiveSet) {
  const policy p{"p", 1.0, 10};
  http::response res;
  apply_headers(res, make_decision(p, true, 5, 0, 5'000'000));
  apply_headers(res, make_decision(p, true, 7, 0, 3'000'000));  // looser: ignored
  EXPECT_EQ(header(res, "RateLimit-Remaining"), "5");
  apply_headers(res, make_decision(p, true, 5, 0, 9'000'000));  // same left, later reset
  EXPECT_EQ(header(res, "RateLimit-Reset"), "9");
  apply_headers(res, make_decision(p, true, 2, 0, 1'000'000));
  EXPECT_EQ(header(res, "RateLimit-Remaining"), "2");
  EXPECT_EQ(header(res, "RateLimit-Reset"), "1");
  std::size_t count = 0;
  for (const auto& [k, v] : res.headers) count += http::iequals(k, "RateLimit-Remaining");
  EXPECT_EQ(count, 1u);
}

}  // namespace
}  // namespace mc::gateway::ratelimit
