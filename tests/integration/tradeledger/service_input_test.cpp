// Bad input never reaches the ledger: each malformed request gets its exact API.md code, and
// the user's money is unchanged afterwards (portfolio before == after, no orders exist).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "service_support.h"

namespace mc::test::tl {
namespace {

struct bad_case {
  std::string name;
  std::string target;
  std::string body;
  int status;
  std::string code;
};

TEST(ServiceInput, BadRequestsGetExactCodesAndMoveNoMoney) {
  auto cfg = test_config();
  cfg.house_liquidity = false;
  running_service s(cfg);
  const std::string u = new_uuid();
  ASSERT_EQ(s.post("/topups", topup_body(u, "1000.00"), unique_key()).status, 200);
  const reply before = s.get("/portfolio/" + u);
  ASSERT_EQ(before.status, 200);

  const std::string uid = "\"user_id\":\"" + u + "\"";
  const std::vector<bad_case> cases = {
      {"malformed json", "/orders", "{\"symbol\":", 400, "BAD_REQUEST"},
      {"not an object", "/orders", "[1,2]", 400, "BAD_REQUEST"},
      {"empty body", "/orders", "", 400, "BAD_REQUEST"},
      {"missing qty", "/orders",
       "{" + uid + ",\"symbol\":\"BTC-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1\"}",
       400, "BAD_REQUEST"},
      {"missing price on limit", "/orders", order_body(u, "BUY", "LIMIT", "", "0.01"), 400,
       "BAD_REQUEST"},
      {"price on market", "/orders", order_body(u, "BUY", "MARKET", "100", "0.01"), 400,
       "BAD_REQUEST"},
      {"qty as number", "/orders",
       "{" + uid +
           ",\"symbol\":\"BTC-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1\",\"qty\":0."
           "01}",
       400, "BAD_REQUEST"},
      {"post_only as string", "/orders",
       "{" + uid +
           ",\"symbol\":\"BTC-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1\",\"qty\":"
           "\"0.01\",\"post_only\":\"yes\"}",
       400, "BAD_REQUEST"},
      {"unknown field", "/orders",
       "{" + uid +
           ",\"symbol\":\"BTC-USD\",\"side\":\"BUY\",\"type\":\"LIMIT\",\"price\":\"1\",\"qty\":"
           "\"0.01\",\"leverage\":\"100\"}",
       400, "BAD_REQUEST"},
      {"negative qty", "/orders", order_body(u, "BUY", "LIMIT", "100", "-0.01"), 400,
       "BAD_REQUEST"},
      {"zero qty", "/orders", order_body(u, "BUY", "LIMIT", "100", "0"), 400, "BAD_REQUEST"},
      {"negative price", "/orders", order_body(u, "BUY", "LIMIT", "-100", "0.01"), 400,
       "BAD_REQUEST"},
      {"absurd qty", "/orders", order_body(u, "BUY", "LIMIT", "100", "99999999999999999999"), 400,
       "BAD_REQUEST"},
      {"absurd price", "/orders", order_body(u, "BUY", "LIMIT", "99999999999.00", "0.01"), 400,
       "BAD_REQUEST"},
      {"exponent price", "/orders", order_body(u, "BUY", "LIMIT", "1e9", "0.01"), 400,
       "BAD_REQUEST"},
      {"too many decimals", "/orders", order_body(u, "BUY", "LIMIT", "100.001", "0.01"), 400,
       "BAD_REQUEST"},
      {"qty off lot", "/orders", order_body(u, "BUY", "LIMIT", "100", "0.000000001"), 400,
       "BAD_REQUEST"},
      {"bad user id", "/orders", order_body("not-a-uuid", "BUY", "LIMIT", "100", "0.01"), 400,
       "BAD_REQUEST"},
      {"unknown side", "/orders", order_body(u, "HOLD", "LIMIT", "100", "0.01"), 400,
       "BAD_REQUEST"},
      {"lower-case side", "/orders", order_body(u, "buy", "LIMIT", "100", "0.01"), 400,
       "BAD_REQUEST"},
      {"unknown type", "/orders", order_body(u, "BUY", "STOP", "100", "0.01"), 400,
       "INVALID_ORDER_TYPE"},
      {"unknown tif", "/orders", order_body(u, "BUY", "LIMIT", "100", "0.01", "GTD"), 400,
       "INVALID_ORDER_TYPE"},
      {"unknown symbol", "/orders", order_body(u, "BUY", "LIMIT", "100", "0.01", "", "DOGE-USD"),
       400, "INVALID_SYMBOL"},
      {"topup negative", "/topups", topup_body(u, "-5.00"), 400, "BAD_REQUEST"},
      {"topup zero", "/topups", topup_body(u, "0"), 400, "BAD_REQUEST"},
      {"topup absurd", "/topups", topup_body(u, "1000000000000.00"), 400, "BAD_REQUEST"},
      {"topup not decimal", "/topups", topup_body(u, "ten"), 400, "BAD_REQUEST"},
      {"topup exponent", "/topups", topup_body(u, "1e3"), 400, "BAD_REQUEST"},
      {"topup unknown currency", "/topups", topup_body(u, "5", "EUR"), 400, "BAD_REQUEST"},
      {"topup bad user", "/topups", topup_body("123", "5"), 400, "BAD_REQUEST"},
      {"topup amount as number", "/topups", "{" + uid + ",\"amount\":5}", 400, "BAD_REQUEST"},
  };
  for (const auto& c : cases) {
    reply r = s.post(c.target, c.body, unique_key("bad"));
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.error_code(), c.code) << c.name << ": " << r.body;
  }
  // Missing key is its own code, checked before the body.
  reply no_key = s.post("/orders", order_body(u, "BUY", "LIMIT", "100", "0.01"), "");
  EXPECT_EQ(no_key.error_code(), "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(s.post("/topups", topup_body(u, "5"), "").error_code(), "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(s.post("/topups", topup_body(u, "5"), std::string(300, 'k')).error_code(),
            "BAD_REQUEST");

  // Bad ids on the read paths.
  EXPECT_EQ(s.get("/portfolio/not-a-uuid").error_code(), "BAD_REQUEST");
  EXPECT_EQ(s.get("/orders?user_id=nope").error_code(), "BAD_REQUEST");
  EXPECT_EQ(s.get("/orders/" + new_uuid()).error_code(), "BAD_REQUEST");  // no user_id
  EXPECT_EQ(s.get("/orders/garbage?user_id=" + u).error_code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(s.del("/orders/garbage?user_id=" + u).error_code(), "ORDER_NOT_FOUND");

  const reply after = s.get("/portfolio/" + u);
  EXPECT_EQ(after.body, before.body);
  EXPECT_TRUE(s.get("/orders?user_id=" + u).json.at("orders").as_array().empty());
}

TEST(ServiceInput, HugeBodyIs413AndMovesNoMoney) {
  running_service s;
  const std::string u = new_uuid();
  std::string huge = "{\"user_id\":\"" + u + "\",\"amount\":\"5\",\"pad\":\"" +
                     std::string(s.config().body_limit_bytes + 10, 'x') + "\"}";
  reply r = s.post("/topups", huge, unique_key());
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.error_code(), "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(balance(s.get("/portfolio/" + u), "USD"), "0.00");
}

}  // namespace
}  // namespace mc::test::tl
