// The live connector against a local TLS WebSocket server speaking Coinbase's format:
// subscribe content, tickers, heartbeats, malformed frames, a mid-stream disconnect.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <functional>

#include "coinbase_test_server.h"
#include "quotes/coinbase_feed.h"
#include "unit/quotes/recording_sink.h"

namespace mc::quotes {
namespace {

using namespace std::chrono_literals;
using test::coinbase_test_server;
using test::connection_script;

std::string ticker(const std::string& product, uint64_t seq, uint64_t trade_id,
                   const std::string& bid, const std::string& ask, const std::string& time) {
  return R"({"type":"ticker","sequence":)" + std::to_string(seq) + R"(,"product_id":")" + product +
         R"(","price":")" + bid + R"(","open_24h":"1.00","best_bid":")" + bid +
         R"(","best_bid_size":"0.50000000","best_ask":")" + ask +
         R"(","best_ask_size":"0.25000000","side":"sell","time":")" + time + R"(","trade_id":)" +
         std::to_string(trade_id) + R"(,"last_size":"0.01000000"})";
}

std::string heartbeat(const std::string& product, uint64_t seq, uint64_t last_trade_id) {
  return R"({"type":"heartbeat","last_trade_id":)" + std::to_string(last_trade_id) +
         R"(,"product_id":")" + product + R"(","sequence":)" + std::to_string(seq) +
         R"(,"time":"2024-05-01T14:30:00.000000Z"})";
}

const std::string subscriptions =
    R"({"type":"subscriptions","channels":[{"name":"ticker","product_ids":["BTC-USD","ETH-USD"]}]})";

coinbase_config config_for(const coinbase_test_server& server) {
  coinbase_config c;
  c.url = server.url();
  c.ca_file = coinbase_test_server::cert_file();
  c.reconnect_min_ms = 20ms;
  c.reconnect_max_ms = 200ms;
  c.idle_timeout_ms = 2s;
  c.connect_timeout_ms = 2s;
  return c;
}

// Runs `ioc` until `done` or the deadline; false on timeout.
bool run_until(net::io_context& ioc, const std::function<bool()>& done,
               std::chrono::milliseconds deadline = 10s) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    ioc.run_for(5ms);
  }
  return true;
}

void stop_feed(net::io_context& ioc, coinbase_feed& feed) {
  feed.stop();
  ioc.run_for(200ms);
}

TEST(CoinbaseFeed, SubscribesAndDeliversTickers) {
  coinbase_test_server server({connection_script{
      {subscriptions, heartbeat("BTC-USD", 9, 99),
       ticker("BTC-USD", 10, 100, "58123.45", "58123.46", "2024-05-01T14:30:00.100000Z"),
       ticker("ETH-USD", 11, 500, "2987.95", "2987.96", "2024-05-01T14:30:00.200000Z")}}});
  net::io_context ioc;
  coinbase_feed feed(ioc.get_executor(), config_for(server), {"BTC-USD", "ETH-USD"});
  test::recording_sink sink;
  feed.start(sink);
  ASSERT_TRUE(run_until(ioc, [&] { return sink.quotes.size() == 2; }));

  auto subs = server.subscribe_messages();
  ASSERT_EQ(subs.size(), 1u);
  auto sub = boost::json::parse(subs[0]).as_object();
  EXPECT_EQ(sub.at("type").as_string(), "subscribe");
  EXPECT_EQ(sub.at("product_ids"), (boost::json::array{"BTC-USD", "ETH-USD"}));
  EXPECT_EQ(sub.at("channels"), (boost::json::array{"ticker", "heartbeat"}));

  EXPECT_EQ(sink.connects, 1);
  EXPECT_EQ(sink.quotes[0].symbol, "BTC-USD");
  EXPECT_EQ(sink.quotes[0].bid, 5812345);
  EXPECT_EQ(sink.quotes[0].ask_size, 25000000);
  EXPECT_EQ(sink.quotes[0].sequence, 10u);
  EXPECT_EQ(sink.quotes[0].source, feed_source::coinbase);
  EXPECT_EQ(sink.quotes[1].symbol, "ETH-USD");
  EXPECT_TRUE(sink.gaps.empty());  // heartbeat trade 99, then ticker trade 100: consecutive
  stop_feed(ioc, feed);
}

