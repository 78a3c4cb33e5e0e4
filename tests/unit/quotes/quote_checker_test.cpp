// Every drop reason of the checker, and that a rejected quote does not move the baseline.
#include <gtest/gtest.h>

#include "quotes/quote_checker.h"
#include "quotes/time_format.h"

namespace mc::quotes {
namespace {

quote good(uint64_t seq, const char* time = "2024-05-01T14:30:00.000Z") {
  quote q;
  q.symbol = "BTC-USD";
  q.bid = 5000000;
  q.ask = 5000001;
  q.last = 5000000;
  q.bid_size = 100000000;
  q.ask_size = 100000000;
  q.exchange_time = *parse_rfc3339(time);
  q.sequence = seq;
  return q;
}

TEST(QuoteChecker, AcceptsGoodQuotes) {
  quote_checker c({"BTC-USD", "ETH-USD"});
  EXPECT_EQ(c.check(good(1)), std::nullopt);
  EXPECT_EQ(c.check(good(2, "2024-05-01T14:30:00.000Z")), std::nullopt);   // same time is fine
  EXPECT_EQ(c.check(good(10, "2024-05-01T14:30:01.000Z")), std::nullopt);  // seq may skip
}

TEST(QuoteChecker, UnknownSymbol) {
  quote_checker c({"BTC-USD"});
  auto q = good(1);
  q.symbol = "DOGE-USD";
  EXPECT_EQ(c.check(q), drop_reason::unknown_symbol);
}

TEST(QuoteChecker, NonPositive) {
  quote_checker c({"BTC-USD"});
  for (int field = 0; field < 5; ++field) {
    auto q = good(1);
    int64_t* f[] = {&q.bid, &q.ask, &q.bid_size, &q.ask_size, &q.last};
    *f[field] = field == 4 ? -1 : 0;
    EXPECT_EQ(c.check(q), drop_reason::non_positive) << field;
  }
  auto negative = good(1);
  negative.bid = -5;
  EXPECT_EQ(c.check(negative), drop_reason::non_positive);
}

TEST(QuoteChecker, Crossed) {
  quote_checker c({"BTC-USD"});
  auto locked = good(1);
  locked.ask = locked.bid;
  EXPECT_EQ(c.check(locked), drop_reason::crossed);
  auto crossed = good(1);
  crossed.ask = crossed.bid - 1;
  EXPECT_EQ(c.check(crossed), drop_reason::crossed);
}

TEST(QuoteChecker, TimeBackwardsPerSymbol) {
  quote_checker c({"BTC-USD", "ETH-USD"});
  ASSERT_EQ(c.check(good(5, "2024-05-01T14:30:05.000Z")), std::nullopt);
  EXPECT_EQ(c.check(good(6, "2024-05-01T14:30:04.999Z")), drop_reason::time_backwards);
  auto eth = good(1, "2024-05-01T14:30:01.000Z");  // other symbols have their own clock
  eth.symbol = "ETH-USD";
  EXPECT_EQ(c.check(eth), std::nullopt);
}

TEST(QuoteChecker, SequenceBackwardsAndDuplicates) {
  quote_checker c({"BTC-USD"});
  ASSERT_EQ(c.check(good(5)), std::nullopt);
  EXPECT_EQ(c.check(good(5)), drop_reason::sequence_backwards);
  EXPECT_EQ(c.check(good(4)), drop_reason::sequence_backwards);
}

TEST(QuoteChecker, RejectedQuoteKeepsBaseline) {
  quote_checker c({"BTC-USD"});
  ASSERT_EQ(c.check(good(5, "2024-05-01T14:30:05.000Z")), std::nullopt);
  auto crossed = good(100, "2024-05-01T14:31:00.000Z");
  crossed.ask = crossed.bid;
  EXPECT_EQ(c.check(crossed), drop_reason::crossed);
  // Seq 6 at 14:30:06 is still fine: the crossed quote did not become the baseline.
  EXPECT_EQ(c.check(good(6, "2024-05-01T14:30:06.000Z")), std::nullopt);
  c.reset();
  EXPECT_EQ(c.check(good(1, "2024-05-01T14:00:00.000Z")), std::nullopt);
}

}  // namespace
}  // namespace mc::quotes
