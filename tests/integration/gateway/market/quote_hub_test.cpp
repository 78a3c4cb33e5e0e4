// quote_hub against a real Redis and a real http::server: REST answers from the snapshot,
// WebSocket snapshot + live stream, subscribe narrowing, and slow-client handling.
#include "gateway/market/quote_hub.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "common/http/client.h"
#include "common/http/server.h"
#include "common/redis/client.h"
#include "support/test_env.h"

namespace mc::gateway::market {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bws = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// Waits for `cond` until the deadline; the test fails if it never holds.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string quote_json(const std::string& symbol, const std::string& bid,
                       const std::string& pad = {}) {
  return R"({"symbol":")" + symbol + R"(","bid":")" + bid + R"(","ask":"99999.00","last":"0.00",)" +
         R"("bid_size":"1.00000000","ask_size":"1.00000000","ts":"2026-01-01T00:00:00.000Z",)" +
         R"("source":"sim","stale":false,"pad":")" + pad + "\"}";
}

// Each test gets its own channel prefix and snapshot key, so tests sharing Redis never mix.
struct hub_fixture : ::testing::Test {
  std::string prefix;
  std::string key;
  redis::client redis{test::redis_url()};
  std::unique_ptr<quote_hub> hub;
  net::io_context ioc;
  http::router routes;
  std::unique_ptr<http::server> srv;
  std::vector<std::thread> threads;

  hub_fixture() {
    static std::atomic<int> n{0};
    auto id = std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    prefix = "quotes-test-" + id + ":";
    key = "quotes-test-" + id + ":latest";
  }
  void start(quote_hub_options o = {}) {
    o.redis_url = test::redis_url();
    o.channel_prefix = prefix;
    o.snapshot_key = key;
    hub = std::make_unique<quote_hub>(o);
    ASSERT_TRUE(hub->wait_ready(10s));
    hub->add_routes(routes, {});
    http::server_options so;
    so.access_log = false;
    srv = std::make_unique<http::server>(ioc, so, routes);
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { ioc.run(); });
  }
  void hset(const std::string& sym, const std::string& json) {
    ASSERT_TRUE(redis.command({"HSET", key, sym, json}).ok());
  }
  void publish(const std::string& sym, const std::string& json) {
    ASSERT_TRUE(redis.command({"PUBLISH", prefix + sym, json}).ok());
  }
  http::client_result get(const std::string& target) {
    return http::request_blocking("127.0.0.1", srv->port(), "GET", target);
  }
  ~hub_fixture() override {
    if (srv) srv->stop();
    ioc.stop();
    for (auto& t : threads) t.join();
    srv.reset();
    hub.reset();
    redis.command({"DEL", key});
  }
};

struct ws_client {
  net::io_context ioc;
  bws::stream<tcp::socket> ws{ioc};
  void connect(std::uint16_t port) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.handshake("127.0.0.1", "/ws/quotes");
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
  void send(const std::string& s) { ws.write(net::buffer(s)); }
};

TEST_F(hub_fixture, RestSingleAllUnknownAndNotYetQuoted) {
  auto btc = quote_json("BTC-USD", "50000.00");
  hset("BTC-USD", btc);
  start();

  auto one = get("/api/quotes?symbol=BTC-USD");
  ASSERT_TRUE(one.ok);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body, btc);

  auto all = get("/api/quotes");
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "{\"quotes\":[" + btc + "]}");

  auto unknown = get("/api/quotes?symbol=DOGE-USD");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("INVALID_SYMBOL"), std::string::npos);

  auto none = get("/api/quotes?symbol=ETH-USD");
  EXPECT_EQ(none.status, 503);
  EXPECT_NE(none.body.find("SERVICE_UNAVAILABLE"), std::string::npos);

  // A live quote replaces the cached one.
  auto eth = quote_json("ETH-USD", "3000.00");
  publish("ETH-USD", eth);
  EXPECT_TRUE(eventually([&] { return get("/api/quotes?symbol=ETH-USD").body == eth; }));
}

TEST_F(hub_fixture, WebSocketSnapshotThenLive) {
  auto btc = quote_json("BTC-USD", "50000.00");
  auto eth = quote_json("ETH-USD", "3000.00");
  hset("BTC-USD", btc);
  hset("ETH-USD", eth);
  start();
  ws_client c;
  c.connect(srv->port());
  std::set<std::string> snapshot{c.read(), c.read()};
  EXPECT_EQ(snapshot, (std::set<std::string>{btc, eth}));

  auto live = quote_json("BTC-USD", "50001.00");
  ASSERT_TRUE(eventually([&] { return hub->stats().clients == 1; }));
  publish("BTC-USD", live);
  EXPECT_EQ(c.read(), live);
}

