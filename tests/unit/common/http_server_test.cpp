// mc::http::server end to end over loopback: routing, errors, limits, keep-alive, request ids,
// timeouts, max connections, graceful shutdown and the health/metrics routes.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <future>
#include <regex>
#include <stdexcept>
#include <thread>

#include "common/http/client.h"
#include "common/http/health.h"
#include "common/http/server.h"
#include "common/metrics/metrics.h"

namespace mc::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Test servers log nothing unless a test asks to.
server_options quiet() {
  server_options o;
  o.service = "test";
  o.access_log = false;
  return o;
}

// A server on 127.0.0.1:<ephemeral> run by two I/O threads, so strands matter as in production.
struct test_server {
  net::io_context ioc;
  router routes;
  std::unique_ptr<server> srv;
  std::vector<std::thread> threads;

  void start(server_options opts = quiet(), int thread_count = 2) {
    srv = std::make_unique<server>(ioc, opts, routes);
    for (int i = 0; i < thread_count; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  std::uint16_t port() const { return srv->port(); }
  ~test_server() {
    if (srv) srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
  }
};

// A blocking client socket with a receive timeout, so a broken server fails a test instead
// of hanging it.
struct raw_conn {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;

  explicit raw_conn(std::uint16_t port, std::chrono::milliseconds recv_timeout = 5s) {
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(recv_timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((recv_timeout.count() % 1000) * 1000);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(std::string_view data) { net::write(socket, net::buffer(data)); }
  bhttp::response<bhttp::string_body> read() {
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    return res;
  }
  // Reads until the server closes; returns the error that ended it (eof on a clean close).
  beast::error_code read_to_end() {
    beast::error_code ec;
    char sink[1024];
    while (!ec) socket.read_some(net::buffer(sink), ec);
    return ec;
  }
};

std::string get(std::uint16_t port, std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\n\r\n";
}

net::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  co_await t.async_wait(net::use_awaitable);
}

handler echo_params() {
  return [](request& req) -> net::awaitable<response> {
    co_return json_response(200, "id=" + std::string(req.param("id")) +
                                     " q=" + req.query_param("q") + " path=" + req.path +
                                     " query=" + req.query);
  };
}

TEST(HttpServer, RoutesPathParamsAndDecodesQuery) {
  test_server ts;
  ts.routes.add("GET", "/orders/{id}", echo_params());
  ts.routes.add("GET", "/orders/open",
                [](request&) -> net::awaitable<response> { co_return json_response(200, "open"); });
  ts.routes.add("DELETE", "/orders/{id}", [](request& req) -> net::awaitable<response> {
    co_return json_response(200, "deleted " + std::string(req.param("id")));
  });
  ts.start();
  auto r = request_blocking("127.0.0.1", ts.port(), "GET", "/orders/a%20b?q=x+y%26z&other=1");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "id=a b q=x y&z path=/orders/a%20b query=q=x+y%26z&other=1");
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
  EXPECT_EQ(request_blocking("127.0.0.1", ts.port(), "GET", "/orders/open").body, "open");
  EXPECT_EQ(request_blocking("127.0.0.1", ts.port(), "DELETE", "/orders/7").body, "deleted 7");
  // Missing or empty parameters and extra segments do not match.
  EXPECT_EQ(request_blocking("127.0.0.1", ts.port(), "GET", "/orders/").status, 404);
  EXPECT_EQ(request_blocking("127.0.0.1", ts.port(), "GET", "/orders/1/x").status, 404);
}

TEST(HttpServer, UnknownPathIs404InTheErrorShape) {
  test_server ts;
  ts.start();
  auto r = request_blocking("127.0.0.1", ts.port(), "GET", "/nope");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 404);
  const std::string id(r.header("X-Request-ID").value_or(""));
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
  EXPECT_EQ(r.body, R"({"error":{"code":"NOT_FOUND","message":"no such resource","request_id":")" +
                        id + "\"}}");
}

