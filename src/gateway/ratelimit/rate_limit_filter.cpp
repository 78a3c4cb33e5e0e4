#include "gateway/ratelimit/rate_limit_filter.h"

#include <memory>
#include <utility>
#include <vector>

#include "gateway/ratelimit/rate_limit_headers.h"
#include "gateway/ratelimit/request_limits.h"

namespace mc::gateway::ratelimit {

namespace {

// A named class rather than a lambda coroutine (GCC 12 miscompiles those).
class rate_limit {
 public:
  rate_limit(limiter& l, request_limits limits) : limiter_(l), limits_(std::move(limits)) {}

  net::awaitable<http::response> run(http::request& req, const http::handler& next) const {
    std::vector<bucket_ref> buckets = limits_.buckets_for(req);
    if (buckets.empty()) {  // an anonymous request on a per-user limit: the IP limit's business
      auto inner = next(req);
      co_return co_await std::move(inner);
    }
    auto check = limiter_.acquire_all(std::move(buckets));
    const decision d = co_await std::move(check);
    limits_.count(req, d.allowed);
    if (!d.allowed) co_return too_many_requests(d, req.request_id);
    auto inner = next(req);
    http::response res = co_await std::move(inner);
    apply_headers(res, d);
    co_return res;
  }

 private:
  limiter& limiter_;
  request_limits limits_;
};

http::filter make_filter(limiter& l, request_limits limits) {
  auto f = std::make_shared<const rate_limit>(l, std::move(limits));
  return [f](http::request& req, const http::handler& next) { return f->run(req, next); };
}

}  // namespace

http::filter limit_by_ip(limiter& l, policy p) {
  return make_filter(l, request_limits::by_ip(std::move(p)));
}

http::filter limit_by_user(limiter& l, policy p) {
  return make_filter(l, request_limits::by_user(std::move(p)));
}

http::filter limit_by_ip_and_user(limiter& l, policy ip, policy user) {
  return make_filter(l, request_limits::by_ip_and_user(std::move(ip), std::move(user)));
}

}  // namespace mc::gateway::ratelimit
