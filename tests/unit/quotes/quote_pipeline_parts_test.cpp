// Small parts of the pipeline: conflating queue bounds, snapshot staleness, backoff, gaps.
#include <gtest/gtest.h>

#include "quotes/backoff.h"
#include "quotes/conflating_queue.h"
#include "quotes/quote_book.h"
#include "quotes/trade_gap_tracker.h"

namespace mc::quotes {
namespace {

using namespace std::chrono_literals;

quote make(const std::string& symbol, uint64_t seq, timestamp recv = {}) {
  quote q;
  q.symbol = symbol;
  q.bid = 100;
  q.ask = 101;
  q.bid_size = q.ask_size = 1;
  q.sequence = seq;
  q.receive_time = recv;
  return q;
}

TEST(QuoteConflation, BoundedPerSymbolNewestWins) {
  conflating_queue queue(3);
  size_t discarded = 0;
  for (uint64_t i = 1; i <= 1000; ++i) discarded += queue.push({make("BTC-USD", i), false});
  queue.push({make("ETH-USD", 1), false});
  EXPECT_EQ(queue.size(), 4u);
  EXPECT_EQ(discarded, 997u);
  std::vector<outgoing_quote> out;
  queue.take(out, 100);
  ASSERT_EQ(out.size(), 4u);
  // Round robin: BTC 998, ETH 1, BTC 999, BTC 1000.
  EXPECT_EQ(out[0].q.sequence, 998u);
  EXPECT_EQ(out[1].q.symbol, "ETH-USD");
  EXPECT_EQ(out.back().q.sequence, 1000u);
  EXPECT_TRUE(queue.empty());
}

TEST(QuoteConflation, FailedBatchKeepsOnlyNewest) {
  conflating_queue queue(100);
  for (uint64_t i = 1; i <= 10; ++i) queue.push({make("BTC-USD", i), false});
  queue.push({make("ETH-USD", 1), false});
  std::vector<outgoing_quote> batch;
  queue.take(batch, 100);
  // While the batch was in flight: a newer ETH quote and several BTC quotes arrived.
  queue.push({make("ETH-USD", 2), false});
  for (uint64_t i = 11; i <= 13; ++i) queue.push({make("BTC-USD", i), false});
  queue.restore_newest(batch);
  EXPECT_TRUE(batch.empty());
  std::vector<outgoing_quote> out;
  queue.take(out, 100);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& item : out) {
    EXPECT_EQ(item.q.sequence, item.q.symbol == "BTC-USD" ? 13u : 2u);
  }
}

TEST(QuoteConflation, FailedBatchRestoredWhenNothingNewer) {
  conflating_queue queue(100);
  for (uint64_t i = 1; i <= 5; ++i) queue.push({make("BTC-USD", i), false});
  std::vector<outgoing_quote> batch;
  queue.take(batch, 100);
  queue.restore_newest(batch);
  ASSERT_EQ(queue.size(), 1u);
  std::vector<outgoing_quote> out;
  queue.take(out, 100);
  EXPECT_EQ(out[0].q.sequence, 5u);
}

TEST(QuoteBook, StalenessByReceiveTime) {
  timestamp t0{std::chrono::seconds{1714573800}};
  quote_book book({"BTC-USD", "ETH-USD"}, 1000ms);
  EXPECT_TRUE(book.refresh_staleness(t0).empty());
  EXPECT_FALSE(book.any_stale());
  book.update(make("BTC-USD", 1, t0));
  EXPECT_TRUE(book.refresh_staleness(t0 + 900ms).empty());
  EXPECT_FALSE(book.any_stale());
  // ETH never quoted: stale after the grace period; BTC turns stale and is reported once.
  auto turned = book.refresh_staleness(t0 + 1001ms);
  ASSERT_EQ(turned.size(), 1u);
  EXPECT_EQ(turned[0].q.symbol, "BTC-USD");
  EXPECT_TRUE(turned[0].stale);
  EXPECT_TRUE(book.any_stale());
  EXPECT_TRUE(book.get("BTC-USD")->stale);
  EXPECT_TRUE(book.refresh_staleness(t0 + 2000ms).empty());
  // A fresh quote clears it at once.
  book.update(make("BTC-USD", 2, t0 + 2000ms));
  EXPECT_FALSE(book.get("BTC-USD")->stale);
  EXPECT_FALSE(book.get("ETH-USD"));
  EXPECT_FALSE(book.known("DOGE-USD"));
  auto json = book_to_json(book.all());
  EXPECT_EQ(json.rfind("{\"quotes\":[{\"symbol\":\"BTC-USD\"", 0), 0u) << json;
}

TEST(QuoteBackoff, JitteredExponentialCapped) {
  backoff b(100ms, 1000ms, 1);
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 8; ++i) waits.push_back(b.next());
  EXPECT_GE(waits[0], 50ms);
  EXPECT_LE(waits[0], 100ms);
  EXPECT_GE(waits[3], 400ms);
  EXPECT_LE(waits[3], 800ms);
  for (int i = 4; i < 8; ++i) {
    EXPECT_GE(waits[i], 500ms);
    EXPECT_LE(waits[i], 1000ms);
  }
  b.reset();
  EXPECT_LE(b.next(), 100ms);
}

TEST(QuoteGaps, TradeIdJumps) {
  trade_gap_tracker gaps;
  EXPECT_EQ(gaps.observe("BTC-USD", 100), 0u);
  EXPECT_EQ(gaps.observe("BTC-USD", 101), 0u);
  EXPECT_EQ(gaps.observe("BTC-USD", 105), 3u);
  EXPECT_EQ(gaps.observe("BTC-USD", 104), 0u);
  EXPECT_EQ(gaps.observe("ETH-USD", 7), 0u);
}

}  // namespace
}  // namespace mc::quotes