TEST(CoinbaseFeed, MalformedFramesAreReportedNotDelivered) {
  coinbase_test_server server({connection_script{
      {subscriptions, "{not json", R"({"type":"ticker","product_id":"BTC-USD"})",
       ticker("BTC-USD", 10, 100, "58123.455", "58123.46", "2024-05-01T14:30:00.100000Z"),
       R"({"type":"error","message":"Failed to subscribe"})",
       ticker("BTC-USD", 12, 101, "58123.45", "58123.46", "2024-05-01T14:30:00.300000Z")}}});
  net::io_context ioc;
  coinbase_feed feed(ioc.get_executor(), config_for(server), {"BTC-USD"});
  test::recording_sink sink;
  feed.start(sink);
  ASSERT_TRUE(run_until(ioc, [&] { return sink.quotes.size() == 1; }));
  EXPECT_EQ(sink.malformed.size(), 3u);
  EXPECT_EQ(sink.quotes[0].sequence, 12u);
  stop_feed(ioc, feed);
}

TEST(CoinbaseFeed, ReconnectsResubscribesAndCountsTheGap) {
  coinbase_test_server server({
      connection_script{{subscriptions, ticker("BTC-USD", 10, 100, "58123.45", "58123.46",
                                               "2024-05-01T14:30:00.100000Z")},
                        /*drop_after=*/true},
      connection_script{{subscriptions, ticker("BTC-USD", 20, 105, "58124.45", "58124.46",
                                               "2024-05-01T14:30:05.000000Z")}},
  });
  net::io_context ioc;
  coinbase_feed feed(ioc.get_executor(), config_for(server), {"BTC-USD"});
  test::recording_sink sink;
  feed.start(sink);
  ASSERT_TRUE(run_until(ioc, [&] { return sink.quotes.size() == 2; }));
  EXPECT_EQ(server.connections(), 2);
  auto subs = server.subscribe_messages();
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0], subs[1]);  // the same subscription again
  EXPECT_EQ(sink.connects, 1);
  EXPECT_EQ(sink.reconnects, 1);
  EXPECT_EQ(sink.disconnects.size(), 1u);
  EXPECT_EQ(sink.quotes[1].sequence, 20u);
  ASSERT_EQ(sink.gaps.size(), 1u);
  EXPECT_EQ(sink.gaps[0], (std::pair<std::string, uint64_t>{"BTC-USD", 4}));
  stop_feed(ioc, feed);
}

TEST(CoinbaseFeed, IdleConnectionIsReplaced) {
  // The server goes silent after the first ticker; the idle timeout must force a reconnect.
  coinbase_test_server server(
      {connection_script{{subscriptions, ticker("BTC-USD", 10, 100, "58123.45", "58123.46",
                                                "2024-05-01T14:30:00.100000Z")}}});
  net::io_context ioc;
  auto cfg = config_for(server);
  cfg.idle_timeout_ms = 300ms;
  coinbase_feed feed(ioc.get_executor(), cfg, {"BTC-USD"});
  test::recording_sink sink;
  feed.start(sink);
  ASSERT_TRUE(run_until(ioc, [&] { return sink.reconnects >= 1; }));
  EXPECT_GE(server.connections(), 2);
  stop_feed(ioc, feed);
}

TEST(CoinbaseFeed, UntrustedCertificateIsRefusedUnlessInsecure) {
  coinbase_test_server server(
      {connection_script{{subscriptions, ticker("BTC-USD", 10, 100, "58123.45", "58123.46",
                                                "2024-05-01T14:30:00.100000Z")}}});
  {
    net::io_context ioc;
    auto cfg = config_for(server);
    cfg.ca_file.clear();  // system store only: our self-signed cert is not in it
    coinbase_feed feed(ioc.get_executor(), cfg, {"BTC-USD"});
    test::recording_sink sink;
    feed.start(sink);
    ASSERT_TRUE(run_until(ioc, [&] { return sink.disconnects.size() >= 2; }));
    EXPECT_TRUE(sink.quotes.empty());
    EXPECT_EQ(sink.connects, 0);
    EXPECT_NE(sink.disconnects[0].find("tls handshake"), std::string::npos) << sink.disconnects[0];
    stop_feed(ioc, feed);
  }
  {
    net::io_context ioc;
    auto cfg = config_for(server);
    cfg.ca_file.clear();
    cfg.insecure_skip_verify = true;
    coinbase_feed feed(ioc.get_executor(), cfg, {"BTC-USD"});
    test::recording_sink sink;
    feed.start(sink);
    ASSERT_TRUE(run_until(ioc, [&] { return sink.quotes.size() == 1; }));
    stop_feed(ioc, feed);
  }
}

TEST(CoinbaseFeed, BadUrlOrCaFileFailsAtStartup) {
  net::io_context ioc;
  coinbase_config c;
  c.url = "https://example.com";
  EXPECT_THROW(coinbase_feed(ioc.get_executor(), c, {"BTC-USD"}), std::invalid_argument);
  c.url = "wss://127.0.0.1:1/";
  c.ca_file = "/no/such/ca.pem";
  EXPECT_THROW(coinbase_feed(ioc.get_executor(), c, {"BTC-USD"}), std::invalid_argument);
}

}  // namespace
}  // namespace mc::quotes
