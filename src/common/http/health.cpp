// /healthz, /health, /readyz and /metrics handlers.
#include "common/http/health.h"

#include "common/log/log.h"
#include "common/metrics/metrics.h"

namespace mc::http {

void add_health_routes(router& r, std::function<net::awaitable<bool>()> ready_check,
                       std::string service) {
  r.add("GET", "/healthz", [](request&) -> net::awaitable<response> {
    co_return json_response(200, R"({"status":"ok"})");
  });
  r.add("GET", "/health", [](request&) -> net::awaitable<response> {
    co_return json_response(200, R"({"status":"healthy"})");
  });
  r.add("GET", "/readyz",
        [check = std::move(ready_check),
         service = std::move(service)](request& req) -> net::awaitable<response> {
          bool ready = true;
          if (check) {
            try {
              ready = co_await check();
            } catch (const std::exception& e) {
              mc::log::warn("readiness check threw", {{"service", service}, {"error", e.what()}});
              ready = false;
            }
          }
          if (ready) co_return json_response(200, R"({"status":"ready"})");
          response res = error_response(503, code::service_unavailable, service + " is not ready",
                                        req.request_id);
          res.set_header("Retry-After", std::to_string(readyz_retry_after_s));
          co_return res;
        });
  r.add("GET", "/metrics", [](request&) -> net::awaitable<response> {
    co_return text_response(200, metrics::default_registry().render(),
                            "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace mc::http
