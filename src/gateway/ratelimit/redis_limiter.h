// Token buckets in Redis, shared by every gateway replica: one atomic script call per
// request. When Redis cannot answer (down, timing out, erroring) the same policies are
// enforced by in-process buckets, per replica, until a probe finds Redis back; the outage
// is logged once and shown by the gauge gateway_ratelimit_local_fallback.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>
#include <string>

#include "common/metrics/metrics.h"
#include "common/redis/async_client.h"
#include "gateway/ratelimit/limiter.h"
#include "gateway/ratelimit/limiter_options.h"
#include "gateway/ratelimit/local_limiter.h"

namespace mc::gateway::ratelimit {

class redis_limiter final : public limiter {
 public:
  // Owns its own Redis connections (options.redis) so that their short timeouts bound the
  // limiter's latency without changing other Redis users. Throws std::invalid_argument on a
  // malformed URL or options. Connects lazily: a Redis that is down at start-up is an outage.
  redis_limiter(const std::string& redis_url, limiter_options options, clock_fn clock = steady_now);
  // The same with the connections on the server's event loops (no extra thread; a bucket check
  // goes out on the caller's own loop, a claim on its key's connection).
  redis_limiter(const std::vector<net::any_io_executor>& loops, const std::string& redis_url,
                limiter_options options, clock_fn clock = steady_now);

  net::awaitable<decision> acquire(const policy& p, std::string_view key) override;
  net::awaitable<decision> acquire_all(std::vector<bucket_ref> buckets) override;
  // The buckets and the claim in one script call, on the claim key's own connection, so that a
  // release() sent without waiting runs before the next claim of that key. While Redis is out,
  // the buckets are local and the claim is unavailable.
  net::awaitable<admission> acquire_all_and_claim(std::vector<bucket_ref> buckets,
                                                  const claim& c) override;
  void release(const claim& c) override;

  // True while decisions are made locally (the last Redis call failed).
  bool using_fallback() const { return fallback_.load(std::memory_order_relaxed); }

 private:
  // While in fallback, true for the one caller per probe interval that may try Redis.
  bool claim_probe(std::int64_t now_ns);
  std::int64_t probe_interval_ns() const;
  void enter_fallback(const redis::reply& failure);
  void leave_fallback();
  metrics::counter& fallback_counter(const policy& p);
  // The script's decisions, or nullopt after Redis failed (the caller decides locally).
  net::awaitable<std::optional<std::vector<decision>>> ask_redis(
      const std::vector<bucket_ref>& buckets, std::int64_t now_ns);
  // One script call, once more on a stale socket. `accept` parses the reply into the caller's
  // result and says whether it was the script's answer; false (after entering the fallback)
  // when no reply was accepted.
  net::awaitable<bool> run_script(const redis::script& s, std::vector<std::string> keys,
                                  std::vector<std::string> args,
                                  std::optional<std::size_t> affinity, std::int64_t now_ns,
                                  std::function<bool(const redis::reply&)> accept);
  static std::size_t affinity_of(const std::string& claim_key);
  static std::vector<const policy*> policies_of(const std::vector<bucket_ref>& buckets);
  std::vector<std::string> keys_of(const std::vector<bucket_ref>& buckets) const;

  redis_limiter(std::unique_ptr<redis::async_client> redis, const limiter_options& options,
                clock_fn clock);

  limiter_options options_;
  clock_fn clock_;
  std::unique_ptr<redis::async_client> redis_;
  local_limiter local_;
  std::atomic<bool> fallback_{false};
  std::atomic<std::int64_t> next_probe_ns_{0};

  metrics::gauge& fallback_gauge_;
  metrics::counter& redis_errors_;
  metrics::counter& outages_;
  // Per configured policy, filled at construction and read-only afterwards.
  std::map<std::string, metrics::counter*, std::less<>> fallback_decisions_;
};

}  // namespace mc::gateway::ratelimit
