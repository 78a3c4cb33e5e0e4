// WebSocket routes of mc::http::server: upgrade, echo, server push, concurrent senders,
// authorisation, heartbeat timeouts and shutdown, driven by a plain Beast client.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/http/websocket.h"

namespace mc::http {
namespace {

namespace beast = boost::beast;
namespace bws = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

struct ws_server {
  net::io_context ioc;
  router routes;
  std::unique_ptr<server> srv;
  std::vector<std::thread> threads;

  void start(server_options opts = {}) {
    opts.access_log = false;
    srv = std::make_unique<server>(ioc, opts, routes);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  ~ws_server() {
    if (srv) srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
  }
};

struct ws_client {
  net::io_context ioc;
  bws::stream<tcp::socket> ws{ioc};
  bws::response_type handshake_response;

  beast::error_code connect(std::uint16_t port, std::string target) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    beast::error_code ec;
    ws.handshake(handshake_response, "127.0.0.1", target, ec);
    return ec;
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
};

TEST(HttpWebSocket, PushEchoAndClose) {
  std::atomic<bool> handler_done{false};
  ws_server s;
  s.routes.add_websocket(
      "/ws/echo", [&handler_done](websocket_ptr ws, request& req) -> net::awaitable<void> {
        co_await ws->send_text("hello " + req.query_param("name"));  // server push first
        while (auto msg = co_await ws->read_text()) {
          if (!co_await ws->send_text("echo:" + *msg)) break;
        }
        handler_done = true;
      });
  s.start();
  ws_client c;
  ASSERT_FALSE(c.connect(s.srv->port(), "/ws/echo?name=ann"));
  EXPECT_EQ(c.handshake_response.result_int(), 101u);
  EXPECT_EQ(c.handshake_response["X-Request-ID"].size(), 32u);
  EXPECT_EQ(c.read(), "hello ann");
  for (int i = 0; i < 50; ++i) {
    c.ws.write(net::buffer("m" + std::to_string(i)));
    EXPECT_EQ(c.read(), "echo:m" + std::to_string(i));
  }
  beast::error_code ec;
  c.ws.close(bws::close_code::normal, ec);  // waits for the server's close reply
  EXPECT_FALSE(ec) << ec.message();
  for (int i = 0; i < 200 && !handler_done; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(handler_done.load());
}

TEST(HttpWebSocket, ConcurrentSendersAreSerialised) {
  constexpr int per_sender = 300;
  ws_server s;
  s.routes.add_websocket("/ws/flood", [](websocket_ptr ws, request&) -> net::awaitable<void> {
    // Two producers on the connection's executor race to send; messages must stay whole.
    auto producer = [ws](char tag) -> net::awaitable<void> {
      for (int i = 0; i < per_sender; ++i)
        co_await ws->send_text(std::string(1, tag) + std::to_string(i) + std::string(500, tag));
    };
    net::co_spawn(ws->get_executor(), producer('a'), net::detached);
    net::co_spawn(ws->get_executor(), producer('b'), net::detached);
    while (co_await ws->read_text()) {
    }
  });
  server_options opts;
  opts.ws_send_queue_limit = 2 * per_sender;
  s.start(opts);
  ws_client c;
  ASSERT_FALSE(c.connect(s.srv->port(), "/ws/flood"));
  std::set<std::string> seen;
  for (int i = 0; i < 2 * per_sender; ++i) {
    const auto m = c.read();
    ASSERT_EQ(m.size() - m.find_first_not_of("0123456789", 1), 500u) << m.substr(0, 20);
    seen.insert(m.substr(0, m.find_first_not_of("0123456789", 1)));
  }
  EXPECT_EQ(seen.size(), 2u * per_sender);
}

// send_frames() batches (written straight to the socket, or through Beast's write lock while
// one of Beast's writes is in flight) stay whole among send_text() messages and the pongs
// Beast answers the client's pings with, also when a small receive buffer makes the writes
// partial: a Beast client would fail on a single misplaced byte.
struct batch_writer {
  websocket_ptr ws;
  int left = 0;
  std::vector<std::shared_ptr<const std::string>> frames;
  static void next(std::shared_ptr<void>& owner, bool ok) {
    auto self = std::static_pointer_cast<batch_writer>(owner);
    while (ok && self->left > 0) {
      --self->left;
      if (!self->ws->send_frames(self->frames, self, &batch_writer::next)) return;
    }
  }
};

net::awaitable<void> text_producer(websocket_ptr ws, int n) {
  for (int i = 0; i < n; ++i) co_await ws->send_text(std::string(500, 'd'));
}

net::awaitable<void> batches_handler(websocket_ptr ws, request&) {
  auto w = std::make_shared<batch_writer>();
  w->ws = ws;
  w->left = 100;
  for (auto [n, c] : {std::pair{10, 'a'}, std::pair{300, 'b'}, std::pair{70'000, 'c'}}) {
    w->frames.push_back(std::make_shared<const std::string>(static_cast<std::size_t>(n), c));
  }
  std::shared_ptr<void> owner = w;
  batch_writer::next(owner, true);
  net::co_spawn(ws->get_executor(), text_producer(ws, 100), net::detached);
  while (co_await ws->read_text()) {
  }
}

TEST(HttpWebSocket, FrameBatchesStayWholeAmongTextAndControlFrames) {
  ws_server s;
  s.routes.add_websocket("/ws/batches", batches_handler);
  s.start();
  ws_client c;
  c.ws.next_layer().open(tcp::v4());
  c.ws.next_layer().set_option(net::socket_base::receive_buffer_size(4096));
  ASSERT_FALSE(c.connect(s.srv->port(), "/ws/batches"));
  std::this_thread::sleep_for(200ms);  // the server's writes go partial, then pending
  std::map<char, int> counts;
  for (int i = 0; i < 400; ++i) {
    if (i % 7 == 0) c.ws.ping({});
    const auto m = c.read();
    ASSERT_FALSE(m.empty());
    ASSERT_EQ(m.find_first_not_of(m[0]), std::string::npos) << i;
    const std::map<char, std::size_t> sizes{{'a', 10}, {'b', 300}, {'c', 70'000}, {'d', 500}};
    ASSERT_EQ(m.size(), sizes.at(m[0])) << m[0];
    ++counts[m[0]];
  }
  EXPECT_EQ(counts, (std::map<char, int>{{'a', 100}, {'b', 100}, {'c', 100}, {'d', 100}}));
  beast::error_code ec;
  c.ws.close(bws::close_code::normal, ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(HttpWebSocket, AuthorizeCanRefuseTheUpgrade) {
  ws_server s;
  s.routes.add_websocket(
      "/ws/orders",
      [](websocket_ptr ws, request&) -> net::awaitable<void> { co_await ws->send_text("welcome"); },
      [](request& req) -> net::awaitable<std::optional<response>> {
        if (req.query_param("token") == "good") co_return std::nullopt;
        co_return error_response(401, code::unauthorized, "bad token", req.request_id);
      });
  s.start();
  {
    ws_client c;
    EXPECT_EQ(c.connect(s.srv->port(), "/ws/orders?token=bad"), bws::error::upgrade_declined);
    EXPECT_EQ(c.handshake_response.result_int(), 401u);
    EXPECT_NE(c.handshake_response.body().find("UNAUTHORIZED"), std::string::npos);
  }
  ws_client ok;
  ASSERT_FALSE(ok.connect(s.srv->port(), "/ws/orders?token=good"));
  EXPECT_EQ(ok.read(), "welcome");
  // A plain GET on a WebSocket-only route asks for the upgrade.
  auto r = request_blocking("127.0.0.1", s.srv->port(), "GET", "/ws/orders");
  EXPECT_EQ(r.status, 426);
}

TEST(HttpWebSocket, SilentPeerIsDroppedByHeartbeat) {
  std::promise<std::chrono::steady_clock::time_point> ended;
  ws_server s;
  s.routes.add_websocket("/ws/hb", [&ended](websocket_ptr ws, request&) -> net::awaitable<void> {
    while (co_await ws->read_text()) {
    }
    ended.set_value(std::chrono::steady_clock::now());
  });
  server_options opts;
  opts.ws_idle_timeout = 300ms;
  s.start(opts);
  ws_client c;
  ASSERT_FALSE(c.connect(s.srv->port(), "/ws/hb"));
  const auto t0 = std::chrono::steady_clock::now();
  // The client never reads, so it never answers the server's ping.
  auto f = ended.get_future();
  ASSERT_EQ(f.wait_for(3s), std::future_status::ready);
  EXPECT_GE(f.get() - t0, 250ms);
}

TEST(HttpWebSocket, ShutdownClosesWithGoingAway) {
  ws_server s;
  s.routes.add_websocket("/ws/q", [](websocket_ptr ws, request&) -> net::awaitable<void> {
    co_await ws->send_text("snapshot");
    while (co_await ws->read_text()) {
    }
  });
  s.start();
  ws_client c;
  ASSERT_FALSE(c.connect(s.srv->port(), "/ws/q"));
  EXPECT_EQ(c.read(), "snapshot");
  auto drained = net::co_spawn(s.ioc, s.srv->shutdown(), net::use_future);
  beast::flat_buffer b;
  beast::error_code ec;
  c.ws.read(b, ec);
  EXPECT_EQ(ec, bws::error::closed);
  EXPECT_EQ(c.ws.reason().code, bws::close_code::going_away);
  ASSERT_EQ(drained.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(drained.get());
}

}  // namespace
}  // namespace mc::http
