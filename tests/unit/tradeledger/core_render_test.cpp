// Pure pieces of the ledger core: JSON writer, error envelope, order answers, UUIDs, time text,
// array literals and quote decoding.
#include <gtest/gtest.h>

#include "tradeledger/api/ids.h"
#include "tradeledger/core/json_out.h"
#include "tradeledger/core/pg_array.h"
#include "tradeledger/core/quote_message.h"
#include "tradeledger/core/render.h"
#include "tradeledger/core/time_text.h"

namespace mc::tradeledger {
namespace {

TEST(CoreRender, JsonWriterNestsAndEscapes) {
  std::string out;
  json_out j(out);
  j.begin_object().field("a", "x\"y").key("b").begin_array().num(1).null().boolean(true);
  j.end_array().key("c").begin_object().end_object().end_object();
  EXPECT_EQ(out, R"({"a":"x\"y","b":[1,null,true],"c":{}})");
  std::string cont = R"({"seq":7)";
  json_out(cont, true).field("event", "trade");
  EXPECT_EQ(cont, R"({"seq":7,"event":"trade")");
}

TEST(CoreRender, ErrorEnvelopeAndStatus) {
  const auto r = make_error(error_code::insufficient_funds, "insufficient funds");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"error":{"code":"INSUFFICIENT_FUNDS","message":"insufficient funds"}})");
  EXPECT_EQ(http_status(error_code::order_not_cancelable), 409);
  EXPECT_EQ(parse_api_code("ORDER_NOT_FOUND"), error_code::order_not_found);
  EXPECT_FALSE(parse_api_code("NOPE"));
}

TEST(CoreRender, PlaceAnswerShape) {
  symbol_info s;
  s.name = "BTC-USD";
  s.base_scale = 8;
  s.quote_scale = 2;
  s.base_unit = 100'000'000;
  order_row o;
  o.public_id = "11111111-2222-4333-8444-555555555555";
  o.symbol = "BTC-USD";
  o.status = "PARTIALLY_FILLED";
  o.price = 5'000'000;
  o.qty = 1'000'000;
  o.filled_qty = 300'000;
  // 0.001 at 50000.00 and 0.002 at 50005.00: 50003.333... rounds to 50003.33.
  o.filled_value = engine::int128_t{5'000'000} * 100'000 + engine::int128_t{5'000'500} * 200'000;
  o.created_us = 1'700'000'000'123'456;
  EXPECT_EQ(render_place_answer(o, s),
            R"({"order_id":"11111111-2222-4333-8444-555555555555","status":"PARTIALLY_FILLED",)"
            R"("filled_qty":"0.00300000","avg_fill_price":"50003.33","symbol":"BTC-USD",)"
            R"("side":"BUY","type":"LIMIT","price":"50000.00","qty":"0.01000000",)"
            R"("time_in_force":"GTC","created_at":"2023-11-14T22:13:20.123456Z"})");
  o.filled_qty = 0;
  o.price.reset();
  const auto body = render_place_answer(o, s);
  EXPECT_EQ(body.find("avg_fill_price"), std::string::npos);
  EXPECT_NE(body.find(R"("price":null)"), std::string::npos);
}

// The average is the fills' true volume-weighted price, not one derived from the notional
// after it was rounded to the cent (which reported 64979.00 for a fill at 64979.08).
TEST(CoreRender, AverageFillPriceIsExact) {
  EXPECT_EQ(average_fill_price(engine::int128_t{6'497'908} * 100'000, 100'000), 6'497'908);
  EXPECT_EQ(average_fill_price(engine::int128_t{6'497'908} * 1, 1), 6'497'908);
  // Two fills, 1 sat at 100.00 and 2 sat at 100.01: 100.00666 rounds to 100.01.
  EXPECT_EQ(average_fill_price(engine::int128_t{10'000} + engine::int128_t{10'001} * 2, 3), 10'001);
  EXPECT_EQ(average_fill_price(0, 0), 0);
}

TEST(CoreRender, Uuids) {
  EXPECT_EQ(normalize_uuid("ABCDEF01-2345-6789-ABCD-EF0123456789"),
            "abcdef01-2345-6789-abcd-ef0123456789");
  EXPECT_FALSE(normalize_uuid("abcdef01-2345-6789-abcd-ef012345678"));
  EXPECT_FALSE(normalize_uuid("abcdef01x2345-6789-abcd-ef0123456789"));
  uuid_generator g;
  const auto a = g.next(), b = g.next();
  EXPECT_NE(a, b);
  EXPECT_EQ(normalize_uuid(a), a);
  EXPECT_EQ(a[14], '7');
  EXPECT_EQ(trade_uuid(255), "00000000-0000-0000-0000-0000000000ff");
}

TEST(CoreRender, OrderIdsAreTimeOrderedAndStrictlyIncreasing) {
  uuid_generator g;
  const auto t1 = g.next(1'700'000'000'000);
  EXPECT_EQ(t1.substr(0, 13), "018bcfe5-6800");  // 48-bit milliseconds, then the version
  EXPECT_EQ(t1[14], '7');
  EXPECT_NE(std::string("89ab").find(t1[19]), std::string::npos);  // RFC 9562 variant
  std::string prev = t1;
  for (int i = 0; i < 10'000; ++i) {  // more than the 12-bit counter holds in one millisecond
    const auto id = g.next(1'700'000'000'000);
    ASSERT_LT(prev, id) << "at " << i;
    prev = id;
  }
  const auto back = g.next(1'600'000'000'000);  // the clock stepped back: still increasing
  EXPECT_LT(prev, back);
  EXPECT_LT(back, g.next(1'800'000'000'000));
}

TEST(CoreRender, TradeUuid) {
  EXPECT_EQ(trade_uuid(255), "00000000-0000-0000-0000-0000000000ff");
}

TEST(CoreRender, TimeText) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339(1'700'000'000'000'001), "2023-11-14T22:13:20.000001Z");
}

TEST(CoreRender, PgArrayLiterals) {
  pg_array a;
  a.add(1);
  a.add_null();
  a.add(-3);
  EXPECT_EQ(a.str(), "{1,NULL,-3}");
  pg_array t;
  t.add_text("a\"b\\c");
  t.add_text("");
  t.add_text_or_null("");
  EXPECT_EQ(t.str(), R"({"a\"b\\c","",NULL})");
  EXPECT_EQ(pg_array{}.str(), "{}");
}

TEST(CoreRender, QuoteMessage) {
  const auto q = parse_quote_message(
      R"({"symbol":"BTC-USD","bid":"50000.00","ask":"50001.00","bid_size":"0.5",)"
      R"("ask_size":"0.7","last":"50000.50","ts":"x","seq":3,"source":"sim","stale":true})");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->symbol, "BTC-USD");
  EXPECT_EQ(q->ask_size, "0.7");
  EXPECT_TRUE(q->stale);
  EXPECT_FALSE(parse_quote_message("not json"));
  EXPECT_FALSE(parse_quote_message(R"({"symbol":"BTC-USD"})"));
}

}  // namespace
}  // namespace mc::tradeledger
