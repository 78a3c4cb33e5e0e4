// The WebSocket half of the contract: /ws/quotes sends a snapshot of every symbol and then
// live quotes, and narrows on subscribe; /ws/orders streams the signed-in user's own order
// events with a contiguous user_seq.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <set>

#include "gateway_client.h"

namespace mc::contract {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bws = beast::websocket;
using tcp = net::ip::tcp;

struct ws_client {
  net::io_context ioc;
  bws::stream<beast::tcp_stream> ws{ioc};

  explicit ws_client(const std::string& target) {
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_port()));
    ws.next_layer().expires_after(std::chrono::seconds(15));
    ws.handshake("127.0.0.1", target);
  }
  boost::json::object read() {
    beast::flat_buffer b;
    ws.next_layer().expires_after(std::chrono::seconds(15));
    ws.read(b);
    return boost::json::parse(beast::buffers_to_string(b.data())).as_object();
  }
};

std::string s(const boost::json::value& v) {
  return std::string(v.as_string());
}

TEST(ContractWs, QuotesSnapshotThenLiveThenNarrowed) {
  // Let the feed publish at least one quote per symbol first.
  for (int i = 0; i < 100 && call("GET", "/api/quotes?symbol=ETH-USD").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ws_client c("/ws/quotes");
  std::set<std::string> snapshot;
  for (int i = 0; i < 2; ++i) snapshot.insert(s(c.read().at("symbol")));
  EXPECT_EQ(snapshot, (std::set<std::string>{"BTC-USD", "ETH-USD"}));
  // Live: quotes keep coming with a moving sequence number.
  const auto first = c.read();
  EXPECT_TRUE(first.contains("bid"));
  c.ws.write(net::buffer(std::string(R"({"op":"subscribe","symbols":["ETH-USD"]})")));
  int eth = 0;
  for (int i = 0; i < 20 && eth < 3; ++i) {
    const auto q = c.read();
    if (q.contains("error")) continue;
    if (s(q.at("symbol")) == "ETH-USD") ++eth;
  }
  EXPECT_EQ(eth, 3);
}

TEST(ContractWs, OrdersStreamTheUsersOwnEvents) {
  const user u = signup();
  fund(u, "1000.00");
  ws_client c("/ws/orders?token=" + u.token);
  EXPECT_EQ(s(c.read().at("event")), "subscribed");
  const reply placed = u.post(
      "/api/orders",
      R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"100.00","qty":"0.5"})", "ws-1");
  ASSERT_EQ(placed.status, 200) << placed.body;
  const auto event = c.read();
  EXPECT_EQ(s(event.at("event")), "order");
  EXPECT_EQ(s(event.at("order").at("order_id")), placed.str("order_id"));
  const std::int64_t first_seq = event.at("user_seq").as_int64();
  ASSERT_EQ(u.del("/api/orders/" + placed.str("order_id")).status, 200);
  const auto canceled = c.read();
  EXPECT_EQ(s(canceled.at("order").at("status")), "CANCELED");
  EXPECT_EQ(canceled.at("user_seq").as_int64(), first_seq + 1);  // no gap
  // Without a token there is no upgrade.
  net::io_context io;
  bws::stream<tcp::socket> anon(io);
  anon.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_port()));
  beast::error_code ec;
  anon.handshake("127.0.0.1", "/ws/orders", ec);
  EXPECT_TRUE(ec);
}

// Browsers offer the token as a subprotocol; the server selects the first one offered, so the
// token is neither in the URL nor echoed back. A bad token there gets no upgrade.
TEST(ContractWs, OrdersTakeTheTokenFromASubprotocol) {
  const user u = signup();
  auto handshake = [](const std::string& protocols, std::string& selected) {
    net::io_context io;
    bws::stream<tcp::socket> ws(io);
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), gateway_port()));
    ws.set_option(bws::stream_base::decorator([protocols](bws::request_type& req) {
      req.set(beast::http::field::sec_websocket_protocol, protocols);
    }));
    bws::response_type res;
    beast::error_code ec;
    ws.handshake(res, "127.0.0.1", "/ws/orders", ec);
    selected = std::string(res[beast::http::field::sec_websocket_protocol]);
    if (ec) return false;
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data()).find("\"subscribed\"") != std::string::npos;
  };
  std::string selected;
  EXPECT_TRUE(handshake("microcoin.v1, bearer." + u.token, selected));
  EXPECT_EQ(selected, "microcoin.v1");
  EXPECT_FALSE(handshake("microcoin.v1, bearer.not-a-token", selected));
}

}  // namespace
}  // namespace mc::contract
