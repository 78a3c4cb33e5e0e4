#include "gateway/ratelimit/local_limiter.h"

#include <utility>

namespace mc::gateway::ratelimit {

local_limiter::local_limiter(std::size_t buckets_max, clock_fn clock)
    : clock_(std::move(clock)), buckets_(buckets_max) {}

net::awaitable<decision> local_limiter::acquire(const policy& p, std::string_view key) {
  co_return acquire_now(p, key);
}

net::awaitable<decision> local_limiter::acquire_all(std::vector<bucket_ref> buckets) {
  co_return acquire_all_now(buckets);
}

decision local_limiter::acquire_all_now(const std::vector<bucket_ref>& buckets) {
  std::vector<decision> taken;
  taken.reserve(buckets.size());
  for (const auto& b : buckets) {
    taken.push_back(acquire_now(*b.p, b.key));
    if (!taken.back().allowed) break;
  }
  return binding(taken);
}

decision local_limiter::acquire_now(const policy& p, std::string_view key) {
  return buckets_.take(p, key, clock_());
}

}  // namespace mc::gateway::ratelimit
