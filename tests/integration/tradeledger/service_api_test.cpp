// The internal API end to end over HTTP against a real PostgreSQL and Redis: order
// lifecycle, partial fills, cancel, IOC/FOK, insufficient funds, idempotency, reads, health.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <set>
#include <string>
#include <vector>

#include "service_support.h"

namespace mc::test::tl {
namespace {

namespace json = boost::json;

// Users trade only with each other here: no house liquidity, so results are exact.
tradeledger::service_config no_house() {
  auto c = test_config();
  c.house_liquidity = false;
  return c;
}

std::string fund(running_service& s, const std::string& user, std::string_view amount,
                 std::string_view currency = "USD") {
  reply r = s.post("/topups", topup_body(user, amount, currency), unique_key("topup"));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.str("balance");
}

reply place(running_service& s, const std::string& user, std::string_view side,
            std::string_view price, std::string_view qty, std::string_view tif = "") {
  return s.post("/orders", order_body(user, side, "LIMIT", price, qty, tif), unique_key("order"));
}

reply order(running_service& s, const std::string& user, const std::string& id) {
  return s.get("/orders/" + id + "?user_id=" + user);
}

reply portfolio(running_service& s, const std::string& user) {
  return s.get("/portfolio/" + user);
}

// Sum of the "fee" of every fill of an order (quote-currency minor units).
std::int64_t fees_of(const reply& order_reply) {
  std::int64_t sum = 0;
  for (const auto& f : order_reply.json.at("fills").as_array()) {
    sum += minor(std::string(f.at("fee").as_string()), 2);
  }
  return sum;
}

TEST(ServiceApi, TopupReturnsNewBalanceAndPortfolioShowsIt) {
  running_service s(no_house());
  const std::string user = new_uuid();
  EXPECT_EQ(fund(s, user, "1000.50"), "1000.50");
  EXPECT_EQ(fund(s, user, "0.50"), "1001.00");
  reply p = portfolio(s, user);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(balance(p, "USD"), "1001.00");
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");
}

TEST(ServiceApi, OrderLifecycleWithPartialFills) {
  running_service s(no_house());
  const std::string buyer = new_uuid(), seller = new_uuid();
  fund(s, buyer, "100000.00");
  fund(s, seller, "1", "BTC");

  reply sell = place(s, seller, "SELL", "50000.00", "0.5");
  ASSERT_EQ(sell.status, 201) << sell.body;
  const std::string sell_id = sell.str("order_id");
  EXPECT_EQ(sell.str("status"), "NEW");
  EXPECT_EQ(order(s, seller, sell_id).str("status"), "NEW");

  reply b1 = place(s, buyer, "BUY", "50000.00", "0.2");
  ASSERT_EQ(b1.status, 201) << b1.body;
  EXPECT_EQ(b1.str("status"), "FILLED");
  EXPECT_EQ(b1.str("filled_qty"), "0.20000000");
  EXPECT_EQ(b1.str("avg_fill_price"), "50000.00");

  reply mid = order(s, seller, sell_id);
  EXPECT_EQ(mid.str("status"), "PARTIALLY_FILLED");
  EXPECT_EQ(mid.str("filled_qty"), "0.20000000");
  EXPECT_EQ(mid.json.at("fills").as_array().size(), 1u);

  reply b2 = place(s, buyer, "BUY", "50000.00", "0.3");
  ASSERT_EQ(b2.status, 201) << b2.body;
  EXPECT_EQ(b2.str("status"), "FILLED");

  reply done = order(s, seller, sell_id);
  EXPECT_EQ(done.str("status"), "FILLED");
  EXPECT_EQ(done.str("filled_qty"), "0.50000000");
  ASSERT_EQ(done.json.at("fills").as_array().size(), 2u);
  EXPECT_EQ(std::string(done.json.at("fills").as_array()[0].at("liquidity").as_string()), "MAKER");

  // Money moved exactly once, fees included.
  const std::int64_t buyer_fees =
      fees_of(order(s, buyer, b1.str("order_id"))) + fees_of(order(s, buyer, b2.str("order_id")));
  const std::int64_t seller_fees = fees_of(done);
  EXPECT_GT(buyer_fees, 0);
  reply pb = portfolio(s, buyer), ps = portfolio(s, seller);
  EXPECT_EQ(balance(pb, "BTC"), "0.50000000");
  EXPECT_EQ(minor(balance(pb, "USD", "balance_total"), 2), 10'000'000 - 2'500'000 - buyer_fees);
  EXPECT_EQ(balance(ps, "BTC", "balance_total"), "0.50000000");
  EXPECT_EQ(minor(balance(ps, "USD", "balance_total"), 2), 2'500'000 - seller_fees);
  EXPECT_EQ(balance(pb, "USD", "balance_hold"), "0.00");
}

TEST(ServiceApi, CancelReleasesHoldAndIsNotRepeatable) {
  running_service s(no_house());
  const std::string user = new_uuid(), other = new_uuid();
  fund(s, user, "10000.00");
  reply o = place(s, user, "BUY", "40000.00", "0.1");
  ASSERT_EQ(o.status, 201) << o.body;
  const std::string id = o.str("order_id");
  EXPECT_GE(minor(balance(portfolio(s, user), "USD", "balance_hold"), 2), 400'000);

  // Another user's order does not exist for them.
  EXPECT_EQ(s.del("/orders/" + id + "?user_id=" + other).error_code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(order(s, other, id).status, 404);

  reply c = s.del("/orders/" + id + "?user_id=" + user);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.str("status"), "CANCELED");
  reply p = portfolio(s, user);
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");
  EXPECT_EQ(balance(p, "USD"), "10000.00");

  reply again = s.del("/orders/" + id + "?user_id=" + user);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.error_code(), "ORDER_NOT_CANCELABLE");
  EXPECT_EQ(s.del("/orders/" + new_uuid() + "?user_id=" + user).status, 404);
}

TEST(ServiceApi, IocFillsWhatItCanAndFokAllOrNothing) {
  running_service s(no_house());
  const std::string buyer = new_uuid(), seller = new_uuid();
  fund(s, buyer, "100000.00");
  fund(s, seller, "1", "BTC");
  ASSERT_EQ(place(s, seller, "SELL", "50000.00", "0.1").status, 201);

  reply fok = place(s, buyer, "BUY", "50000.00", "0.3", "FOK");
  ASSERT_EQ(fok.status, 201) << fok.body;
  EXPECT_EQ(fok.str("status"), "CANCELED");
  EXPECT_EQ(fok.str("filled_qty"), "0.00000000");
  EXPECT_EQ(balance(portfolio(s, buyer), "USD"), "100000.00");  // nothing moved, nothing held

  reply ioc = place(s, buyer, "BUY", "50000.00", "0.3", "IOC");
  ASSERT_EQ(ioc.status, 201) << ioc.body;
  EXPECT_EQ(ioc.str("status"), "CANCELED");
  EXPECT_EQ(ioc.str("filled_qty"), "0.10000000");
  reply p = portfolio(s, buyer);
  EXPECT_EQ(balance(p, "BTC"), "0.10000000");
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");

  // The book is empty again: a FOK that fits nothing is canceled, an IOC fills nothing.
  EXPECT_EQ(place(s, buyer, "BUY", "50000.00", "0.1", "IOC").str("filled_qty"), "0.00000000");
}

TEST(ServiceApi, InsufficientFundsHoldsNothing) {
  running_service s(no_house());
  const std::string user = new_uuid();
  fund(s, user, "100.00");
  reply r = place(s, user, "BUY", "50000.00", "0.01");  // needs 500.00 + fee
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.error_code(), "INSUFFICIENT_FUNDS");
  reply p = portfolio(s, user);
  EXPECT_EQ(balance(p, "USD"), "100.00");
  EXPECT_EQ(balance(p, "USD", "balance_hold"), "0.00");
  reply sell = place(s, user, "SELL", "50000.00", "0.01");  // has no BTC
  EXPECT_EQ(sell.error_code(), "INSUFFICIENT_FUNDS");
  reply list = s.get("/orders?user_id=" + user);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json.at("orders").as_array().empty());
}