TEST(HttpServer, WrongMethodIs405WithAllow) {
  test_server ts;
  ts.routes.add("GET", "/orders", echo_params());
  ts.routes.add("POST", "/orders", echo_params());
  ts.start();
  auto r = request_blocking("127.0.0.1", ts.port(), "PUT", "/orders");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow").value_or(""), "GET, POST");
  EXPECT_NE(r.body.find(R"("code":"METHOD_NOT_ALLOWED")"), std::string::npos);
}

TEST(HttpServer, HeadUsesGetWithoutBody) {
  test_server ts;
  ts.routes.add("GET", "/x", [](request&) -> net::awaitable<response> {
    co_return json_response(200, "12345");
  });
  ts.start();
  raw_conn c(ts.port());
  c.send("HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n" + get(ts.port(), "/x"));
  bhttp::response_parser<bhttp::string_body> head_parser;
  head_parser.skip(true);
  bhttp::read(c.socket, c.buffer, head_parser);
  EXPECT_EQ(head_parser.get().result_int(), 200u);
  EXPECT_EQ(head_parser.get()[bhttp::field::content_length], "5");
  EXPECT_EQ(c.read().body(), "12345");  // the next response starts right after the head
}

TEST(HttpServer, BodyOverLimitIs413) {
  test_server ts;
  ts.routes.add("POST", "/echo", [](request& req) -> net::awaitable<response> {
    co_return json_response(200, req.body);
  });
  server_options opts = quiet();
  opts.body_limit_bytes = 1000;
  ts.start(opts);
  auto ok = request_blocking("127.0.0.1", ts.port(), "POST", "/echo", {}, std::string(1000, 'a'));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body.size(), 1000u);
  auto r = request_blocking("127.0.0.1", ts.port(), "POST", "/echo", {{"X-Request-ID", "big-1"}},
                            std::string(1001, 'a'));
  ASSERT_TRUE(r.ok) << r.error << " " << r.detail;
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("X-Request-ID").value_or(""), "big-1");
  EXPECT_NE(r.body.find(R"("code":"PAYLOAD_TOO_LARGE")"), std::string::npos);
  EXPECT_EQ(r.header("Connection").value_or(""), "close");

  // Chunked bodies are counted as they arrive.
  raw_conn c(ts.port());
  c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" +
         std::string(1000, 'b') + "\r\n10\r\n" + std::string(16, 'c') + "\r\n0\r\n\r\n");
  EXPECT_EQ(c.read().result_int(), 413u);
}

