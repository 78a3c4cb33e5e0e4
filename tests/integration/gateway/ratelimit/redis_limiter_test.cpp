// redis_limiter called directly against the real test Redis: the burst then refusal with the
// script's numbers, one bucket shared by two replicas, refill measured on Redis's clock, keys
// expiring when full, a flushed script cache, and the claim taken in the same script call.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/redis/client.h"
#include "gateway/ratelimit/redis_limiter.h"
#include "redis_support.h"
#include "support/test_env.h"

namespace mc::gateway::ratelimit {
namespace {

using namespace std::chrono_literals;
using test::run;

limiter_options options_for(const std::string& test_name) {
  limiter_options o;
  o.key_prefix = test::unique_prefix(test_name);
  return o;
}

TEST(RedisLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  const limiter_options o = options_for("burst");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy p{"ip", 0.001, 3};  // a token per 1000 s: no refill during the test
  for (int i = 0; i < 3; ++i) {
    const decision d = run(lim.acquire(p, "198.51.100.1"));
    ASSERT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 2 - i);
  }
  const decision refused = run(lim.acquire(p, "198.51.100.1"));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_GE(refused.retry_after_s, 999);
  EXPECT_LE(refused.retry_after_s, 1000);
  EXPECT_GE(refused.reset_s, 2999);
  EXPECT_LE(refused.reset_s, 3000);
  EXPECT_FALSE(lim.using_fallback());
  EXPECT_TRUE(run(lim.acquire(p, "198.51.100.2")).allowed);  // another key

  redis::client c(mc::test::redis_url());
  const auto ttl = c.command({"PTTL", o.key_prefix + "ip:198.51.100.1"});
  ASSERT_EQ(ttl.type, redis::reply_type::integer);
  EXPECT_GT(ttl.integer, 2'990'000);  // expires when full again: ~3000 s
  EXPECT_LE(ttl.integer, 3'000'000);
}

TEST(RedisLimiter, TwoReplicasShareOneBucket) {
  const limiter_options o = options_for("replicas");
  redis_limiter a(mc::test::redis_url(), o);
  redis_limiter b(mc::test::redis_url(), o);
  const policy p{"user", 0.001, 4};
  EXPECT_EQ(run(a.acquire(p, "u1")).remaining, 3);
  EXPECT_EQ(run(b.acquire(p, "u1")).remaining, 2);
  EXPECT_EQ(run(a.acquire(p, "u1")).remaining, 1);
  EXPECT_EQ(run(b.acquire(p, "u1")).remaining, 0);
  EXPECT_FALSE(run(a.acquire(p, "u1")).allowed);
  EXPECT_FALSE(run(b.acquire(p, "u1")).allowed);
}

// A request checked against its IP and its user in one call: charged to both, or to neither.
TEST(RedisLimiter, BothBucketsInOneCallAllOrNothing) {
  const limiter_options o = options_for("both");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy ip{"ip", 0.001, 5};
  const policy user{"user", 0.001, 2};
  auto both = [&] {
    return run(lim.acquire_all({bucket_ref{&ip, "198.51.100.9"}, bucket_ref{&user, "u9"}}));
  };
  const decision first = both();
  ASSERT_TRUE(first.allowed);
  EXPECT_EQ(first.limit, 2);  // the user bucket binds: 1 token left there, 4 in the IP bucket
  EXPECT_EQ(first.remaining, 1);
  ASSERT_TRUE(both().allowed);
  const decision refused = both();  // the user bucket is empty
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.limit, 2);
  EXPECT_GE(refused.retry_after_s, 999);
  // The refusal charged nothing: the IP bucket still has 5 - 2 = 3 tokens.
  const decision ip_only = run(lim.acquire(ip, "198.51.100.9"));
  ASSERT_TRUE(ip_only.allowed);
  EXPECT_EQ(ip_only.remaining, 2);
}

