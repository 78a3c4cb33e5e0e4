// The public API contract (../shared/API.md) against a running system: the split services or
// the monolith, the same tests for both — so the remote and the in-process ledger answer alike.
// Run by tests/e2e/system_e2e.sh with GATEWAY_PORT set.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "gateway_client.h"

namespace mc::contract {
namespace {

using namespace std::chrono_literals;

const boost::json::object& obj(const reply& r) {
  return r.json.as_object();
}

// A 2 MB order body: announced in full, the server answers 413 from the headers and closes.
// Read with a raw socket, since a client still writing the body would see the close first.
int status_of_huge_body(const user& u) {
  namespace net = boost::asio;
  net::io_context io;
  net::ip::tcp::socket s(io);
  s.connect({net::ip::make_address("127.0.0.1"), gateway_port()});
  const std::string head = "POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           u.token +
                           "\r\nIdempotency-Key: huge\r\nContent-Type: application/json\r\n"
                           "Content-Length: " +
                           std::to_string(2 << 20) + "\r\n\r\n{\"symbol\":";
  net::write(s, net::buffer(head));
  std::string answer(512, '\0');
  boost::system::error_code ec;
  const std::size_t n = s.read_some(net::buffer(answer), ec);
  answer.resize(n);
  if (answer.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(answer.substr(9, 3));
}
std::string s(const boost::json::value& v) {
  return std::string(v.as_string());
}

// Waits (bounded) until the market has a quote, so market orders have a price to fill at.
void wait_for_quotes() {
  for (int i = 0; i < 100; ++i) {
    if (call("GET", "/api/quotes?symbol=BTC-USD").status == 200) return;
    std::this_thread::sleep_for(100ms);
  }
  FAIL() << "no BTC-USD quote within 10 s";
}

TEST(Contract, HealthShape) {
  const reply r = call("GET", "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.str("status"), "healthy");
  EXPECT_FALSE(r.header("X-Request-ID").empty());
  EXPECT_EQ(call("GET", "/health", "", {{"X-Request-ID", "my-req-1"}}).header("X-Request-ID"),
            "my-req-1");
}

TEST(Contract, SignupLoginRefreshLogout) {
  const user u = signup();
  ASSERT_FALSE(u.token.empty());
  ASSERT_FALSE(u.refresh_token.empty());
  ASSERT_FALSE(u.id.empty());

  // Emails are normalised: the same address in another spelling is taken.
  const std::string shouted = "  " + u.email + " ";
  std::string upper;
  for (char c : shouted) upper.push_back(static_cast<char>(std::toupper(c)));
  EXPECT_EQ(
      call("POST", "/auth/signup", R"({"email":")" + upper + R"(","password":"another pw 1"})")
          .code(),
      "EMAIL_TAKEN");

  const reply login = call("POST", "/auth/login",
                           R"({"email":")" + u.email + R"(","password":"correct horse battery"})");
  EXPECT_EQ(login.status, 200) << login.body;
  EXPECT_FALSE(login.str("token").empty());

  // Wrong password and unknown email look the same.
  const reply wrong_pw =
      call("POST", "/auth/login", R"({"email":")" + u.email + R"(","password":"not the one"})");
  const reply no_user = call("POST", "/auth/login",
                             R"({"email":"nobody-here@example.com","password":"not the one"})");
  EXPECT_EQ(wrong_pw.status, 401);
  EXPECT_EQ(no_user.status, 401);
  EXPECT_EQ(wrong_pw.code(), "UNAUTHORIZED");
  EXPECT_EQ(obj(wrong_pw).at("error").as_object().at("message"),
            obj(no_user).at("error").as_object().at("message"));

  // Refresh rotates; the old refresh token then revokes the family.
  const reply r1 = call("POST", "/auth/refresh", R"({"refresh_token":")" + u.refresh_token + "\"}");
  ASSERT_EQ(r1.status, 200) << r1.body;
  const std::string next = r1.str("refresh_token");
  EXPECT_NE(next, u.refresh_token);
  EXPECT_EQ(call("POST", "/auth/refresh", R"({"refresh_token":")" + u.refresh_token + "\"}").status,
            401);
  EXPECT_EQ(call("POST", "/auth/refresh", R"({"refresh_token":")" + next + "\"}").status, 401);

  const reply l2 = call("POST", "/auth/login",
                        R"({"email":")" + u.email + R"(","password":"correct horse battery"})");
  const std::string rt = l2.str("refresh_token");
  EXPECT_EQ(call("POST", "/auth/logout", R"({"refresh_token":")" + rt + "\"}").status, 200);
  EXPECT_EQ(call("POST", "/auth/refresh", R"({"refresh_token":")" + rt + "\"}").status, 401);
}

