// WS /ws/orders against a real Redis: a signed-in client receives its own order events as
// TradeLedger's relay appends them to the stream, never another user's, each once, and gets
// its greeting first.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "common/http/server.h"
#include "common/redis/client.h"
#include "gateway/api/order_stream.h"
#include "support/test_env.h"

namespace mc::gateway::api {
namespace {

namespace beast = boost::beast;
namespace bws = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// The caller from "X-Test-User" (the real gateway verifies an access token).
net::awaitable<std::optional<http::response>> as_test_user(http::request& req) {
  const auto user = req.header("X-Test-User");
  if (!user) co_return http::error_response(401, http::code::unauthorized, "who?", req.request_id);
  req.principal.assign(*user);
  co_return std::nullopt;
}

struct ws_client {
  net::io_context ioc;
  bws::stream<tcp::socket> ws{ioc};

  ws_client(std::uint16_t port, const std::string& user) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.set_option(
        bws::stream_base::decorator([user](bws::request_type& r) { r.set("X-Test-User", user); }));
    ws.handshake("127.0.0.1", "/ws/orders");
  }
  std::string read() {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  }
};

class OrderStream : public ::testing::Test {
 protected:
  void SetUp() override {
    stream_ = std::make_unique<order_stream>(mc::test::redis_url());
    stream_->add_route(routes_, as_test_user);
    stream_->start();
    ASSERT_TRUE(stream_->wait_subscribed(5s));
    http::server_options o;
    o.access_log = false;
    server_ = std::make_unique<http::server>(ioc_, o, routes_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  void TearDown() override {
    stream_->stop();
    server_->stop();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  // What TradeLedger's outbox relay does: append to the order-event stream.
  void publish(const std::string& user, const std::string& payload, std::int64_t seq) {
    redis::client r(mc::test::redis_url());
    ASSERT_TRUE(r.command({"XADD", "events:orders", "*", "seq", std::to_string(seq), "channel",
                           "orders:" + user, "payload", payload})
                    .ok());
  }
  // Waits (bounded) until the stream has this many clients registered.
  bool clients_are(std::size_t n) {
    for (int i = 0; i < 250; ++i) {
      if (stream_->clients() == n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  net::io_context ioc_;
  http::router routes_;
  std::unique_ptr<order_stream> stream_;
  std::unique_ptr<http::server> server_;
  std::vector<std::thread> threads_;
};

TEST_F(OrderStream, DeliversOwnEventsOnlyInOrder) {
  ws_client alice(server_->port(), "alice");
  ws_client bob(server_->port(), "bob");
  EXPECT_EQ(alice.read(), R"({"event":"subscribed","user_id":"alice"})");
  EXPECT_EQ(bob.read(), R"({"event":"subscribed","user_id":"bob"})");
  ASSERT_TRUE(clients_are(2));
  publish("alice", R"({"seq":7,"user_seq":1,"event":"order"})", 7);
  publish("bob", R"({"seq":8,"user_seq":1,"event":"order"})", 8);
  publish("alice", R"({"seq":7,"user_seq":1,"event":"order"})", 7);  // a relay repeat: dropped
  publish("alice", R"({"seq":9,"user_seq":2,"event":"fill"})", 9);
  EXPECT_EQ(alice.read(), R"({"seq":7,"user_seq":1,"event":"order"})");
  EXPECT_EQ(alice.read(), R"({"seq":9,"user_seq":2,"event":"fill"})");
  EXPECT_EQ(bob.read(), R"({"seq":8,"user_seq":1,"event":"order"})");
}

TEST_F(OrderStream, RefusesAnonymousUpgradesAndForgetsClosedClients) {
  {
    ws_client alice(server_->port(), "alice");
    alice.read();
    ASSERT_TRUE(clients_are(1));
    alice.ws.close(bws::close_code::normal);
  }
  EXPECT_TRUE(clients_are(0));
  net::io_context io;
  bws::stream<tcp::socket> anon(io);
  anon.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
  beast::error_code ec;
  anon.handshake("127.0.0.1", "/ws/orders", ec);
  EXPECT_TRUE(ec);  // 401 instead of the upgrade
}

}  // namespace
}  // namespace mc::gateway::api