TEST(ServiceApi, IdempotentReplayReturnsSameBodyAndMovesMoneyOnce) {
  running_service s(no_house());
  const std::string user = new_uuid();
  const std::string key = unique_key("topup");
  reply first = s.post("/topups", topup_body(user, "250.00"), key);
  ASSERT_EQ(first.status, 200) << first.body;
  // Same request with other whitespace and field order: still the same request.
  const std::string respaced =
      "{ \"currency\" : \"USD\",\n \"amount\":\"250.0\", \"user_id\":\"" + user + "\" }";
  reply replay = s.post("/topups", respaced, key);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(balance(portfolio(s, user), "USD"), "250.00");

  reply mismatch = s.post("/topups", topup_body(user, "999.00"), key);
  EXPECT_EQ(mismatch.status, 422) << mismatch.body;
  EXPECT_EQ(mismatch.error_code(), "IDEM_MISMATCH");
  EXPECT_EQ(balance(portfolio(s, user), "USD"), "250.00");

  const std::string okey = unique_key("order");
  const std::string body = order_body(user, "BUY", "LIMIT", "100.00", "0.01");
  reply o1 = s.post("/orders", body, okey);
  ASSERT_EQ(o1.status, 201) << o1.body;
  reply o2 = s.post("/orders", body, okey);
  EXPECT_EQ(o2.status, 201);
  EXPECT_EQ(o2.body, o1.body);
  EXPECT_EQ(
      s.post("/orders", order_body(user, "BUY", "LIMIT", "101.00", "0.01"), okey).error_code(),
      "IDEM_MISMATCH");
  reply list = s.get("/orders?user_id=" + user);
  EXPECT_EQ(list.json.at("orders").as_array().size(), 1u);
  // The same key for another user is that user's own key.
  const std::string other = new_uuid();
  EXPECT_EQ(s.post("/topups", topup_body(other, "1.00"), key).status, 200);
}

