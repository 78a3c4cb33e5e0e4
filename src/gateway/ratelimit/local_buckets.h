// Token buckets in this process's memory, one per (policy, key), with a hard bound on how
// many are kept: the least recently used bucket is dropped first. Dropping a bucket that has
// refilled changes nothing (a new one starts full); dropping an older one at the bound lets
// that one idle client start with a full bucket, a leniency that keeps memory bounded
// under a flood of distinct keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/ratelimit/policy.h"

namespace mc::gateway::ratelimit {

class local_buckets {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  explicit local_buckets(std::size_t buckets_max);

  // Thread-safe. Refills the bucket up to `now`, then takes one token if there is one.
  // Time that runs backwards is treated as no time passing.
  decision take(const policy& p, std::string_view key, time_point now);

  std::size_t size() const;

 private:
  struct bucket {
    double tokens = 0.0;
    time_point updated;
    std::list<std::string>::iterator lru;  // position in lru_, most recent first
  };

  std::size_t buckets_max_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
  std::list<std::string> lru_;
};

}  // namespace mc::gateway::ratelimit
