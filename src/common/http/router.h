// Maps (method, path pattern) to coroutine handlers. Patterns are literal segments and
// `{name}` parameters: "/orders/{id}". Literal segments win over parameters, so
// "/orders/open" and "/orders/{id}" can coexist. Register every route before the server
// that uses the router starts; the router is read concurrently and never locked.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/message.h"

namespace mc::http {

namespace net = boost::asio;

class websocket;
using websocket_ptr = std::shared_ptr<websocket>;

using handler = std::function<net::awaitable<response>(request&)>;
// Runs after the upgrade completed; the connection closes when it returns.
using ws_handler = std::function<net::awaitable<void>(websocket_ptr, request&)>;
// Runs before the upgrade: return a response (e.g. 401) to refuse it, nullopt to accept.
using ws_authorize = std::function<net::awaitable<std::optional<response>>(request&)>;

// One step of middleware (auth, rate limit, idempotency): it may answer on its own (401, 429)
// or call `next` and return, or decorate, its answer. Filters compose at registration time,
// so a request pays for exactly the filters of its route and no lookup.
using filter = std::function<net::awaitable<response>(request&, const handler& next)>;
using filter_list = std::vector<filter>;

// `h` wrapped by `filters`, the first filter outermost.
handler chain(const filter_list& filters, handler h);

struct route_match {
  enum class kind { handler, websocket, not_found, method_not_allowed, upgrade_required };
  kind result = kind::not_found;
  const handler* http = nullptr;
  const ws_handler* ws = nullptr;
  const ws_authorize* ws_auth = nullptr;  // null or empty: accept every upgrade
  std::size_t route_index = 0;            // stable per pattern, in registration order
  std::string_view pattern;               // the route as registered, used as metrics label
  std::string allow;                      // kind::method_not_allowed: e.g. "GET, POST"
};

// One registered route, for listings (the OpenAPI agreement check).
struct route_info {
  std::string method;  // "GET", ...; "GET" for a WebSocket route
  std::string pattern;
  bool websocket = false;
};

class router {
 public:
  router();
  ~router();
  router(const router&) = delete;
  router& operator=(const router&) = delete;

  // Throws std::invalid_argument on a malformed pattern or a duplicate (method, pattern).
  void add(std::string_view method, std::string_view pattern, handler h);
  // The same, behind `filters` (first outermost).
  void add(std::string_view method, std::string_view pattern, handler h,
           const filter_list& filters);
  void add_websocket(std::string_view pattern, ws_handler h, ws_authorize authorize = {});

  // Fills `params` (percent-decoded) on a match. HEAD falls back to GET.
  route_match match(std::string_view method, std::string_view path, bool websocket_upgrade,
                    std::map<std::string, std::string>& params) const;
  std::size_t route_count() const;
  std::string_view pattern(std::size_t route_index) const;
  // Every (method, pattern), in registration order of the patterns.
  std::vector<route_info> routes() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace mc::http
