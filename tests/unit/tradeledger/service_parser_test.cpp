// Strict request parsing of the internal API: field rules, error codes, canonical hashing.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "tradeledger/api/canonical.h"
#include "tradeledger/api/request_parser.h"

namespace mc::tradeledger {
namespace {

const market_catalog& markets() {
  static const market_catalog m(engine::default_config());
  return m;
}

constexpr const char* user = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";

std::string order_json(std::string extra = "", std::string price = "\"50000\"",
                       std::string qty = "\"0.01\"", std::string type = "LIMIT") {
  std::string s = std::string("{\"user_id\":\"") + user +
                  "\",\"symbol\":\"BTC-USD\",\"side\":\"BUY\","
                  "\"type\":\"" +
                  type + "\",\"qty\":" + qty;
  if (!price.empty()) s += ",\"price\":" + price;
  return s + extra + "}";
}

parse_failure fails(const parsed<place_order_request>& p) {
  EXPECT_TRUE(std::holds_alternative<parse_failure>(p));
  return std::holds_alternative<parse_failure>(p) ? std::get<parse_failure>(p) : parse_failure{};
}

TEST(ServiceParser, AcceptsAValidLimitOrderAndNormalises) {
  auto p = parse_place_order(order_json(",\"client_order_id\":\"abc\""), "key-1", markets());
  ASSERT_TRUE(std::holds_alternative<place_order_request>(p)) << fails(p).message;
  const auto& r = std::get<place_order_request>(p);
  EXPECT_EQ(r.user_id, "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  EXPECT_EQ(r.tif, time_in_force::gtc);
  EXPECT_EQ(r.side, order_side::buy);
  EXPECT_EQ(r.type, order_type::limit);
  EXPECT_EQ(r.price, 5'000'000);  // cents
  EXPECT_EQ(r.qty, 1'000'000);    // satoshi
  EXPECT_EQ(r.client_order_id, "abc");
  EXPECT_EQ(r.idempotency_key, "key-1");
  EXPECT_EQ(request_hash(r).size(), 64u);
}

TEST(ServiceParser, HashIgnoresSpellingButNotMeaning) {
  auto a = std::get<place_order_request>(parse_place_order(order_json(), "k", markets()));
  const std::string respelled =
      std::string("{ \"qty\": \"0.010\", \"price\": \"50000.00\", \"type\":\"LIMIT\",") +
      "\"side\":\"BUY\", \"symbol\":\"BTC-USD\", \"user_id\":\"" + user +
      "\", \"time_in_force\":\"GTC\", \"post_only\": false }";
  auto b = std::get<place_order_request>(parse_place_order(respelled, "k", markets()));
  EXPECT_EQ(request_hash(a), request_hash(b));
  auto c = std::get<place_order_request>(
      parse_place_order(order_json("", "\"50000.01\""), "k", markets()));
  EXPECT_NE(request_hash(a), request_hash(c));
  auto d = std::get<place_order_request>(
      parse_place_order(order_json(",\"time_in_force\":\"IOC\""), "k", markets()));
  EXPECT_NE(request_hash(a), request_hash(d));
}

TEST(ServiceParser, MarketOrdersDefaultToIocAndRefusePrice) {
  auto m = parse_place_order(order_json("", "", "\"0.5\"", "MARKET"), "k", markets());
  ASSERT_TRUE(std::holds_alternative<place_order_request>(m));
  EXPECT_EQ(std::get<place_order_request>(m).tif, time_in_force::ioc);
  EXPECT_EQ(std::get<place_order_request>(m).price, 0);
  auto gtc = parse_place_order(order_json(",\"time_in_force\":\"GTC\"", "", "\"0.5\"", "MARKET"),
                               "k", markets());
  ASSERT_TRUE(std::holds_alternative<place_order_request>(gtc));
  EXPECT_EQ(std::get<place_order_request>(gtc).tif, time_in_force::ioc);
  EXPECT_EQ(
      fails(parse_place_order(order_json("", "\"1\"", "\"0.5\"", "MARKET"), "k", markets())).code,
      "BAD_REQUEST");
}

TEST(ServiceParser, ErrorCodes) {
  struct c {
    std::string body;
    std::string code;
  };
  const c cases[] = {
      {"not json", "BAD_REQUEST"},
      {"\"string\"", "BAD_REQUEST"},
      {order_json(",\"extra\":1"), "BAD_REQUEST"},
      {order_json("", "50000"), "BAD_REQUEST"},  // number, not a string
      {order_json("", "\"0\""), "BAD_REQUEST"},
      {order_json("", "\"50000.001\""), "BAD_REQUEST"},
      {order_json("", "\"+5\""), "BAD_REQUEST"},
      {order_json("", "\"50000\"", "\"0.000000001\""), "BAD_REQUEST"},
      {order_json("", "\"50\"", "\"0.000001\""), "BAD_REQUEST"},   // below the minimum value
      {order_json("", "\"50000\"", "\"100000\""), "BAD_REQUEST"},  // above max qty
      {order_json("", "\"50000\"", "null"), "BAD_REQUEST"},
      {order_json("", "\"50000\"", "\"0.01\"", "STOP"), "INVALID_ORDER_TYPE"},
      {order_json(",\"time_in_force\":\"DAY\""), "INVALID_ORDER_TYPE"},
      {order_json(",\"post_only\":true,\"time_in_force\":\"IOC\""), "INVALID_ORDER_TYPE"},
      {order_json(",\"post_only\":1"), "BAD_REQUEST"},
      {order_json(",\"client_order_id\":\"" + std::string(65, 'x') + "\""), "BAD_REQUEST"},
      {"{\"user_id\":\"x\",\"symbol\":\"BTC-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"qty\":"
       "\"1\",\"price\":\"1\"}",
       "BAD_REQUEST"},
      {std::string("{\"user_id\":\"") + user +
           "\",\"symbol\":\"XRP-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"qty\":\"1\",\"price\":"
           "\"1\"}",
       "INVALID_SYMBOL"},
      {std::string("{\"user_id\":\"") + user +
           "\",\"symbol\":\"BTC-USD\",\"side\":\"SHORT\",\"type\":\"LIMIT\",\"qty\":\"1\","
           "\"price\":\"1\"}",
       "BAD_REQUEST"},
  };
  for (const auto& t : cases) {
    auto p = parse_place_order(t.body, "k", markets());
    EXPECT_EQ(fails(p).code, t.code) << t.body;
    EXPECT_EQ(fails(p).status, 400) << t.body;
  }
}

TEST(ServiceParser, Topups) {
  auto ok = parse_topup(std::string("{\"user_id\":\"") + user + "\",\"amount\":\"10.5\"}", "k",
                        markets());
  ASSERT_TRUE(std::holds_alternative<topup_request>(ok));
  EXPECT_EQ(std::get<topup_request>(ok).currency, "USD");
  EXPECT_EQ(std::get<topup_request>(ok).amount, 1050);
  auto same = parse_topup(
      std::string("{\"amount\":\"10.50\",\"currency\":\"USD\",\"user_id\":\"") + user + "\"}", "k",
      markets());
  EXPECT_EQ(request_hash(std::get<topup_request>(ok)), request_hash(std::get<topup_request>(same)));
  for (std::string bad : {"\"-1\"", "\"0\"", "\"1000000001\"", "10", "\"1.001\"", "\"abc\""}) {
    auto p = parse_topup(std::string("{\"user_id\":\"") + user + "\",\"amount\":" + bad + "}", "k",
                         markets());
    ASSERT_TRUE(std::holds_alternative<parse_failure>(p)) << bad;
    EXPECT_EQ(std::get<parse_failure>(p).code, "BAD_REQUEST") << bad;
  }
  auto eur = parse_topup(
      std::string("{\"user_id\":\"") + user + "\",\"amount\":\"1\",\"currency\":\"EUR\"}", "k",
      markets());
  EXPECT_TRUE(std::holds_alternative<parse_failure>(eur));
}

TEST(ServiceParser, QueriesAndKeys) {
  EXPECT_TRUE(
      std::holds_alternative<list_orders_query>(parse_list_query(user, "", "", "", "", markets())));
  EXPECT_EQ(
      std::get<list_orders_query>(parse_list_query(user, "open", "BTC-USD", "10", "c", markets()))
          .limit,
      10);
  EXPECT_TRUE(
      std::holds_alternative<parse_failure>(parse_list_query(user, "done", "", "", "", markets())));
  EXPECT_TRUE(
      std::holds_alternative<parse_failure>(parse_list_query(user, "", "", "501", "", markets())));
  EXPECT_TRUE(
      std::holds_alternative<parse_failure>(parse_list_query(user, "", "", "1x", "", markets())));
  EXPECT_EQ(std::get<parse_failure>(parse_list_query(user, "", "NOPE", "", "", markets())).code,
            "INVALID_SYMBOL");
  EXPECT_EQ(std::get<int>(parse_depth("")), book_depth_default);
  EXPECT_EQ(std::get<int>(parse_depth("5")), 5);
  EXPECT_TRUE(std::holds_alternative<parse_failure>(parse_depth("0")));
  EXPECT_TRUE(std::holds_alternative<parse_failure>(parse_depth("100000")));
  EXPECT_TRUE(valid_idempotency_key("abc-123"));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key(std::string(256, 'a')));
  EXPECT_FALSE(valid_idempotency_key("tab\there"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace mc::tradeledger

namespace mc::tradeledger {
namespace {

// The first release's clients send 8-decimal quantities and no time in force.
TEST(ServiceParser, AcceptsEightDecimalQuantitiesWithoutTimeInForce) {
  auto p = parse_place_order(order_json("", "\"65000.12\"", "\"0.05234567\""), "k", markets());
  ASSERT_TRUE(std::holds_alternative<place_order_request>(p)) << fails(p).message;
  EXPECT_EQ(std::get<place_order_request>(p).qty, 5'234'567);
  EXPECT_EQ(std::get<place_order_request>(p).tif, time_in_force::gtc);
}

// The gateway names the caller; a body that also names one is refused, not trusted.
TEST(ServiceParser, GatewayCallerMayNotBeOverriddenByTheBody) {
  const std::string body =
      R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50000","qty":"0.01"})";
  auto p = parse_place_order(body, "k", markets(), std::string("u-1"));
  ASSERT_TRUE(std::holds_alternative<place_order_request>(p));
  EXPECT_EQ(std::get<place_order_request>(p).user_id, "u-1");
  EXPECT_EQ(fails(parse_place_order(order_json(), "k", markets(), std::string("u-1"))).code,
            "BAD_REQUEST");
}

TEST(ServiceParser, ReplaceNeedsAPositivePriceOrQty) {
  auto ok = parse_replace(R"({"price":"51000.5"})", "o", markets(), std::string("u"));
  ASSERT_TRUE(std::holds_alternative<replace_order_request>(ok));
  EXPECT_EQ(*std::get<replace_order_request>(ok).price, "51000.5");
  EXPECT_FALSE(std::get<replace_order_request>(ok).qty);
  for (const char* bad : {"{}", R"({"price":"-1"})", R"({"qty":"0"})", R"({"qty":1})", "[]"}) {
    auto p = parse_replace(bad, "o", markets(), std::string("u"));
    ASSERT_TRUE(std::holds_alternative<parse_failure>(p)) << bad;
    EXPECT_EQ(std::get<parse_failure>(p).code, "BAD_REQUEST") << bad;
  }
}

}  // namespace
}  // namespace mc::tradeledger