TEST(HttpServer, KeepAliveAndPipelining) {
  std::atomic<int> calls{0};
  test_server ts;
  ts.routes.add("GET", "/n", [&calls](request& req) -> net::awaitable<response> {
    ++calls;
    co_return json_response(200, req.query);
  });
  ts.start();
  raw_conn c(ts.port());
  for (int i = 0; i < 200; ++i) {
    c.send(get(ts.port(), "/n?" + std::to_string(i)));
    auto res = c.read();
    ASSERT_EQ(res.body(), std::to_string(i));
    ASSERT_TRUE(res.keep_alive());
  }
  // Three requests in one write come back in order on the same connection.
  c.send(get(ts.port(), "/n?a") + get(ts.port(), "/n?b") + get(ts.port(), "/n?c"));
  EXPECT_EQ(c.read().body(), "a");
  EXPECT_EQ(c.read().body(), "b");
  EXPECT_EQ(c.read().body(), "c");
  EXPECT_EQ(calls.load(), 203);
  EXPECT_EQ(ts.srv->connection_count(), 1u);

  // HTTP/1.0 closes unless asked to keep alive.
  raw_conn old(ts.port());
  old.send("GET /n?x HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.read().body(), "x");
  EXPECT_EQ(old.read_to_end(), net::error::eof);
}

TEST(HttpServer, RequestIdIsTakenWhenSaneAndEchoed) {
  test_server ts;
  ts.routes.add("GET", "/id", [](request& req) -> net::awaitable<response> {
    co_return json_response(200, req.request_id);
  });
  ts.start();
  auto r =
      request_blocking("127.0.0.1", ts.port(), "GET", "/id", {{"x-request-id", "abc.DEF_1-2"}});
  EXPECT_EQ(r.body, "abc.DEF_1-2");
  EXPECT_EQ(r.header("X-Request-ID").value_or(""), "abc.DEF_1-2");

  for (const std::string& bad : {std::string(129, 'a'), std::string("has space"),
                                 std::string("semi;colon"), std::string("")}) {
    auto g = request_blocking("127.0.0.1", ts.port(), "GET", "/id", {{"X-Request-ID", bad}});
    EXPECT_TRUE(std::regex_match(g.body, std::regex("[0-9a-f]{32}"))) << g.body;
    EXPECT_EQ(g.header("X-Request-ID").value_or(""), g.body);
  }
  auto max = request_blocking("127.0.0.1", ts.port(), "GET", "/id",
                              {{"X-Request-ID", std::string(128, 'z')}});
  EXPECT_EQ(max.body, std::string(128, 'z'));
  // Generated ids differ per request.
  EXPECT_NE(request_blocking("127.0.0.1", ts.port(), "GET", "/id").body,
            request_blocking("127.0.0.1", ts.port(), "GET", "/id").body);
}

TEST(HttpServer, ErrorResponseShapeAndExtraHeaders) {
  auto r = error_response(422, "INSUFFICIENT_FUNDS", "need \"more\"", "rid-1");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(
      r.body,
      R"({"error":{"code":"INSUFFICIENT_FUNDS","message":"need \"more\"","request_id":"rid-1"}})");
  EXPECT_EQ(r.content_type, "application/json");
  auto u = error_response(503, code::service_unavailable, "down", "x");
  ASSERT_EQ(u.headers.size(), 1u);
  EXPECT_EQ(u.headers[0].first, "Retry-After");
  u.set_header("retry-after", "9");
  ASSERT_EQ(u.headers.size(), 1u);
  EXPECT_EQ(u.headers[0].second, "9");

  test_server ts;
  ts.routes.add("GET", "/h", [](request&) -> net::awaitable<response> {
    response res = text_response(201, "made");
    res.headers.emplace_back("Location", "/h/1");
    res.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=1");  // dropped: would inject
    res.headers.emplace_back("Content-Length", "999");           // the server owns this one
    co_return res;
  });
  ts.start();
  auto g = request_blocking("127.0.0.1", ts.port(), "GET", "/h");
  EXPECT_EQ(g.status, 201);
  EXPECT_EQ(g.body, "made");
  EXPECT_EQ(g.header("Location").value_or(""), "/h/1");
  EXPECT_FALSE(g.header("X-Evil").has_value());
  EXPECT_FALSE(g.header("Set-Cookie").has_value());
  EXPECT_EQ(g.header("Content-Type").value_or(""), "text/plain; charset=utf-8");
}

TEST(HttpServer, HandlerExceptionIs500AndServerSurvives) {
  test_server ts;
  ts.routes.add("GET", "/boom", [](request&) -> net::awaitable<response> {
    co_await sleep_for(1ms);  // throw after a suspension, the harder case
    throw std::runtime_error("kaput");
  });
  ts.routes.add("GET", "/bad-status",
                [](request&) -> net::awaitable<response> { co_return json_response(42, ""); });
  ts.routes.add("GET", "/ok", echo_params());
  ts.start();
  raw_conn c(ts.port());
  c.send(get(ts.port(), "/boom"));
  auto r = c.read();
  EXPECT_EQ(r.result_int(), 500u);
  EXPECT_NE(r.body().find(R"("code":"INTERNAL_ERROR")"), std::string::npos);
  EXPECT_EQ(r.body().find("kaput"), std::string::npos);  // internals are logged, not returned
  c.send(get(ts.port(), "/ok"));                         // same connection still works
  EXPECT_EQ(c.read().result_int(), 200u);
  EXPECT_EQ(request_blocking("127.0.0.1", ts.port(), "GET", "/bad-status").status, 500);
}

