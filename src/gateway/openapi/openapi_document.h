// The OpenAPI document of the public API (docs/openapi.json), compiled into the gateway so
// GET /openapi.json needs no file at run time, and the check that the routes a server
// registers and the document describe are the same set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/http/router.h"

namespace mc::gateway::openapi {

// docs/openapi.json as it was when the gateway was built.
std::string_view document();

// GET /openapi.json.
void add_route(http::router& r);

// Every registered (method, pattern) must be a documented operation and every documented
// operation must be registered; WebSocket routes count as GET. `ignored` patterns (e.g. a
// monolith's extra internal routes) are skipped. One line per disagreement; empty = agree.
std::vector<std::string> route_mismatches(const http::router& r, std::string_view openapi_json,
                                          const std::vector<std::string>& ignored = {});

}  // namespace mc::gateway::openapi
