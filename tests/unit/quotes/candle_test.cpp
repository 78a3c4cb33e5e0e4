// candle_aggregator: buckets on UTC boundaries, OHLC of the mid price, closing on rollover,
// late quotes ignored; mid rounding; the JSON form served by the gateway.
#include "quotes/candle.h"

#include <gtest/gtest.h>

namespace mc::quotes {
namespace {

constexpr int64_t t0 = 1'764'374'400;  // 2025-11-29T00:00:00Z, a whole hour

std::vector<candle_update> only(const std::vector<candle_update>& all, candle_interval i) {
  std::vector<candle_update> out;
  for (const auto& u : all) {
    if (u.interval == i) out.push_back(u);
  }
  return out;
}

TEST(MidPrice, RoundsHalfCentUp) {
  EXPECT_EQ(mid_price(10000, 10002), 10001);
  EXPECT_EQ(mid_price(10000, 10001), 10001);  // 100.005 -> 100.01
  EXPECT_EQ(mid_price(10001, 10001), 10001);
  EXPECT_EQ(mid_price(1, 2), 2);
}

TEST(CandleInterval, ParsesTheThreeSpellings) {
  EXPECT_EQ(parse_candle_interval("1m"), candle_interval::m1);
  EXPECT_EQ(parse_candle_interval("5m"), candle_interval::m5);
  EXPECT_EQ(parse_candle_interval("1h"), candle_interval::h1);
  EXPECT_EQ(parse_candle_interval("1d"), std::nullopt);
  EXPECT_EQ(parse_candle_interval(""), std::nullopt);
  EXPECT_EQ(interval_seconds(candle_interval::m5), 300);
}

TEST(CandleAggregator, FoldsQuotesIntoOneOpenCandlePerInterval) {
  candle_aggregator agg;
  std::vector<candle_update> out;
  agg.add("BTC-USD", t0 + 5, 5000000, out);
  agg.add("BTC-USD", t0 + 20, 5000300, out);
  agg.add("BTC-USD", t0 + 30, 4999900, out);
  agg.add("BTC-USD", t0 + 59, 5000100, out);
  auto c = agg.open_candle("BTC-USD", candle_interval::m1);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, (candle{t0, 5000000, 5000300, 4999900, 5000100, 4}));
  EXPECT_EQ(agg.open_candle("BTC-USD", candle_interval::h1)->start_s, t0);
  EXPECT_FALSE(agg.open_candle("ETH-USD", candle_interval::m1));
  for (const auto& u : out) EXPECT_FALSE(u.closed);
  EXPECT_EQ(out.size(), 4u * all_candle_intervals.size());
}

TEST(CandleAggregator, ANewBucketClosesTheOldCandleFirst) {
  candle_aggregator agg;
  std::vector<candle_update> out;
  agg.add("BTC-USD", t0 + 10, 100, out);
  agg.add("BTC-USD", t0 + 50, 120, out);
  out.clear();
  agg.add("BTC-USD", t0 + 61, 90, out);
  auto m1 = only(out, candle_interval::m1);
  ASSERT_EQ(m1.size(), 2u);
  EXPECT_TRUE(m1[0].closed);
  EXPECT_EQ(m1[0].c, (candle{t0, 100, 120, 100, 120, 2}));
  EXPECT_FALSE(m1[1].closed);
  EXPECT_EQ(m1[1].c, (candle{t0 + 60, 90, 90, 90, 90, 1}));
  // The 5-minute and hourly candles are still open and took the quote in.
  auto m5 = only(out, candle_interval::m5);
  ASSERT_EQ(m5.size(), 1u);
  EXPECT_EQ(m5[0].c, (candle{t0, 100, 120, 90, 90, 3}));
}

TEST(CandleAggregator, BucketsAlignToTheIntervalNotTheFirstQuote) {
  candle_aggregator agg;
  std::vector<candle_update> out;
  agg.add("ETH-USD", t0 + 299, 1, out);
  EXPECT_EQ(agg.open_candle("ETH-USD", candle_interval::m5)->start_s, t0);
  out.clear();
  agg.add("ETH-USD", t0 + 300, 2, out);
  auto m5 = only(out, candle_interval::m5);
  ASSERT_EQ(m5.size(), 2u);
  EXPECT_TRUE(m5[0].closed);
  EXPECT_EQ(m5[1].c.start_s, t0 + 300);
  // A gap of several minutes gives no empty candles in between.
  out.clear();
  agg.add("ETH-USD", t0 + 1000, 3, out);
  auto m1 = only(out, candle_interval::m1);
  ASSERT_EQ(m1.size(), 2u);
  EXPECT_EQ(m1[0].c.start_s, t0 + 300);
  EXPECT_EQ(m1[1].c.start_s, t0 + 960);
}

TEST(CandleAggregator, LateQuotesDoNotReopenClosedCandles) {
  candle_aggregator agg;
  std::vector<candle_update> out;
  agg.add("BTC-USD", t0 + 70, 100, out);
  out.clear();
  agg.add("BTC-USD", t0 + 50, 999, out);  // belongs to a bucket before the open one
  EXPECT_TRUE(only(out, candle_interval::m1).empty());
  EXPECT_EQ(agg.open_candle("BTC-USD", candle_interval::m1)->high, 100);
  // ...but it is inside the open 5-minute candle, so that one takes it.
  EXPECT_EQ(agg.open_candle("BTC-USD", candle_interval::m5)->high, 999);
}

TEST(CandleAggregator, SymbolsAreIndependent) {
  candle_aggregator agg;
  std::vector<candle_update> out;
  agg.add("BTC-USD", t0, 100, out);
  agg.add("ETH-USD", t0 + 120, 7, out);
  EXPECT_EQ(agg.open_candle("BTC-USD", candle_interval::m1)->start_s, t0);
  EXPECT_EQ(agg.open_candle("ETH-USD", candle_interval::m1)->start_s, t0 + 120);
  for (const auto& u : out) EXPECT_FALSE(u.closed);
}

TEST(CandleJson, DecimalStringsAndBothTimeForms) {
  EXPECT_EQ(to_json(candle{t0, 5000000, 5000301, 4999900, 5000005, 42}),
            R"({"t":1764374400,"start":"2025-11-29T00:00:00Z","open":"50000.00",)"
            R"("high":"50003.01","low":"49999.00","close":"50000.05","ticks":42})");
}

}  // namespace
}  // namespace mc::quotes