// Exactly what the first release's clients send and check.
TEST(Contract, FirstReleaseClientWorksUnmodified) {
  const user u = signup();
  const reply top = u.post("/api/fund/topup", R"({"amount":"10000.00"})", "first-topup");
  ASSERT_EQ(top.status, 200) << top.body;
  EXPECT_EQ(top.str("balance"), "10000.00");
  const reply order = u.post(
      "/api/orders",
      R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"1000.00","qty":"0.05234567"})",
      "first-order");
  ASSERT_EQ(order.status, 200) << order.body;
  EXPECT_FALSE(order.str("order_id").empty());
  EXPECT_EQ(order.str("status"), "NEW");
  EXPECT_EQ(order.str("filled_qty"), "0.00000000");
  const reply got = u.get("/api/orders/" + order.str("order_id"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.str("qty"), "0.05234567");
  EXPECT_EQ(got.str("time_in_force"), "GTC");
  EXPECT_EQ(got.str("user_id"), u.id);
}

TEST(Contract, TopupIdempotency) {
  const user u = signup();
  const std::string body = R"({"amount":"250.00","currency":"USD"})";
  const reply first = u.post("/api/fund/topup", body, "k-1");
  const reply again = u.post("/api/fund/topup", body, "k-1");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);  // byte-identical replay
  EXPECT_EQ(u.post("/api/fund/topup", R"({"amount":"251.00"})", "k-1").code(), "IDEM_MISMATCH");
  EXPECT_EQ(u.post("/api/fund/topup", body).code(), "IDEMPOTENCY_KEY_REQUIRED");
  EXPECT_EQ(u.post("/api/fund/topup", body, std::string(256, 'k')).code(), "BAD_REQUEST");
  const reply p = u.get("/api/portfolio");
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(s(obj(p).at("balances").as_array()[0].as_object().at("balance_available")), "250.00");
}

TEST(Contract, ConcurrentSameKeyHasOneEffect) {
  const user u = signup();
  std::vector<std::future<reply>> replies;
  for (int i = 0; i < 8; ++i) {
    replies.push_back(std::async(std::launch::async, [&u] {
      return u.post("/api/fund/topup", R"({"amount":"100.00"})", "same-key");
    }));
  }
  int ok = 0;
  for (auto& f : replies) {
    const reply r = f.get();
    if (r.status == 200) {
      ++ok;
      EXPECT_EQ(r.str("balance"), "100.00");
    } else {
      EXPECT_EQ(r.code(), "IDEM_IN_PROGRESS") << r.body;
    }
  }
  EXPECT_GE(ok, 1);
  const reply p = u.get("/api/portfolio");
  EXPECT_EQ(s(obj(p).at("balances").as_array()[0].as_object().at("balance_available")), "100.00");
}

TEST(Contract, LimitOrderLifecycleAndOwnership) {
  const user a = signup(), b = signup();
  fund(a, "5000.00");
  const reply placed = a.post(
      "/api/orders",
      R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"1000.00","qty":"0.5"})", "o-1");
  ASSERT_EQ(placed.status, 200) << placed.body;
  const std::string id = placed.str("order_id");

  const reply open = a.get("/api/orders?status=open");
  ASSERT_EQ(open.status, 200);
  EXPECT_EQ(obj(open).at("orders").as_array().size(), 1u);

  // Another user cannot see, replace or cancel it: 404, never 403.
  EXPECT_EQ(b.get("/api/orders/" + id).code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(b.del("/api/orders/" + id).code(), "ORDER_NOT_FOUND");
  EXPECT_EQ(b.patch("/api/orders/" + id, R"({"price":"999.00"})").code(), "ORDER_NOT_FOUND");

  const reply replaced = a.patch("/api/orders/" + id, R"({"price":"1100.00","qty":"0.4"})");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.str("price"), "1100.00");
  EXPECT_EQ(replaced.str("qty"), "0.40000000");

  const reply canceled = a.del("/api/orders/" + id);
  ASSERT_EQ(canceled.status, 200) << canceled.body;
  EXPECT_EQ(canceled.str("status"), "CANCELED");
  EXPECT_EQ(a.del("/api/orders/" + id).code(), "ORDER_NOT_CANCELABLE");
  EXPECT_EQ(a.patch("/api/orders/" + id, R"({"price":"999.00"})").code(), "ORDER_NOT_CANCELABLE");
  EXPECT_EQ(a.get("/api/orders/00000000-0000-4000-8000-000000000000").code(), "ORDER_NOT_FOUND");
  const reply closed = a.get("/api/orders?status=closed");
  EXPECT_EQ(obj(closed).at("orders").as_array().size(), 1u);
}

