// Which buckets a request draws from — its client IP, its authenticated user — and the
// per-policy decision counters. Shared by the rate-limit filters and by the idempotent
// routes' admission, which takes the tokens and the in-flight lock in one Redis call.
#pragma once

#include <string_view>
#include <vector>

#include "common/http/message.h"
#include "common/metrics/metrics.h"
#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

class request_limits {
 public:
  // Throw std::invalid_argument on an invalid policy (start-up).
  static request_limits by_ip(policy p);
  static request_limits by_user(policy p);
  static request_limits by_ip_and_user(policy ip, policy user);

  // The buckets of `req`: the IP bucket keyed by req.remote_ip (requests whose peer is unknown
  // share one), the user bucket by req.principal (skipped for an anonymous request). The refs
  // point into `req` and this object.
  std::vector<bucket_ref> buckets_for(const http::request& req) const;
  // Counts the decision on gateway_ratelimit_decisions_total of each policy that applied.
  void count(const http::request& req, bool allowed) const;

 private:
  enum class key_source { remote_ip, principal };
  struct checked_policy {
    policy p;
    key_source source;
    metrics::counter* allowed;
    metrics::counter* limited;
  };
  static checked_policy make_checked(policy p, key_source source);
  explicit request_limits(std::vector<checked_policy> policies);

  std::vector<checked_policy> policies_;
};

}  // namespace mc::gateway::ratelimit
