#include "gateway/ratelimit/limiter_options.h"

#include <stdexcept>

namespace mc::gateway::ratelimit {

void validate(const limiter_options& o) {
  validate(o.user);
  validate(o.ip);
  validate(o.auth_ip);
  if (o.key_prefix.empty()) throw std::invalid_argument("rate limit: empty Redis key prefix");
  if (o.local_buckets_max == 0) throw std::invalid_argument("rate limit: local_buckets_max is 0");
  if (o.redis_probe_interval.count() <= 0) {
    throw std::invalid_argument("rate limit: redis_probe_interval must be positive");
  }
  if (o.redis_retry_budget.count() < 0) {
    throw std::invalid_argument("rate limit: redis_retry_budget must not be negative");
  }
}

}  // namespace mc::gateway::ratelimit