// What is pending for a client goes out in one write: here the snapshot's two quotes, the
// second framed by the hub (a 64-bit length: over 65,535 bytes) behind Beast's first. A client
// reads them as two ordinary messages; then a live pair of a 16-bit and a 7-bit length.
TEST_F(hub_fixture, PendingQuotesGoOutInOneWriteAsSeparateMessages) {
  auto btc = quote_json("BTC-USD", "50000.00");
  auto eth = quote_json("ETH-USD", "3000.00", std::string(70'000, 'e'));
  hset("BTC-USD", btc);
  hset("ETH-USD", eth);
  start();
  ws_client c;
  c.connect(srv->port());
  EXPECT_EQ(c.read(), btc);
  EXPECT_EQ(c.read(), eth);
  ASSERT_TRUE(eventually([&] { return hub->stats().sent == 2; }));
  EXPECT_EQ(hub->stats().writes, 1u);

  auto btc2 = quote_json("BTC-USD", "50001.00", std::string(300, 'b'));
  auto eth2 = quote_json("ETH-USD", "3001.00");
  publish("BTC-USD", btc2);
  publish("ETH-USD", eth2);
  EXPECT_EQ(c.read(), btc2);
  EXPECT_EQ(c.read(), eth2);
  ASSERT_TRUE(eventually([&] { return hub->stats().sent == 4; }));
  EXPECT_LE(hub->stats().writes, 3u);
  // The connection is still in step: a request is answered after the quotes.
  c.send("nonsense");
  EXPECT_NE(c.read().find("\"BAD_REQUEST\""), std::string::npos);
}

// Clients leave from the middle of the list (a session knows its slot and the last one moves
// into it); everyone still connected keeps receiving, the one who left is no longer counted.
TEST_F(hub_fixture, ClientsLeavingFromTheMiddleKeepTheOthersServed) {
  start();
  std::vector<std::unique_ptr<ws_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<ws_client>());
    clients.back()->connect(srv->port());
  }
  ASSERT_TRUE(eventually([&] { return hub->stats().clients == 4; }));
  clients[1]->ws.close(bws::close_code::normal);
  clients[1].reset();
  clients[0]->ws.close(bws::close_code::normal);
  clients[0].reset();
  ASSERT_TRUE(eventually([&] { return hub->stats().clients == 2; }));

  auto live = quote_json("BTC-USD", "42.00");
  publish("BTC-USD", live);
  EXPECT_EQ(clients[2]->read(), live);
  EXPECT_EQ(clients[3]->read(), live);
  ws_client late;
  late.connect(srv->port());
  EXPECT_EQ(late.read(), live);  // the snapshot of the newest quote
  ASSERT_TRUE(eventually([&] { return hub->stats().clients == 3; }));
}

TEST_F(hub_fixture, SubscribeNarrowsAndBadRequestsKeepTheConnection) {
  hset("BTC-USD", quote_json("BTC-USD", "1.00"));
  hset("ETH-USD", quote_json("ETH-USD", "2.00"));
  start();
  ws_client c;
  c.connect(srv->port());
  c.read();
  c.read();

  c.send(R"({"op":"subscribe","symbols":["ETH-USD"]})");
  c.send(R"({"op":"subscribe","symbols":["DOGE-USD"]})");
  EXPECT_NE(c.read().find("\"INVALID_SYMBOL\""), std::string::npos);
  c.send("nonsense");
  // The reader handles messages in order, so the subscribe is in force after this answer.
  EXPECT_NE(c.read().find("\"BAD_REQUEST\""), std::string::npos);

  auto eth = quote_json("ETH-USD", "2.50");
  publish("BTC-USD", quote_json("BTC-USD", "1.50"));
  publish("ETH-USD", eth);
  EXPECT_EQ(c.read(), eth);
}

TEST_F(hub_fixture, SlowClientIsCoalescedBoundedAndClosed) {
  quote_hub_options o;
  o.client_queue_limit = 4;
  o.slow_client_timeout_ms = 300ms;
  start(o);

  // A client that never reads: its TCP buffers fill, then the hub's queue.
  ws_client slow;
  slow.ws.next_layer().open(tcp::v4());
  slow.ws.next_layer().set_option(net::socket_base::receive_buffer_size(4096));
  slow.connect(srv->port());
  ASSERT_TRUE(eventually([&] { return hub->stats().clients == 1; }));

  std::string pad(32 * 1024, 'x');
  int i = 0;
  ASSERT_TRUE(eventually(
      [&] {
        ++i;
        std::string sym = i % 2 ? "BTC-USD" : "ETH-USD";
        publish(sym, quote_json(sym, std::to_string(i) + ".00", pad));
        auto s = hub->stats();
        return s.coalesced > 0 && s.slow_closed == 1;
      },
      20s));
  auto s = hub->stats();
  EXPECT_LE(s.max_queue_seen, 4u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_TRUE(eventually([&] { return hub->stats().clients == 0; }));

  // The client now finds its stream ended: a close frame saying why, or a cut connection.
  beast::error_code ec;
  for (;;) {
    beast::flat_buffer b;
    slow.ws.read(b, ec);
    if (ec) break;
  }
  if (ec == bws::error::closed) {
    EXPECT_EQ(slow.ws.reason().code, 1008);
    EXPECT_EQ(std::string(slow.ws.reason().reason.c_str()), "client too slow");
  }
}

// Pub/Sub loses what is published while Redis is away; after the subscriber reconnects the
// hub reloads the snapshot hash, so a quote that reached only the hash still arrives. The
// newer quote is written to the hash (never published) before the restart, and the private
// Redis keeps its append-only file: the reload after reconnecting is the only way the hub can
// learn it, whichever side reconnects first.
TEST_F(hub_fixture, ReloadsTheSnapshotAfterARedisRestart) {
  hset("BTC-USD", quote_json("BTC-USD", "1.00"));
  start();
  ASSERT_EQ(*hub->latest("BTC-USD"), quote_json("BTC-USD", "1.00"));
  auto loads = hub->stats().snapshot_loads;

  auto newer = quote_json("BTC-USD", "2.00");
  hset("BTC-USD", newer);  // not published: the connected hub does not see it
  EXPECT_EQ(*hub->latest("BTC-USD"), quote_json("BTC-USD", "1.00"));
  ASSERT_EQ(test::infra("stop-redis"), 0);
  ASSERT_EQ(test::infra("start-redis"), 0);
  EXPECT_TRUE(eventually(
      [&] {
        auto p = hub->latest("BTC-USD");
        return p && *p == newer;
      },
      20s));
  EXPECT_GT(hub->stats().snapshot_loads, loads);
}

}  // namespace
}  // namespace mc::gateway::market