TEST(HttpServer, MalformedRequestsAre400) {
  server_options opts = quiet();
  opts.header_limit_bytes = 1024;
  test_server ts;
  ts.routes.add("GET", "/ok", echo_params());
  ts.start(opts);
  for (std::string bad : {std::string("BLAH\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                          std::string("GET /ok HTTP/1.1\r\nBad Header: x\r\n\r\n"),
                          "GET /ok HTTP/1.1\r\nX-Big: " + std::string(2000, 'x') + "\r\n\r\n"}) {
    raw_conn c(ts.port());
    c.send(bad);
    auto r = c.read();
    EXPECT_EQ(r.result_int(), 400u) << bad.substr(0, 40);
    EXPECT_NE(r.body().find(R"("code":"BAD_REQUEST")"), std::string::npos);
    EXPECT_EQ(c.read_to_end(), net::error::eof);
  }
}

TEST(HttpServer, HalfAHeaderIsDroppedAfterReadTimeout) {
  server_options opts = quiet();
  opts.read_timeout = 200ms;
  test_server ts;
  ts.start(opts);
  raw_conn c(ts.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
  const auto t0 = std::chrono::steady_clock::now();
  const auto ec = c.read_to_end();
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 3s);
}

TEST(HttpServer, IdleKeepAliveIsClosedAfterIdleTimeout) {
  server_options opts = quiet();
  opts.idle_timeout = 200ms;
  test_server ts;
  ts.routes.add("GET", "/ok", echo_params());
  ts.start(opts);
  raw_conn c(ts.port());
  c.send(get(ts.port(), "/ok"));
  EXPECT_EQ(c.read().result_int(), 200u);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c.read_to_end(), net::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST(HttpServer, ConnectionsBeyondMaxGet503) {
  server_options opts = quiet();
  opts.max_connections = 2;
  opts.access_log = true;  // exercise the access log path once
  test_server ts;
  ts.routes.add("GET", "/ok", echo_params());
  ts.start(opts);
  raw_conn a(ts.port());
  raw_conn b(ts.port());
  for (int i = 0; i < 200 && ts.srv->connection_count() < 2; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(ts.srv->connection_count(), 2u);

  raw_conn over(ts.port());
  over.send(get(ts.port(), "/ok"));
  auto r = over.read();
  EXPECT_EQ(r.result_int(), 503u);
  EXPECT_EQ(r[bhttp::field::retry_after], "1");
  EXPECT_NE(r.body().find(R"("code":"SERVICE_UNAVAILABLE")"), std::string::npos);
  EXPECT_FALSE(r.keep_alive());

  // The admitted connections work, and a slot frees up when one closes.
  a.send(get(ts.port(), "/ok"));
  EXPECT_EQ(a.read().result_int(), 200u);
  b.socket.close();
  for (int i = 0; i < 200 && ts.srv->connection_count() > 1; ++i) std::this_thread::sleep_for(5ms);
  raw_conn again(ts.port());
  again.send(get(ts.port(), "/ok"));
  EXPECT_EQ(again.read().result_int(), 200u);
}

TEST(HttpServer, GracefulShutdownFinishesInFlightAndRefusesNew) {
  std::atomic<bool> started{false};
  test_server ts;
  ts.routes.add("GET", "/slow", [&started](request&) -> net::awaitable<response> {
    started = true;
    co_await sleep_for(400ms);
    co_return json_response(200, "done");
  });
  ts.routes.add("GET", "/ok", echo_params());
  ts.start();
  const auto port = ts.port();

  raw_conn idle(port);  // a keep-alive connection between requests
  idle.send(get(port, "/ok"));
  EXPECT_EQ(idle.read().result_int(), 200u);

  auto slow = std::async(std::launch::async,
                         [port] { return request_blocking("127.0.0.1", port, "GET", "/slow"); });
  for (int i = 0; i < 400 && !started; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(started.load());

  auto drained = net::co_spawn(ts.ioc, ts.srv->shutdown(), net::use_future);
  // The idle connection is closed at once.
  EXPECT_EQ(idle.read_to_end(), net::error::eof);
  // New connections are refused once the acceptor is closed.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    net::io_context ioc;
    tcp::socket s(ioc);
    beast::error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    refused = ec == net::error::connection_refused;
    if (!refused) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(refused);
  // The request in flight still completes.
  auto r = slow.get();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  EXPECT_EQ(r.header("Connection").value_or(""), "close");
  ASSERT_EQ(drained.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(drained.get());
  EXPECT_EQ(ts.srv->connection_count(), 0u);
}

TEST(HttpServer, DrainDeadlineCutsStragglers) {
  server_options opts = quiet();
  opts.drain_timeout = 100ms;
  std::atomic<bool> started{false};
  test_server ts;
  ts.routes.add("GET", "/stuck", [&started](request&) -> net::awaitable<response> {
    started = true;
    co_await sleep_for(1500ms);
    co_return json_response(200, "late");
  });
  ts.start(opts);
  raw_conn c(ts.port());
  c.send(get(ts.port(), "/stuck"));
  for (int i = 0; i < 400 && !started; ++i) std::this_thread::sleep_for(5ms);
  auto drained = net::co_spawn(ts.ioc, ts.srv->shutdown(), net::use_future);
  ASSERT_EQ(drained.wait_for(3s), std::future_status::ready);
  EXPECT_FALSE(drained.get());
  const auto ec = c.read_to_end();
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

TEST(HttpServer, HealthReadinessAndMetricsRoutes) {
  std::atomic<bool> ready{false};
  test_server ts;
  add_health_routes(
      ts.routes, [&ready]() -> net::awaitable<bool> { co_return ready.load(); }, "testsvc");
  ts.routes.add("GET", "/orders/{id}", echo_params());
  ts.start();
  const auto port = ts.port();
  auto h = request_blocking("127.0.0.1", port, "GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, R"({"status":"ok"})");
  EXPECT_EQ(request_blocking("127.0.0.1", port, "GET", "/health").body, R"({"status":"healthy"})");

  auto nr = request_blocking("127.0.0.1", port, "GET", "/readyz");
  EXPECT_EQ(nr.status, 503);
  EXPECT_EQ(nr.header("Retry-After").value_or(""), "5");
  EXPECT_NE(nr.body.find(R"("code":"SERVICE_UNAVAILABLE")"), std::string::npos);
  ready = true;
  auto rd = request_blocking("127.0.0.1", port, "GET", "/readyz");
  EXPECT_EQ(rd.status, 200);
  EXPECT_EQ(rd.body, R"({"status":"ready"})");

  const auto before =
      metrics::default_registry()
          .counter("http_requests_total", "", {{"route", "/orders/{id}"}, {"status", "200"}})
          .value();
  for (int i = 0; i < 3; ++i)
    request_blocking("127.0.0.1", port, "GET", "/orders/" + std::to_string(i));
  request_blocking("127.0.0.1", port, "GET", "/does-not-exist");
  auto m = request_blocking("127.0.0.1", port, "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m.body.find("# TYPE http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(m.body.find("http_requests_total{route=\"/orders/{id}\",status=\"200\"} " +
                        std::to_string(before + 3) + "\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("http_requests_total{route=\"unmatched\",status=\"404\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("http_request_duration_seconds_bucket{route=\"/orders/{id}\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("# TYPE http_connections_active gauge\n"), std::string::npos);
}

TEST(HttpServer, BindFailureThrowsAtStart) {
  test_server ts;
  ts.start();
  net::io_context other;
  router r;
  server_options opts = quiet();
  opts.port = ts.port();
  try {
    server clash(other, opts, r);
    ADD_FAILURE() << "bind to a taken port succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(ts.port())),
              std::string::npos)
        << e.what();
  }
}

TEST(HttpRouter, RejectsBadPatternsAndDuplicates) {
  router r;
  auto h = echo_params();
  r.add("GET", "/a/{id}", h);
  EXPECT_THROW(r.add("GET", "/a/{id}", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "no-slash", h), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a/x{y}", h), std::invalid_argument);
  r.add("GET", "/a/b/{x}", h);
  r.add("GET", "/a/{y}/c", h);
  std::map<std::string, std::string> params;
  auto m = r.match("GET", "/a/b/c", false, params);
  EXPECT_EQ(m.pattern, "/a/b/{x}");  // the earlier literal segment wins
  EXPECT_EQ(params.at("x"), "c");
}

}  // namespace
}  // namespace mc::http
