#include "gateway/ratelimit/local_limiter.h"

#include <utility>

namespace mc::gateway::ratelimit {

local_limiter::local_limiter(std::size_t buckets_max, clock_fn clock)
    : clock_(std::move(clock)), buckets_(buckets_max) {}

net::awaitable<decision> local_limiter::acquire(const policy& p, std::string_view key) {
  co_return acquire_now(p, key);
}

decision local_limiter::acquire_now(const policy& p, std::string_view key) {
  return buckets_.take(p, key, clock_());
}

}  // namespace mc::gateway::ratelimit
