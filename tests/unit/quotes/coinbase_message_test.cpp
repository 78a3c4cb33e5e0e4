// Parsing Coinbase frames (live connector and replay files share this) into exact quotes.
#include <gtest/gtest.h>

#include "quotes/coinbase_message.h"
#include "quotes/time_format.h"

namespace mc::quotes {
namespace {

const char* ticker_text =
    R"({"type":"ticker","sequence":79540013906,"product_id":"BTC-USD","price":"58124.46",)"
    R"("open_24h":"57650.01","best_bid":"58124.45","best_bid_size":"1.67764442",)"
    R"("best_ask":"58124.46","best_ask_size":"0.00000001","side":"buy",)"
    R"("time":"2024-05-01T14:30:00.643584Z","trade_id":642110236,"last_size":"1.93791375"})";

timestamp recv() {
  return *parse_rfc3339("2024-05-01T14:30:01Z");
}

TEST(CoinbaseMessage, ParsesTickerExactly) {
  auto msg = parse_coinbase_message(ticker_text, feed_source::coinbase, recv());
  auto* t = std::get_if<coinbase_ticker>(&msg);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->q.symbol, "BTC-USD");
  EXPECT_EQ(t->q.bid, 5812445);
  EXPECT_EQ(t->q.ask, 5812446);
  EXPECT_EQ(t->q.last, 5812446);
  EXPECT_EQ(t->q.bid_size, 167764442);
  EXPECT_EQ(t->q.ask_size, 1);
  EXPECT_EQ(t->q.sequence, 79540013906u);
  EXPECT_EQ(t->q.exchange_time, *parse_rfc3339("2024-05-01T14:30:00.643584Z"));
  EXPECT_EQ(t->q.receive_time, recv());
  EXPECT_EQ(t->q.source, feed_source::coinbase);
  EXPECT_EQ(t->trade_id, 642110236u);
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

TEST(CoinbaseMessage, TrailingZerosBeyondScaleAreExact) {
  auto text = with(ticker_text, R"("best_bid":"58124.45")", R"("best_bid":"58124.4500000")");
  auto msg = parse_coinbase_message(text, feed_source::coinbase, recv());
  ASSERT_TRUE(std::holds_alternative<coinbase_ticker>(msg));
  EXPECT_EQ(std::get<coinbase_ticker>(msg).q.bid, 5812445);
}

TEST(CoinbaseMessage, MalformedTickers) {
  std::vector<std::string> bad = {
      "not json",
      "[1,2,3]",
      R"({"product_id":"BTC-USD"})",
      with(ticker_text, R"("best_bid":"58124.45")", R"("best_bid":"58124.455")"),  // sub-cent
      with(ticker_text, R"("best_bid":"58124.45")", R"("best_bid":58124.45)"),     // a number
      with(ticker_text, R"("best_ask":"58124.46",)", ""),                          // missing
      with(ticker_text, R"("best_bid_size":"1.67764442")", R"("best_bid_size":"1.677644421")"),
      with(ticker_text, R"("price":"58124.46")", R"("price":"1e5")"),
      with(ticker_text, R"("time":"2024-05-01T14:30:00.643584Z")", R"("time":"yesterday")"),
      with(ticker_text, R"("sequence":79540013906)", R"("sequence":-4)"),
      with(ticker_text, R"("product_id":"BTC-USD")", R"("product_id":"")"),
  };
  for (const auto& text : bad) {
    auto msg = parse_coinbase_message(text, feed_source::coinbase, recv());
    EXPECT_TRUE(std::holds_alternative<coinbase_malformed>(msg)) << text;
  }
}

TEST(CoinbaseMessage, NegativeAndZeroParseButCheckerJudges) {
  // "0.00" is a valid decimal; the checker (not the parser) rejects it as non_positive.
  auto text = with(ticker_text, R"("best_bid":"58124.45")", R"("best_bid":"0.00")");
  auto msg = parse_coinbase_message(text, feed_source::coinbase, recv());
  ASSERT_TRUE(std::holds_alternative<coinbase_ticker>(msg));
  // A minus sign is not a Coinbase price at all.
  text = with(ticker_text, R"("best_bid":"58124.45")", R"("best_bid":"-1.00")");
  EXPECT_TRUE(std::holds_alternative<coinbase_malformed>(
      parse_coinbase_message(text, feed_source::coinbase, recv())));
}

TEST(CoinbaseMessage, HeartbeatSubscriptionsErrorOther) {
  auto hb = parse_coinbase_message(
      R"({"type":"heartbeat","last_trade_id":642110300,"product_id":"ETH-USD","sequence":51230411953,"time":"2024-05-01T14:30:00.969239Z"})",
      feed_source::coinbase, recv());
  ASSERT_TRUE(std::holds_alternative<coinbase_heartbeat>(hb));
  EXPECT_EQ(std::get<coinbase_heartbeat>(hb).product_id, "ETH-USD");
  EXPECT_EQ(std::get<coinbase_heartbeat>(hb).last_trade_id, 642110300u);

  auto subs = parse_coinbase_message(
      R"({"type":"subscriptions","channels":[{"name":"ticker","product_ids":["BTC-USD","ETH-USD"]}]})",
      feed_source::coinbase, recv());
  ASSERT_TRUE(std::holds_alternative<coinbase_subscriptions>(subs));
  EXPECT_EQ(std::get<coinbase_subscriptions>(subs).product_ids.size(), 2u);

  auto err = parse_coinbase_message(
      R"({"type":"error","message":"Failed to subscribe","reason":"bad product"})",
      feed_source::coinbase, recv());
  ASSERT_TRUE(std::holds_alternative<coinbase_error>(err));
  EXPECT_EQ(std::get<coinbase_error>(err).message, "Failed to subscribe: bad product");

  auto other = parse_coinbase_message(R"({"type":"status"})", feed_source::coinbase, recv());
  EXPECT_TRUE(std::holds_alternative<coinbase_other>(other));
}

TEST(CoinbaseMessage, SubscribeRequest) {
  EXPECT_EQ(
      make_subscribe_message({"BTC-USD", "ETH-USD"}),
      R"({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channels":["ticker","heartbeat"]})");
}

}  // namespace
}  // namespace mc::quotes
