// RFC 3339 parsing/printing and the exact JSON form of a quote.
#include <gtest/gtest.h>

#include "quotes/quote.h"
#include "quotes/time_format.h"

namespace mc::quotes {
namespace {

using namespace std::chrono;

TEST(QuoteTime, ParsesCoinbaseMicroseconds) {
  auto t = parse_rfc3339("2024-05-01T14:30:00.643584Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_ms(*t), "2024-05-01T14:30:00.643Z");
  auto base = sys_days{year{2024} / 5 / 1} + hours{14} + minutes{30};
  EXPECT_EQ(*t, timestamp{base} + microseconds{643584});
}

TEST(QuoteTime, AcceptsOffsetsAndShortFractions) {
  EXPECT_EQ(parse_rfc3339("2024-05-01T16:30:00.5+02:00"),
            parse_rfc3339("2024-05-01T14:30:00.500Z"));
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:30:00Z"), parse_rfc3339("2024-05-01T14:30:00.000000Z"));
  // Nanoseconds are truncated to microseconds.
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:30:00.123456789Z"),
            parse_rfc3339("2024-05-01T14:30:00.123456Z"));
}

TEST(QuoteTime, RejectsGarbage) {
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T14:30:00", "2024-02-30T00:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T14:30:00.Z", "2024-05-01T14:30:00Zjunk", "yesterday", "2024-05-01 14:30:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(QuoteJson, ExactDecimalsAndFields) {
  quote q;
  q.symbol = "BTC-USD";
  q.bid = 5812345;  // 58123.45
  q.ask = 5812346;
  q.last = 5812346;
  q.bid_size = 1;          // 0.00000001
  q.ask_size = 150000000;  // 1.5
  q.exchange_time = *parse_rfc3339("2024-05-01T14:30:00.643584Z");
  q.receive_time = *parse_rfc3339("2024-05-01T14:30:00.700000Z");
  q.source = feed_source::coinbase;
  q.sequence = 79540013906;
  EXPECT_EQ(to_json(q, false),
            R"({"symbol":"BTC-USD","bid":"58123.45","ask":"58123.46","last":"58123.46",)"
            R"("bid_size":"0.00000001","ask_size":"1.50000000","ts":"2024-05-01T14:30:00.643Z",)"
            R"("recv_ts":"2024-05-01T14:30:00.700Z","seq":79540013906,"source":"coinbase",)"
            R"("stale":false})");
  EXPECT_NE(to_json(q, true).find(R"("stale":true)"), std::string::npos);
}

}  // namespace
}  // namespace mc::quotes
