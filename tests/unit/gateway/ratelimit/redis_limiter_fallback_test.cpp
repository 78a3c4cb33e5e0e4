// redis_limiter with nothing listening at its Redis address (connection refused at once) and
// a hand-moved clock: it keeps limiting in-process, and tries Redis only once per probe
// interval while it is down. Recovery with a real Redis is in the integration tests.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>

#include "common/metrics/metrics.h"
#include "gateway/ratelimit/redis_limiter.h"
#include "manual_clock.h"

namespace mc::gateway::ratelimit {
namespace {

using namespace std::chrono_literals;

// Port 1 on loopback: nothing listens there, so every connect is refused immediately.
constexpr const char* unreachable_redis = "redis://127.0.0.1:1";

template <class T>
T run(net::awaitable<T> a) {
  net::io_context io;
  auto fut = net::co_spawn(io, std::move(a), net::use_future);
  io.run();
  return fut.get();
}

std::uint64_t redis_errors() {
  return metrics::default_registry().counter("gateway_ratelimit_redis_errors_total", "").value();
}

TEST(RedisLimiterFallback, LimitsLocallyAndProbesOncePerInterval) {
  test::manual_clock clock;
  limiter_options o;
  o.redis_probe_interval = 500ms;
  redis_limiter lim(unreachable_redis, o, clock.fn());
  const policy p{"user", 1.0, 2};
  auto& gauge = metrics::default_registry().gauge("gateway_ratelimit_local_fallback", "");

  const auto errors0 = redis_errors();
  const decision first = run(lim.acquire(p, "u1"));
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 1);
  EXPECT_TRUE(lim.using_fallback());
  EXPECT_EQ(gauge.value(), 1.0);
  const auto errors1 = redis_errors();
  EXPECT_GT(errors1, errors0);

  // Within the probe interval Redis is not asked at all; the local bucket decides.
  EXPECT_TRUE(run(lim.acquire(p, "u1")).allowed);
  const decision refused = run(lim.acquire(p, "u1"));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);
  EXPECT_EQ(redis_errors(), errors1);

  // After the interval one request probes (and fails again); the bucket refilled meanwhile.
  clock.advance(1s);
  EXPECT_TRUE(run(lim.acquire(p, "u1")).allowed);
  const auto errors2 = redis_errors();
  EXPECT_GT(errors2, errors1);
  EXPECT_FALSE(run(lim.acquire(p, "u1")).allowed);
  EXPECT_EQ(redis_errors(), errors2);
  EXPECT_TRUE(lim.using_fallback());
}

// Redis out: the idempotent routes are limited locally and go ahead without the lock.
TEST(RedisLimiterFallback, ClaimIsUnavailableAndTheLimitsAreLocal) {
  test::manual_clock clock;
  redis_limiter lim(unreachable_redis, limiter_options{}, clock.fn());
  const policy p{"user", 1.0, 1};
  const claim c{"idem:u1:k", "token", 30s};
  const admission first = run(lim.acquire_all_and_claim({bucket_ref{&p, "u1"}}, c));
  EXPECT_TRUE(first.rate.allowed);
  EXPECT_EQ(first.claimed, claim_result::unavailable);
  EXPECT_TRUE(lim.using_fallback());
  const admission second = run(lim.acquire_all_and_claim({bucket_ref{&p, "u1"}}, c));
  EXPECT_FALSE(second.rate.allowed);
  EXPECT_EQ(second.claimed, claim_result::not_tried);
  lim.release(c);  // nothing held; must not throw or block
}

TEST(RedisLimiterFallback, RejectsInvalidOptionsAtConstruction) {
  limiter_options o;
  o.user.burst = 0;
  EXPECT_THROW(redis_limiter(unreachable_redis, o), std::invalid_argument);
  EXPECT_THROW(redis_limiter("http://nope", limiter_options{}), std::invalid_argument);
}

}  // namespace
}  // namespace mc::gateway::ratelimit
