// A limiter that keeps its buckets in this process only: for a single gateway without
// Redis, for tests of the filters, and as the Redis limiter's fallback.
#pragma once

#include <cstddef>

#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/local_buckets.h"

namespace mc::gateway::ratelimit {

class local_limiter final : public limiter {
 public:
  explicit local_limiter(std::size_t buckets_max, clock_fn clock = steady_now);

  net::awaitable<decision> acquire(const policy& p, std::string_view key) override;
  // In order, stopping at the first empty bucket: the buckets before it are charged (unlike
  // Redis's all-or-nothing script; this is the fallback, and only overcounts).
  net::awaitable<decision> acquire_all(std::vector<bucket_ref> buckets) override;
  decision acquire_all_now(const std::vector<bucket_ref>& buckets);
  // The same decision without a coroutine, for callers already off the awaitable path.
  decision acquire_now(const policy& p, std::string_view key);

  std::size_t bucket_count() const { return buckets_.size(); }

 private:
  clock_fn clock_;
  local_buckets buckets_;
};

}  // namespace mc::gateway::ratelimit