TEST(RedisLimiter, RefillsOnRedisTime) {
  const limiter_options o = options_for("refill");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy p{"user", 2.0, 5};
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(run(lim.acquire(p, "u1")).allowed);
  ASSERT_FALSE(run(lim.acquire(p, "u1")).allowed);
  // Pretend the last update was a second ago by Redis's clock: two tokens come back.
  redis::client c(mc::test::redis_url());
  const auto now = c.command({"TIME"});
  ASSERT_EQ(now.elements.size(), 2u);
  const std::int64_t now_us =
      std::stoll(now.elements[0].str) * 1'000'000 + std::stoll(now.elements[1].str);
  const std::string key = o.key_prefix + "user:u1";
  ASSERT_TRUE(
      c.command({"HSET", key, "tokens", "0", "ts", std::to_string(now_us - 1'000'000)}).ok());
  const decision d = run(lim.acquire(p, "u1"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(d.reset_s, 2);  // 4 tokens missing at 2/s
}

TEST(RedisLimiter, KeyExpiresWhenTheBucketWouldBeFull) {
  const limiter_options o = options_for("expiry");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy p{"ip", 20.0, 2};  // one token missing refills in 50 ms
  ASSERT_TRUE(run(lim.acquire(p, "203.0.113.5")).allowed);
  redis::client c(mc::test::redis_url());
  const std::string key = o.key_prefix + "ip:203.0.113.5";
  const auto ttl = c.command({"PTTL", key});
  ASSERT_EQ(ttl.type, redis::reply_type::integer);
  EXPECT_GT(ttl.integer, 0);
  EXPECT_LE(ttl.integer, 50);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    gone = c.command({"EXISTS", key}).integer == 0;
    if (!gone) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(gone);
}

TEST(RedisLimiter, SurvivesAFlushedScriptCache) {
  const limiter_options o = options_for("noscript");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy p{"user", 0.001, 2};
  ASSERT_EQ(run(lim.acquire(p, "u1")).remaining, 1);
  redis::client c(mc::test::redis_url());
  ASSERT_TRUE(c.command({"SCRIPT", "FLUSH"}).ok());
  const decision d = run(lim.acquire(p, "u1"));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_FALSE(lim.using_fallback());
}

// The idempotent routes' admission: tokens and the claim in one call. A claim is taken only
// when the buckets allow the request, refused while another token holds it, and given back
// only by its own token.
TEST(RedisLimiter, ClaimsInTheSameCallOnlyWhenAllowed) {
  const limiter_options o = options_for("claim");
  redis_limiter lim(mc::test::redis_url(), o);
  const policy user{"user", 0.001, 2};
  redis::client c(mc::test::redis_url());
  const std::string key = o.key_prefix + "claim:k1";
  auto buckets = [&] { return std::vector<bucket_ref>{bucket_ref{&user, "u1"}}; };

  const claim mine{key, "token-a", 30s};
  const admission first = run(lim.acquire_all_and_claim(buckets(), mine));
  ASSERT_TRUE(first.rate.allowed);
  EXPECT_EQ(first.rate.remaining, 1);
  EXPECT_EQ(first.claimed, claim_result::taken);
  EXPECT_EQ(c.command({"GET", key}).str, "token-a");
  const auto ttl = c.command({"PTTL", key});
  EXPECT_GT(ttl.integer, 29'000);

  // Held by token-a: another token is refused, and the token it tried is not stored.
  const admission second = run(lim.acquire_all_and_claim(buckets(), claim{key, "token-b", 30s}));
  ASSERT_TRUE(second.rate.allowed);  // the tokens are taken all the same (a request was made)
  EXPECT_EQ(second.claimed, claim_result::held);
  EXPECT_EQ(c.command({"GET", key}).str, "token-a");

  // Releasing with a token that does not hold the key leaves it alone...
  lim.release(claim{key, "token-b", 30s});
  // ...and the release is ordered before the next call of that key, so this one sees it held.
  const admission third = run(lim.acquire_all_and_claim(buckets(), claim{key, "token-c", 30s}));
  EXPECT_FALSE(third.rate.allowed);  // the user bucket is empty now
  EXPECT_EQ(third.claimed, claim_result::not_tried);
  EXPECT_EQ(c.command({"GET", key}).str, "token-a");

  // The holder's release frees it; a request that fits the buckets then claims it.
  lim.release(mine);
  const policy roomy{"user", 0.001, 10};
  const admission fourth =
      run(lim.acquire_all_and_claim({bucket_ref{&roomy, "u2"}}, claim{key, "token-d", 30s}));
  EXPECT_TRUE(fourth.rate.allowed);
  EXPECT_EQ(fourth.claimed, claim_result::taken);
  EXPECT_EQ(c.command({"GET", key}).str, "token-d");
  EXPECT_FALSE(lim.using_fallback());
}

}  // namespace
}  // namespace mc::gateway::ratelimit
