// route_mismatches() compares a router's (method, pattern) set with a document's operations,
// both ways; WebSocket routes count as GET.
#include <gtest/gtest.h>

#include "gateway/openapi/openapi_document.h"

namespace mc::gateway::openapi {
namespace {

namespace net = boost::asio;

net::awaitable<http::response> nothing(http::request&) {
  co_return http::json_response(200, "{}");
}

net::awaitable<void> no_ws(http::websocket_ptr, http::request&) {
  co_return;
}

// "parameters" is a path-item key that is not an operation.
constexpr std::string_view doc = R"({"openapi":"3.1.0","paths":{
  "/a":{"get":{},"post":{}},
  "/b/{id}":{"parameters":[],"delete":{}},
  "/ws":{"get":{}}}})";

void add_documented(http::router& r) {
  r.add("GET", "/a", nothing);
  r.add("POST", "/a", nothing);
  r.add("DELETE", "/b/{id}", nothing);
  r.add_websocket("/ws", no_ws);
}

TEST(RouteMismatches, MatchingRouterAgrees) {
  http::router r;
  add_documented(r);
  EXPECT_EQ(route_mismatches(r, doc), std::vector<std::string>{});
}

TEST(RouteMismatches, ExtraRouteIsReported) {
  http::router r;
  add_documented(r);
  r.add("PUT", "/a", nothing);
  r.add("GET", "/internal", nothing);
  EXPECT_EQ(route_mismatches(r, doc),
            (std::vector<std::string>{"registered but not documented: GET /internal",
                                      "registered but not documented: PUT /a"}));
}

TEST(RouteMismatches, MissingRouteIsReported) {
  http::router r;
  r.add("GET", "/a", nothing);
  r.add("DELETE", "/b/{id}", nothing);
  EXPECT_EQ(route_mismatches(r, doc),
            (std::vector<std::string>{"documented but not registered: GET /ws",
                                      "documented but not registered: POST /a"}));
}

// The pattern is compared as written: "/b/{key}" is not the documented "/b/{id}".
TEST(RouteMismatches, ParameterNamesMustMatch) {
  http::router r;
  r.add("GET", "/a", nothing);
  r.add("POST", "/a", nothing);
  r.add("DELETE", "/b/{key}", nothing);
  r.add_websocket("/ws", no_ws);
  EXPECT_EQ(route_mismatches(r, doc),
            (std::vector<std::string>{"registered but not documented: DELETE /b/{key}",
                                      "documented but not registered: DELETE /b/{id}"}));
}

TEST(RouteMismatches, IgnoredPatternsAreSkipped) {
  http::router r;
  add_documented(r);
  r.add("GET", "/internal", nothing);
  EXPECT_EQ(route_mismatches(r, doc, {"/internal"}), std::vector<std::string>{});
}

TEST(RouteMismatches, UnusableDocumentIsOneMismatch) {
  http::router r;
  add_documented(r);
  EXPECT_EQ(route_mismatches(r, "not json").size(), 1u);
  EXPECT_EQ(route_mismatches(r, R"({"openapi":"3.1.0"})"),
            std::vector<std::string>{"the document has no \"paths\" object"});
}

}  // namespace
}  // namespace mc::gateway::openapi
