// What a rate limit is (a token bucket: a refill rate and a burst) and what one check of it
// answers. Shared by the Redis limiter, the in-process one and the HTTP filters, so the
// rounding of the RateLimit-* and Retry-After seconds is decided in one place.
#pragma once

#include <cstdint>
#include <string>

namespace mc::gateway::ratelimit {

struct policy {
  // Names the bucket family: part of the Redis key and the `policy` metrics label.
  std::string name;
  // Tokens added per second; a request costs one token. Fractions are allowed (0.5: one
  // request every two seconds).
  double rate_per_s = 1.0;
  // Bucket capacity: how many requests may arrive at once after a quiet period.
  std::int64_t burst = 1;
};

// Throws std::invalid_argument (start-up) unless the name is a non-empty word of
// [A-Za-z0-9_-], 0 < rate_per_s <= 1e6 and 1 <= burst <= 1e6.
void validate(const policy& p);

struct decision {
  bool allowed = false;
  std::int64_t limit = 0;          // the policy's burst: RateLimit-Limit
  std::int64_t remaining = 0;      // whole tokens left after this request: RateLimit-Remaining
  std::int64_t reset_s = 0;        // whole seconds (rounded up) until the bucket is full again
  std::int64_t retry_after_s = 0;  // refused only: whole seconds (>= 1) until a request fits
};

// The one rounding rule: times round up to whole seconds (a client that waits that long is
// served), Retry-After is at least 1, remaining never exceeds the limit or drops below 0.
decision make_decision(const policy& p, bool allowed, std::int64_t remaining,
                       std::int64_t retry_after_us, std::int64_t reset_us);

}  // namespace mc::gateway::ratelimit
