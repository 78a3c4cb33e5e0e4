#include "gateway/ratelimit/rate_limit_filter.h"

#include <string>
#include <utility>

#include "common/metrics/metrics.h"
#include "gateway/ratelimit/rate_limit_headers.h"

namespace mc::gateway::ratelimit {

namespace {

enum class key_source { remote_ip, principal };

// Requests whose peer address is unknown share one bucket rather than going unlimited.
constexpr std::string_view unknown_ip = "unknown";

http::filter make_filter(limiter& l, policy p, key_source source) {
  validate(p);
  auto& reg = metrics::default_registry();
  constexpr std::string_view help = "Rate-limit decisions per policy";
  auto& allowed = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "allowed"}});
  auto& limited = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "limited"}});
  return [&l, p = std::move(p), source, &allowed, &limited](
             http::request& req, const http::handler& next) -> net::awaitable<http::response> {
    std::string_view key;
    if (source == key_source::principal) {
      if (req.principal.empty()) {
        auto inner = next(req);
        co_return co_await std::move(inner);
      }
      key = req.principal;
    } else {
      key = req.remote_ip.empty() ? unknown_ip : std::string_view(req.remote_ip);
    }
    auto check = l.acquire(p, key);
    const decision d = co_await std::move(check);
    if (!d.allowed) {
      limited.inc();
      co_return too_many_requests(d, req.request_id);
    }
    allowed.inc();
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    apply_headers(res, d);
    co_return res;
  };
}

}  // namespace

http::filter limit_by_ip(limiter& l, policy p) {
  return make_filter(l, std::move(p), key_source::remote_ip);
}

http::filter limit_by_user(limiter& l, policy p) {
  return make_filter(l, std::move(p), key_source::principal);
}

}  // namespace mc::gateway::ratelimit
