// The compiled-in OpenAPI document: it is JSON, OpenAPI 3.1, describes every path of the
// public contract (API.md), and GET /openapi.json serves it as application/json.
#include "gateway/openapi/openapi_document.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include <map>
#include <set>

namespace mc::gateway::openapi {
namespace {

namespace json = boost::json;

json::object parsed_document() {
  boost::system::error_code ec;
  json::value v = json::parse(document(), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(v.is_object());
  return v.is_object() ? v.get_object() : json::object{};
}

TEST(OpenApiDocument, IsOpenApi31) {
  const auto doc = parsed_document();
  ASSERT_TRUE(doc.contains("openapi"));
  EXPECT_TRUE(std::string_view(doc.at("openapi").as_string()).starts_with("3.1."));
  EXPECT_TRUE(doc.at("info").is_object());
}

// Every operation of API.md (the public contract) with its method; WebSockets are GETs.
TEST(OpenApiDocument, DescribesEveryContractPath) {
  const std::map<std::string, std::set<std::string>> contract{
      {"/health", {"get"}},
      {"/healthz", {"get"}},
      {"/readyz", {"get"}},
      {"/metrics", {"get"}},
      {"/openapi.json", {"get"}},
      {"/auth/signup", {"post"}},
      {"/auth/login", {"post"}},
      {"/auth/refresh", {"post"}},
      {"/auth/logout", {"post"}},
      {"/api/fund/topup", {"post"}},
      {"/api/quotes", {"get"}},
      {"/api/orderbook/{symbol}", {"get"}},
      {"/api/orders", {"get", "post"}},
      {"/api/orders/{id}", {"get", "delete", "patch"}},
      {"/api/portfolio", {"get"}},
      {"/ws/quotes", {"get"}},
      {"/ws/orders", {"get"}},
  };
  const auto doc = parsed_document();
  const auto& paths = doc.at("paths").as_object();
  for (const auto& [path, methods] : contract) {
    const auto* item = paths.if_contains(path);
    ASSERT_TRUE(item && item->is_object()) << path;
    for (const auto& m : methods) EXPECT_TRUE(item->as_object().contains(m)) << m << " " << path;
  }
}

// The first release's clients check for 200 (not 201) on these, and WebSockets answer 101.
TEST(OpenApiDocument, ContractStatusCodes) {
  const auto doc = parsed_document();
  const auto& paths = doc.at("paths").as_object();
  auto responses = [&](std::string_view path, std::string_view method) {
    return paths.at(path).at(method).at("responses").as_object();
  };
  for (const auto* p : {"/auth/signup", "/auth/login", "/api/fund/topup", "/api/orders"}) {
    EXPECT_TRUE(responses(p, "post").contains("200")) << p;
    EXPECT_FALSE(responses(p, "post").contains("201")) << p;
  }
  EXPECT_TRUE(responses("/ws/quotes", "get").contains("101"));
  EXPECT_TRUE(responses("/ws/orders", "get").contains("101"));
  EXPECT_TRUE(responses("/auth/signup", "post").contains("409"));  // EMAIL_TAKEN
  EXPECT_TRUE(responses("/api/orders", "post").contains("422"));   // INSUFFICIENT_FUNDS
  EXPECT_TRUE(responses("/api/orders/{id}", "delete").contains("409"));
}

TEST(OpenApiDocument, ErrorCodesAndOrderStatusesOfTheContract) {
  const auto doc = parsed_document();
  const auto& schemas = doc.at("components").at("schemas").as_object();
  auto enum_of = [](const json::value& v) {
    std::set<std::string> out;
    for (const auto& e : v.at("enum").as_array()) out.emplace(e.as_string());
    return out;
  };
  const auto codes =
      enum_of(schemas.at("Error").at("properties").at("error").at("properties").at("code"));
  for (const auto* c :
       {"RATE_LIMIT", "BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "INSUFFICIENT_FUNDS",
        "IDEM_MISMATCH", "INTERNAL_ERROR", "INVALID_SYMBOL", "INVALID_ORDER_TYPE",
        "ORDER_NOT_FOUND", "IDEMPOTENCY_KEY_REQUIRED", "IDEM_IN_PROGRESS", "EMAIL_TAKEN",
        "PAYLOAD_TOO_LARGE", "SERVICE_UNAVAILABLE", "ORDER_NOT_CANCELABLE"}) {
    EXPECT_TRUE(codes.count(c)) << c;
  }
  const std::set<std::string> statuses{"NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "REJECTED"};
  EXPECT_EQ(enum_of(schemas.at("OrderAck").at("properties").at("status")), statuses);
  EXPECT_EQ(enum_of(schemas.at("Order").at("properties").at("status")), statuses);
}

TEST(OpenApiDocument, ServedAsJson) {
  http::router r;
  add_route(r);
  std::map<std::string, std::string> params;
  const auto m = r.match("GET", "/openapi.json", false, params);
  ASSERT_EQ(m.result, http::route_match::kind::handler);
  boost::asio::io_context ioc;
  http::request req;
  auto answer = boost::asio::co_spawn(ioc, (*m.http)(req), boost::asio::use_future);
  ioc.run();
  const http::response res = answer.get();
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "application/json");
  EXPECT_EQ(res.body, document());
}

}  // namespace
}  // namespace mc::gateway::openapi
