// Health, readiness and metrics routes that every MicroCoin binary serves.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>

#include "common/http/router.h"

namespace mc::http {

// Seconds a 503 from /readyz asks the caller (load balancer, orchestrator) to wait.
inline constexpr int readyz_retry_after_s = 5;

// GET /healthz → 200 {"status":"ok"} (the process is alive; never touches dependencies)
// GET /health  → 200 {"status":"healthy"} (the public API's spelling of the same)
// GET /readyz  → 200 {"status":"ready"} when ready_check() says so, else 503
//                SERVICE_UNAVAILABLE with Retry-After. An empty ready_check means ready.
// GET /metrics → default_registry() in Prometheus text format 0.0.4.
void add_health_routes(router& r, std::function<net::awaitable<bool>()> ready_check,
                       std::string service);

}  // namespace mc::http
