// mc::http::client_pool against a real mc::http::server: connection reuse, deadlines,
// refused connects, stale pooled connections and concurrent use.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"

namespace mc::http {
namespace {

using namespace std::chrono_literals;
using tcp = net::ip::tcp;

struct upstream {
  net::io_context ioc;
  router routes;
  std::unique_ptr<server> srv;
  std::thread thread;

  explicit upstream(std::chrono::milliseconds idle_timeout = 60s) {
    routes.add("GET", "/ping",
               [](request&) -> net::awaitable<response> { co_return json_response(200, "pong"); });
    routes.add("POST", "/echo", [](request& req) -> net::awaitable<response> {
      response res = json_response(200, req.body);
      res.headers.emplace_back("X-Seen", std::string(req.header("X-Custom").value_or("")));
      co_return res;
    });
    routes.add("GET", "/sleep", [](request&) -> net::awaitable<response> {
      net::steady_timer t(co_await net::this_coro::executor, 500ms);
      co_await t.async_wait(net::use_awaitable);
      co_return json_response(200, "late");
    });
    server_options opts;
    opts.access_log = false;
    opts.idle_timeout = idle_timeout;
    srv = std::make_unique<server>(ioc, opts, routes);
    thread = std::thread([this] { ioc.run(); });
  }
  ~upstream() {
    srv->stop();
    ioc.stop();
    thread.join();
  }
};

// Runs `fn(pool)` as a coroutine on a private io_context and returns its result.
template <class Fn>
auto run(client_pool& pool, net::io_context& ioc, Fn fn) {
  auto fut = net::co_spawn(ioc, fn(pool), net::use_future);
  ioc.restart();
  ioc.run();
  return fut.get();
}

TEST(HttpClient, PoolReusesOneConnectionForSequentialRequests) {
  upstream up;
  net::io_context ioc;
  client_pool pool("127.0.0.1", up.srv->port());
  for (int i = 0; i < 20; ++i) {
    auto r = run(pool, ioc, [](client_pool& p) { return p.request("GET", "/ping", {}, {}, 2s); });
    ASSERT_TRUE(r.ok) << r.error << " " << r.detail;
    EXPECT_EQ(r.body, "pong");
  }
  EXPECT_EQ(pool.connections_opened(), 1u);
  EXPECT_EQ(pool.idle_count(), 1u);
}

TEST(HttpClient, PostBodyAndHeadersRoundTrip) {
  upstream up;
  auto r = request_blocking("127.0.0.1", up.srv->port(), "POST", "/echo", {{"X-Custom", "v1"}},
                            R"({"a":1})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_EQ(r.header("x-seen").value_or(""), "v1");
  EXPECT_TRUE(r.header("X-Request-ID").has_value());
}

TEST(HttpClient, DeadlineCoversASlowResponse) {
  upstream up;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = request_blocking("127.0.0.1", up.srv->port(), "GET", "/sleep", {}, {}, 100ms);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, client_error::timeout);
  EXPECT_LT(took, 400ms);
  EXPECT_GE(took, 90ms);
}

TEST(HttpClient, RefusedConnectIsReported) {
  std::uint16_t port = 0;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed again: nothing listens there now
  auto r = request_blocking("127.0.0.1", port, "GET", "/", {}, {}, 1s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, client_error::connect_refused);
}

TEST(HttpClient, ResolvesHostNames) {
  upstream up;
  auto r = request_blocking("localhost", up.srv->port(), "GET", "/ping", {}, {}, 2s);
  // localhost may resolve to ::1 first; the client tries every address.
  ASSERT_TRUE(r.ok) << r.error << " " << r.detail;
  EXPECT_EQ(r.body, "pong");
}

TEST(HttpClient, ServerClosedPooledConnectionIsReplaced) {
  upstream up(100ms);  // the server drops idle keep-alive connections quickly
  net::io_context ioc;
  client_pool pool("127.0.0.1", up.srv->port());
  auto first = run(pool, ioc, [](client_pool& p) { return p.request("GET", "/ping", {}, {}, 2s); });
  ASSERT_TRUE(first.ok);
  std::this_thread::sleep_for(300ms);
  // POST is not idempotent: it must only go out on a connection known to be alive.
  auto second =
      run(pool, ioc, [](client_pool& p) { return p.request("POST", "/echo", {}, "x", 2s); });
  ASSERT_TRUE(second.ok) << second.error << " " << second.detail;
  EXPECT_EQ(second.body, "x");
  EXPECT_EQ(pool.connections_opened(), 2u);
}

TEST(HttpClient, ConcurrentRequestsShareThePool) {
  upstream up;
  net::io_context ioc;
  client_options opts;
  opts.max_idle_connections = 4;
  client_pool pool("127.0.0.1", up.srv->port(), opts);
  std::vector<std::future<client_result>> results;
  for (int i = 0; i < 16; ++i) {
    results.push_back(net::co_spawn(ioc, pool.request("POST", "/echo", {}, std::to_string(i), 2s),
                                    net::use_future));
  }
  std::thread helper([&ioc] { ioc.run(); });
  ioc.run();
  helper.join();
  for (int i = 0; i < 16; ++i) {
    auto r = results[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.body, std::to_string(i));
  }
  EXPECT_LE(pool.idle_count(), 4u);
  EXPECT_LE(pool.connections_opened(), 16u);
}

}  // namespace
}  // namespace mc::http
