#include "gateway/ratelimit/request_limits.h"

#include <string>
#include <utility>

namespace mc::gateway::ratelimit {

namespace {
// Requests whose peer address is unknown share one bucket rather than going unlimited.
constexpr std::string_view unknown_ip = "unknown";
}  // namespace

request_limits::checked_policy request_limits::make_checked(policy p, key_source source) {
  validate(p);
  auto& reg = metrics::default_registry();
  constexpr std::string_view help = "Rate-limit decisions per policy";
  auto& allowed = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "allowed"}});
  auto& limited = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "limited"}});
  return {std::move(p), source, &allowed, &limited};
}

request_limits::request_limits(std::vector<checked_policy> policies)
    : policies_(std::move(policies)) {}

request_limits request_limits::by_ip(policy p) {
  return request_limits({make_checked(std::move(p), key_source::remote_ip)});
}

request_limits request_limits::by_user(policy p) {
  return request_limits({make_checked(std::move(p), key_source::principal)});
}

request_limits request_limits::by_ip_and_user(policy ip, policy user) {
  return request_limits({make_checked(std::move(ip), key_source::remote_ip),
                         make_checked(std::move(user), key_source::principal)});
}

std::vector<bucket_ref> request_limits::buckets_for(const http::request& req) const {
  std::vector<bucket_ref> buckets;
  buckets.reserve(policies_.size());
  for (const auto& c : policies_) {
    if (c.source == key_source::principal) {
      if (!req.principal.empty()) buckets.push_back({&c.p, req.principal});
    } else {
      buckets.push_back(
          {&c.p, req.remote_ip.empty() ? unknown_ip : std::string_view(req.remote_ip)});
    }
  }
  return buckets;
}

void request_limits::count(const http::request& req, bool allowed) const {
  for (const auto& c : policies_) {
    if (c.source == key_source::principal && req.principal.empty()) continue;
    (allowed ? c.allowed : c.limited)->inc();
  }
}

}  // namespace mc::gateway::ratelimit
