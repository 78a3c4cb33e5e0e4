#include "gateway/openapi/openapi_document.h"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <utility>

namespace mc::gateway::openapi {

// document() is defined in the file CMake generates from docs/openapi.json
// (openapi_text.cpp.in), so the document is part of the binary.

void add_route(http::router& r) {
  r.add("GET", "/openapi.json", [](http::request&) -> boost::asio::awaitable<http::response> {
    co_return http::json_response(200, std::string(document()));
  });
}

std::vector<std::string> route_mismatches(const http::router& r, std::string_view openapi_json,
                                          const std::vector<std::string>& ignored) {
  using op = std::pair<std::string, std::string>;  // METHOD, path
  std::set<op> registered, documented;
  for (const auto& route : r.routes()) {
    if (std::find(ignored.begin(), ignored.end(), route.pattern) != ignored.end()) continue;
    registered.emplace(route.websocket ? "GET" : route.method, route.pattern);
  }
  const boost::json::value doc = boost::json::parse(openapi_json);
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, operation] : item.as_object()) {
      std::string m(method);
      std::transform(m.begin(), m.end(), m.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      documented.emplace(std::move(m), std::string(path));
    }
  }
  std::vector<std::string> out;
  for (const auto& [m, p] : registered) {
    if (!documented.count({m, p})) out.push_back("registered but not documented: " + m + " " + p);
  }
  for (const auto& [m, p] : documented) {
    if (!registered.count({m, p})) out.push_back("documented but not registered: " + m + " " + p);
  }
  return out;
}

}  // namespace mc::gateway::openapi
