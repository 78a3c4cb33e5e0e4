// The routes the gateway registers and docs/openapi.json describe the same operations, and
// the checker itself notices a missing and an extra route.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "common/http/health.h"
#include "gateway/gateway_service.h"
#include "gateway/openapi/openapi_document.h"
#include "support/test_env.h"
#include "tradeledger/api/ledger_client.h"
#include "tradeledger/api/request_builder.h"

namespace mc::gateway::openapi {
namespace {

net::awaitable<http::response> nothing(http::request&) {
  co_return http::json_response(200, "{}");
}

constexpr std::string_view tiny_doc = R"({"openapi":"3.1.0","paths":{
  "/a":{"get":{},"post":{}},"/b/{id}":{"delete":{}},"/ws":{"get":{}}}})";

TEST(OpenApiRoutes, CheckerFindsMissingAndExtraRoutes) {
  http::router agree;
  agree.add("GET", "/a", nothing);
  agree.add("POST", "/a", nothing);
  agree.add("DELETE", "/b/{id}", nothing);
  agree.add_websocket(
      "/ws", [](http::websocket_ptr, http::request&) -> net::awaitable<void> { co_return; });
  EXPECT_TRUE(route_mismatches(agree, tiny_doc).empty());

  http::router differ;
  differ.add("GET", "/a", nothing);
  differ.add("PUT", "/a", nothing);
  differ.add("DELETE", "/b/{id}", nothing);
  const auto problems = route_mismatches(differ, tiny_doc);
  EXPECT_EQ(problems, (std::vector<std::string>{"registered but not documented: PUT /a",
                                                "documented but not registered: GET /ws",
                                                "documented but not registered: POST /a"}));
}

TEST(OpenApiRoutes, DocumentIsOpenApi31) {
  const auto doc = boost::json::parse(document()).as_object();
  EXPECT_EQ(std::string(doc.at("openapi").as_string()), "3.1.0");
}

// The real gateway, as the binary builds it (its ledger client points at nothing: listing
// routes calls nobody).
TEST(OpenApiRoutes, GatewayRoutesMatchTheDocument) {
  gateway_config c;
  c.postgres_url = mc::test::fresh_database();
  c.redis_url = mc::test::redis_url();
  c.jwt_secret = "routes-test-jwt-secret-0123456789";
  c.service_jwt_secret = "routes-test-service-secret-01234";
  c.migrations_dir = mc::test::source_path("migrations");
  net::io_context ioc;
  tradeledger::ledger_client_options lo;
  lo.url = "http://127.0.0.1:9";
  lo.service_secret = c.service_jwt_secret;
  tradeledger::ledger_client ledger(lo, tradeledger::default_markets());
  gateway_app app(c, ledger, {ioc.get_executor()});
  http::router r;
  app.add_routes(r);
  http::add_health_routes(
      r, []() -> net::awaitable<bool> { co_return true; }, "gateway");
  // The console's static files are not API operations.
  const auto problems = route_mismatches(r, document(), {"/", "/assets/{file}"});
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_GT(r.routes().size(), 15u);
}

}  // namespace
}  // namespace mc::gateway::openapi
