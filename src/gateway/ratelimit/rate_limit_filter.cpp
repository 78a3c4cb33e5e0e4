#include "gateway/ratelimit/rate_limit_filter.h"

#include <memory>
#include <string>
#include <vector>
#include <utility>

#include "common/metrics/metrics.h"
#include "gateway/ratelimit/rate_limit_headers.h"

namespace mc::gateway::ratelimit {

namespace {

enum class key_source { remote_ip, principal };

// Requests whose peer address is unknown share one bucket rather than going unlimited.
constexpr std::string_view unknown_ip = "unknown";

struct checked_policy {
  policy p;
  key_source source;
  metrics::counter* allowed;
  metrics::counter* limited;
};

checked_policy make_checked(policy p, key_source source) {
  validate(p);
  auto& reg = metrics::default_registry();
  constexpr std::string_view help = "Rate-limit decisions per policy";
  auto& allowed = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "allowed"}});
  auto& limited = reg.counter("gateway_ratelimit_decisions_total", help,
                              {{"policy", p.name}, {"result", "limited"}});
  return {std::move(p), source, &allowed, &limited};
}

// A named class rather than a lambda coroutine (GCC 12 miscompiles those).
class rate_limit {
 public:
  rate_limit(limiter& l, std::vector<checked_policy> policies)
      : limiter_(l), policies_(std::move(policies)) {}

  net::awaitable<http::response> run(http::request& req, const http::handler& next) const {
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
    if (buckets.empty()) {  // an anonymous request on a per-user limit: the IP limit's business
      auto inner = next(req);
      co_return co_await std::move(inner);
    }
    auto check = limiter_.acquire_all(std::move(buckets));
    const decision d = co_await std::move(check);
    count(req, d.allowed);
    if (!d.allowed) co_return too_many_requests(d, req.request_id);
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    apply_headers(res, d);
    co_return res;
  }

 private:
  void count(const http::request& req, bool allowed) const {
    for (const auto& c : policies_) {
      if (c.source == key_source::principal && req.principal.empty()) continue;
      (allowed ? c.allowed : c.limited)->inc();
    }
  }

  limiter& limiter_;
  std::vector<checked_policy> policies_;
};

http::filter make_filter(limiter& l, std::vector<checked_policy> policies) {
  auto f = std::make_shared<const rate_limit>(l, std::move(policies));
  return [f](http::request& req, const http::handler& next) { return f->run(req, next); };
}

}  // namespace

http::filter limit_by_ip(limiter& l, policy p) {
  return make_filter(l, {make_checked(std::move(p), key_source::remote_ip)});
}

http::filter limit_by_user(limiter& l, policy p) {
  return make_filter(l, {make_checked(std::move(p), key_source::principal)});
}

http::filter limit_by_ip_and_user(limiter& l, policy ip, policy user) {
  return make_filter(l, {make_checked(std::move(ip), key_source::remote_ip),
                         make_checked(std::move(user), key_source::principal)});
}

}  // namespace mc::gateway::ratelimit
