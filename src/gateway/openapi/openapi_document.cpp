// GET /openapi.json and the route/document agreement check.
#include "gateway/openapi/openapi_document.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <utility>

namespace mc::gateway::openapi {
namespace {

// The keys of an OpenAPI path item that are operations; the others ("parameters", "summary",
// "servers", ...) describe the path and must not be taken for methods.
constexpr std::array<std::string_view, 8> operation_keys{"get",     "put",  "post",  "delete",
                                                         "options", "head", "patch", "trace"};

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace

// document() is defined in the file CMake generates from docs/openapi.json
// (openapi_text.cpp.in), so the document is part of the binary.

void add_route(http::router& r) {
  r.add("GET", "/openapi.json", [](http::request&) -> boost::asio::awaitable<http::response> {
    co_return http::json_response(200, std::string(document()));
  });
}

std::vector<std::string> route_mismatches(const http::router& r, std::string_view openapi_json,
                                          const std::vector<std::string>& ignored) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(openapi_json, ec);
  if (ec) return {"the document is not JSON: " + ec.message()};
  const auto* root = doc.if_object();
  const auto* paths = root ? root->if_contains("paths") : nullptr;
  if (!paths || !paths->is_object()) return {"the document has no \"paths\" object"};

  using op = std::pair<std::string, std::string>;  // METHOD, path
  std::set<op> registered, documented;
  for (const auto& route : r.routes()) {
    if (std::find(ignored.begin(), ignored.end(), route.pattern) != ignored.end()) continue;
    registered.emplace(route.websocket ? "GET" : route.method, route.pattern);
  }
  for (const auto& [path, item] : paths->get_object()) {
    if (!item.is_object()) continue;
    for (const auto& [key, operation] : item.get_object()) {
      const std::string_view k = key;
      if (std::find(operation_keys.begin(), operation_keys.end(), k) == operation_keys.end()) {
        continue;
      }
      documented.emplace(upper(k), std::string(path));
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
