#include "gateway/ratelimit/local_buckets.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

namespace mc::gateway::ratelimit {

local_buckets::local_buckets(std::size_t buckets_max) : buckets_max_(buckets_max) {
  if (buckets_max_ == 0) throw std::invalid_argument("local_buckets: buckets_max is 0");
}

decision local_buckets::take(const policy& p, std::string_view key, time_point now) {
  std::string id;
  id.reserve(p.name.size() + 1 + key.size());
  id.append(p.name).append(":").append(key);
  const double capacity = static_cast<double>(p.burst);

  std::lock_guard lock(mutex_);
  auto it = buckets_.find(id);
  if (it == buckets_.end()) {
    if (buckets_.size() >= buckets_max_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(id);
    it = buckets_.emplace(std::move(id), bucket{capacity, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  bucket& b = it->second;
  if (now > b.updated) {
    const double elapsed_s = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(capacity, b.tokens + elapsed_s * p.rate_per_s);
    b.updated = now;
  }
  // A policy whose burst shrank since the bucket was made must not keep the old surplus.
  b.tokens = std::min(b.tokens, capacity);

  const bool allowed = b.tokens >= 1.0;
  if (allowed) b.tokens -= 1.0;
  const double us_per_token = 1e6 / p.rate_per_s;
  const auto retry_us =
      allowed ? 0 : static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) * us_per_token));
  const auto reset_us = static_cast<std::int64_t>(std::ceil((capacity - b.tokens) * us_per_token));
  assert(b.tokens >= 0.0 && b.tokens <= capacity);
  assert(buckets_.size() <= buckets_max_ && buckets_.size() == lru_.size());
  return make_decision(p, allowed, static_cast<std::int64_t>(std::floor(b.tokens)), retry_us,
                       reset_us);
}

std::size_t local_buckets::size() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace mc::gateway::ratelimit