TEST(ServiceApi, ListOrdersFiltersAndPaginates) {
  running_service s(no_house());
  const std::string user = new_uuid();
  fund(s, user, "100000.00");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    reply r = place(s, user, "BUY", std::to_string(1000 + i) + ".00", "0.01");
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(r.str("order_id"));
  }
  ASSERT_EQ(s.del("/orders/" + ids[0] + "?user_id=" + user).status, 200);

  reply open = s.get("/orders?user_id=" + user + "&status=open");
  ASSERT_EQ(open.status, 200) << open.body;
  EXPECT_EQ(open.json.at("orders").as_array().size(), 4u);
  reply closed = s.get("/orders?user_id=" + user + "&status=closed&symbol=BTC-USD");
  EXPECT_EQ(closed.json.at("orders").as_array().size(), 1u);
  EXPECT_EQ(
      s.get("/orders?user_id=" + user + "&symbol=ETH-USD").json.at("orders").as_array().size(), 0u);

  std::set<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    reply r =
        s.get("/orders?user_id=" + user + "&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& o : r.json.at("orders").as_array())
      seen.insert(std::string(o.at("id").as_string()));
    const auto& next = r.json.at("next_cursor");
    if (!next.is_string()) break;
    cursor = std::string(next.as_string());
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(s.get("/orders?user_id=" + user + "&status=bogus").error_code(), "BAD_REQUEST");
  EXPECT_EQ(s.get("/orders?user_id=" + user + "&limit=0").error_code(), "BAD_REQUEST");
  EXPECT_EQ(s.get("/orders?user_id=" + user + "&symbol=DOGE-USD").error_code(), "INVALID_SYMBOL");
}

TEST(ServiceApi, OrderBookAggregatesLevels) {
  running_service s(no_house());
  const std::string a = new_uuid(), b = new_uuid();
  fund(s, a, "100000.00");
  fund(s, b, "1", "BTC");
  ASSERT_EQ(place(s, a, "BUY", "49000.00", "0.01").status, 201);
  ASSERT_EQ(place(s, a, "BUY", "49000.00", "0.02").status, 201);
  ASSERT_EQ(place(s, a, "BUY", "48000.00", "0.01").status, 201);
  ASSERT_EQ(place(s, b, "SELL", "51000.00", "0.05").status, 201);
  reply book = s.get("/orderbook/BTC-USD?depth=1");
  ASSERT_EQ(book.status, 200) << book.body;
  const auto& bids = book.json.at("bids").as_array();
  ASSERT_EQ(bids.size(), 1u);
  EXPECT_EQ(minor(std::string(bids[0].as_array()[0].as_string()), 2), 4'900'000);
  EXPECT_EQ(minor(std::string(bids[0].as_array()[1].as_string()), 8), 3'000'000);
  EXPECT_EQ(book.json.at("asks").as_array().size(), 1u);
  EXPECT_EQ(s.get("/orderbook/BTC-USD").json.at("bids").as_array().size(), 2u);
  EXPECT_EQ(s.get("/orderbook/NOPE-USD").error_code(), "INVALID_SYMBOL");
  EXPECT_EQ(s.get("/orderbook/BTC-USD?depth=-1").error_code(), "BAD_REQUEST");
}

TEST(ServiceApi, HealthReadinessAndMetricsNeedNoToken) {
  running_service s(no_house());
  EXPECT_EQ(raw_call(s.port(), "GET", "/healthz", "", {}).status, 200);
  EXPECT_EQ(raw_call(s.port(), "GET", "/readyz", "", {}).status, 200);
  reply m = raw_call(s.port(), "GET", "/metrics", "", {});
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("tradeledger_"), std::string::npos);
  reply r = raw_call(s.port(), "GET", "/healthz", "", {{"X-Request-ID", "trace-abc-123"}});
  bool echoed = false;
  for (const auto& [k, v] : r.headers)
    echoed = echoed || (http::iequals(k, "X-Request-ID") && v == "trace-abc-123");
  EXPECT_TRUE(echoed);
}

}  // namespace
}  // namespace mc::test::tl
