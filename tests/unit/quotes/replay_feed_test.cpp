// The replay feed on a real io_context: the shipped sample, malformed lines, pacing, looping.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>

#include "quotes/quote_checker.h"
#include "quotes/replay_feed.h"
#include "recording_sink.h"

namespace mc::quotes {
namespace {

using namespace std::chrono_literals;

std::string sample_path() {
  return std::string(MC_TEST_SOURCE_DIR) + "/data/coinbase_ticker_sample.jsonl";
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto path =
      std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".jsonl");
  std::ofstream(path) << text;
  return path.string();
}

std::string ticker(const std::string& product, uint64_t seq, const std::string& time,
                   const std::string& bid = "100.00", const std::string& ask = "100.01",
                   uint64_t trade_id = 0) {
  std::string t = R"({"type":"ticker","sequence":)" + std::to_string(seq) + R"(,"product_id":")" +
                  product + R"(","price":")" + bid + R"(","best_bid":")" + bid +
                  R"(","best_bid_size":"1.00000000","best_ask":")" + ask +
                  R"(","best_ask_size":"2.00000000","time":")" + time + "\"";
  if (trade_id) t += ",\"trade_id\":" + std::to_string(trade_id);
  return t + "}\n";
}

TEST(ReplayFeed, PlaysTheShippedSampleCleanly) {
  net::io_context ioc;
  replay_config cfg{sample_path(), 0.0, false};
  replay_feed feed(ioc.get_executor(), cfg);
  test::recording_sink sink;
  feed.start(sink);
  ioc.run_for(10s);
  EXPECT_TRUE(feed.finished());
  EXPECT_EQ(sink.quotes.size(), 200u);
  EXPECT_TRUE(sink.malformed.empty());
  EXPECT_TRUE(sink.gaps.empty());
  quote_checker checker({"BTC-USD", "ETH-USD"});
  int btc = 0;
  for (const auto& q : sink.quotes) {
    EXPECT_EQ(checker.check(q), std::nullopt) << q.symbol << " " << q.sequence;
    EXPECT_EQ(q.source, feed_source::replay);
    btc += q.symbol == "BTC-USD";
  }
  EXPECT_GT(btc, 50);
  EXPECT_LT(btc, 150);
  // Re-stamped: the first frame is "now", not the recording's 2024 date.
  auto age = clock::now() - sink.quotes.front().exchange_time;
  EXPECT_LT(age, 60s);
}

TEST(ReplayFeed, LoopingKeepsTimeAndSequenceMovingForward) {
  net::io_context ioc;
  replay_config cfg{sample_path(), 0.0, true};
  replay_feed feed(ioc.get_executor(), cfg);
  test::recording_sink sink;
  feed.start(sink);
  while (sink.quotes.size() < 650) ioc.run_one();
  feed.stop();
  ioc.run_for(1s);
  quote_checker checker({"BTC-USD", "ETH-USD"});
  for (const auto& q : sink.quotes) ASSERT_EQ(checker.check(q), std::nullopt) << q.sequence;
  EXPECT_TRUE(sink.gaps.empty());  // the wrap-around is not a lost ticker
  EXPECT_FALSE(feed.finished());
}

TEST(ReplayFeed, MalformedLinesReportedAndGapsNoticed) {
  std::string text = ticker("BTC-USD", 10, "2024-05-01T14:30:00.000Z", "100.00", "100.01", 500) +
                     "this is not json\n\n" + R"({"type":"ticker","product_id":"BTC-USD"})" + "\n" +
                     R"({"type":"heartbeat","product_id":"BTC-USD","sequence":11})" + "\n" +
                     ticker("BTC-USD", 12, "2024-05-01T14:30:00.100Z", "100.00", "100.01", 504);
  auto path = write_temp("replay_malformed", text);
  net::io_context ioc;
  replay_feed feed(ioc.get_executor(), replay_config{path, 0.0, false});
  test::recording_sink sink;
  feed.start(sink);
  ioc.run_for(5s);
  EXPECT_EQ(sink.quotes.size(), 2u);
  EXPECT_EQ(sink.malformed.size(), 2u);
  ASSERT_EQ(sink.gaps.size(), 1u);
  EXPECT_EQ(sink.gaps[0], (std::pair<std::string, uint64_t>{"BTC-USD", 3}));
  std::filesystem::remove(path);
}

TEST(ReplayFeed, PacedBySpeed) {
  // Two seconds of recording at speed 10 take about 200 ms.
  std::string text = ticker("BTC-USD", 1, "2024-05-01T14:30:00.000Z") +
                     ticker("BTC-USD", 2, "2024-05-01T14:30:01.000Z") +
                     ticker("BTC-USD", 3, "2024-05-01T14:30:02.000Z");
  auto path = write_temp("replay_paced", text);
  net::io_context ioc;
  replay_feed feed(ioc.get_executor(), replay_config{path, 10.0, false});
  test::recording_sink sink;
  auto started = std::chrono::steady_clock::now();
  feed.start(sink);
  ioc.run_for(5s);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(sink.quotes.size(), 3u);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 2s);
  // Exchange times are scaled with the speed, so they track the wall clock.
  EXPECT_EQ(sink.quotes[2].exchange_time - sink.quotes[0].exchange_time, 200ms);
  std::filesystem::remove(path);
}

TEST(ReplayFeed, MissingFileReportsDisconnect) {
  net::io_context ioc;
  replay_feed feed(ioc.get_executor(), replay_config{"/no/such/replay.jsonl", 0.0, true});
  test::recording_sink sink;
  feed.start(sink);
  ioc.run_for(2s);
  EXPECT_EQ(sink.disconnects.size(), 1u);
  EXPECT_TRUE(sink.quotes.empty());
}

}  // namespace
}  // namespace mc::quotes