TEST(Contract, MarketOrderMovesThePortfolio) {
  wait_for_quotes();
  const user u = signup();
  fund(u, "100000.00");
  const reply filled = u.post(
      "/api/orders", R"({"symbol":"BTC-USD","side":"BUY","type":"MARKET","qty":"0.01"})", "m-1");
  ASSERT_EQ(filled.status, 200) << filled.body;
  EXPECT_EQ(filled.str("status"), "FILLED");
  EXPECT_FALSE(filled.str("avg_fill_price").empty());
  const reply p = u.get("/api/portfolio");
  ASSERT_EQ(p.status, 200) << p.body;
  const auto& positions = obj(p).at("positions").as_array();
  ASSERT_EQ(positions.size(), 1u) << p.body;
  EXPECT_EQ(s(positions[0].as_object().at("symbol")), "BTC-USD");
  EXPECT_EQ(s(positions[0].as_object().at("qty")), "0.01000000");
  EXPECT_TRUE(obj(p).at("pnl").as_object().contains("unrealized"));
  const reply sold = u.post(
      "/api/orders", R"({"symbol":"BTC-USD","side":"SELL","type":"MARKET","qty":"0.01"})", "m-2");
  ASSERT_EQ(sold.status, 200) << sold.body;
  const reply after = u.get("/api/portfolio");
  EXPECT_NE(s(obj(after).at("pnl").as_object().at("realized")), "");
}

TEST(Contract, ErrorCodes) {
  const user u = signup();
  fund(u, "10.00");
  auto order = [&](const std::string& body, const std::string& key) {
    return u.post("/api/orders", body, key);
  };
  EXPECT_EQ(
      order(R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","price":"50000","qty":"1"})", "e-1")
          .code(),
      "INSUFFICIENT_FUNDS");
  EXPECT_EQ(
      order(R"({"symbol":"DOGE-USD","side":"BUY","type":"LIMIT","price":"1","qty":"1"})", "e-2")
          .code(),
      "INVALID_SYMBOL");
  EXPECT_EQ(order(R"({"symbol":"BTC-USD","side":"BUY","type":"STOP","price":"1","qty":"1"})", "e-3")
                .code(),
            "INVALID_ORDER_TYPE");
  EXPECT_EQ(order("{not json", "e-4").code(), "BAD_REQUEST");
  EXPECT_EQ(order(R"({"symbol":"BTC-USD","side":"BUY","type":"LIMIT","qty":"1"})", "e-5").code(),
            "BAD_REQUEST");
  EXPECT_EQ(u.post("/api/fund/topup", R"({"amount":"-5"})", "e-6").code(), "BAD_REQUEST");
  EXPECT_EQ(u.post("/api/fund/topup", R"({"amount":"1e9"})", "e-7").code(), "BAD_REQUEST");
  // Nothing moved.
  const reply p = u.get("/api/portfolio");
  EXPECT_EQ(s(obj(p).at("balances").as_array()[0].as_object().at("balance_available")), "10.00");
  EXPECT_EQ(s(obj(p).at("balances").as_array()[0].as_object().at("balance_hold")), "0.00");

  EXPECT_EQ(status_of_huge_body(u), 413);
  EXPECT_EQ(call("GET", "/api/portfolio").code(), "UNAUTHORIZED");
  EXPECT_EQ(call("GET", "/api/portfolio", "", {{"Authorization", "Bearer not.a.jwt"}}).code(),
            "UNAUTHORIZED");
  // alg "none", unsigned.
  const std::string none_token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4IiwiYXVkIjoibWljcm9jb2luLWFwaSIsImV4cCI6"
      "OTk5OTk5OTk5OX0.";
  EXPECT_EQ(call("GET", "/api/portfolio", "", {{"Authorization", "Bearer " + none_token}}).status,
            401);
  EXPECT_EQ(call("GET", "/no/such/route").code(), "NOT_FOUND");
  EXPECT_EQ(call("GET", "/api/quotes?symbol=DOGE-USD").code(), "INVALID_SYMBOL");
}

TEST(Contract, QuotesAndOrderBook) {
  wait_for_quotes();
  const reply one = call("GET", "/api/quotes?symbol=BTC-USD");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.str("symbol"), "BTC-USD");
  EXPECT_FALSE(one.str("bid").empty());
  EXPECT_FALSE(one.str("ask").empty());
  EXPECT_FALSE(one.str("ts").empty());
  const reply all = call("GET", "/api/quotes");
  ASSERT_EQ(all.status, 200);
  EXPECT_GE(obj(all).at("quotes").as_array().size(), 1u);
  const reply book = call("GET", "/api/orderbook/BTC-USD?depth=5");
  ASSERT_EQ(book.status, 200) << book.body;
  EXPECT_TRUE(obj(book).at("bids").is_array());
  EXPECT_EQ(call("GET", "/api/orderbook/DOGE-USD").code(), "INVALID_SYMBOL");
}

TEST(Contract, OpenApiDocumentIsServed) {
  const reply doc = call("GET", "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.str("openapi").substr(0, 3), "3.1");
}

}  // namespace
}  // namespace mc::contract
