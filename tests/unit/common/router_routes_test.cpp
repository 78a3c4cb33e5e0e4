// router::routes(): every registered (method, pattern), WebSocket routes as GET with the flag.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/http/router.h"

namespace mc::http {
namespace {

net::awaitable<response> nothing(request&) {
  co_return json_response(200, "{}");
}

net::awaitable<void> no_ws(websocket_ptr, request&) {
  co_return;
}

// "METHOD pattern", " ws" appended for a WebSocket route: readable in a failure message.
std::vector<std::string> listed(const router& r) {
  std::vector<std::string> out;
  for (const auto& route : r.routes()) {
    out.push_back(route.method + " " + route.pattern + (route.websocket ? " ws" : ""));
  }
  return out;
}

TEST(RouterRoutes, EmptyRouterHasNone) {
  router r;
  EXPECT_TRUE(r.routes().empty());
}

TEST(RouterRoutes, EveryMethodOfEveryPatternInRegistrationOrder) {
  router r;
  r.add("GET", "/api/orders", nothing);
  r.add("GET", "/api/orders/{id}", nothing);
  r.add("POST", "/api/orders", nothing);
  r.add("DELETE", "/api/orders/{id}", nothing, filter_list{});
  r.add_websocket("/ws/quotes", no_ws);
  EXPECT_EQ(listed(r),
            (std::vector<std::string>{"GET /api/orders", "POST /api/orders", "GET /api/orders/{id}",
                                      "DELETE /api/orders/{id}", "GET /ws/quotes ws"}));
}

// One pattern may serve both plain HTTP and a WebSocket upgrade: two entries.
TEST(RouterRoutes, HttpAndWebSocketOnOnePattern) {
  router r;
  r.add_websocket("/ws/orders", no_ws);
  r.add("GET", "/ws/orders", nothing);
  EXPECT_EQ(listed(r), (std::vector<std::string>{"GET /ws/orders", "GET /ws/orders ws"}));
}

}  // namespace
}  // namespace mc::http
