// The in-process token bucket against hand-computed expectations, with time moved by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "gateway/ratelimit/local_buckets.h"

namespace mc::gateway::ratelimit {
namespace {

using namespace std::chrono_literals;
using time_point = local_buckets::time_point;

const time_point t0{std::chrono::hours(1)};

TEST(LocalBuckets, BurstIsServedThenRefusedWithRetryAfter) {
  local_buckets b(16);
  const policy p{"user", 2.0, 3};  // a token every 500 ms
  for (int i = 0; i < 3; ++i) {
    const decision d = b.take(p, "alice", t0);
    EXPECT_TRUE(d.allowed) << i;
    EXPECT_EQ(d.limit, 3);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.retry_after_s, 0);
  }
  const decision refused = b.take(p, "alice", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_s, 1);  // 0.5 s rounds up to a whole second
  EXPECT_EQ(refused.reset_s, 2);        // 3 tokens at 2/s: 1.5 s, rounded up
}

TEST(LocalBuckets, RefillsAtTheRateAndNeverBeyondTheBurst) {
  local_buckets b(16);
  const policy p{"user", 2.0, 3};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(b.take(p, "alice", t0).allowed);
  EXPECT_FALSE(b.take(p, "alice", t0 + 499ms).allowed);
  const decision one = b.take(p, "alice", t0 + 500ms);
  EXPECT_TRUE(one.allowed);
  EXPECT_EQ(one.remaining, 0);
  EXPECT_FALSE(b.take(p, "alice", t0 + 500ms).allowed);
  // An hour of quiet refills to the burst, not to 7200 tokens.
  const decision later = b.take(p, "alice", t0 + 1h);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.remaining, 2);
  EXPECT_EQ(later.reset_s, 1);  // one token missing at 2/s: 0.5 s, rounded up
}

TEST(LocalBuckets, RetryAfterCountsWholeSecondsForSlowRates) {
  local_buckets b(16);
  const policy p{"auth_ip", 0.25, 1};  // a token every 4 s
  ASSERT_TRUE(b.take(p, "10.0.0.1", t0).allowed);
  EXPECT_EQ(b.take(p, "10.0.0.1", t0).retry_after_s, 4);
  EXPECT_EQ(b.take(p, "10.0.0.1", t0 + 2500ms).retry_after_s, 2);  // 1.5 s left, rounded up
  EXPECT_TRUE(b.take(p, "10.0.0.1", t0 + 4s).allowed);
}

TEST(LocalBuckets, KeysAndPoliciesHaveTheirOwnBuckets) {
  local_buckets b(16);
  const policy user{"user", 1.0, 1};
  const policy ip{"ip", 1.0, 1};
  EXPECT_TRUE(b.take(user, "k", t0).allowed);
  EXPECT_FALSE(b.take(user, "k", t0).allowed);
  EXPECT_TRUE(b.take(user, "other", t0).allowed);
  EXPECT_TRUE(b.take(ip, "k", t0).allowed);  // same key, another policy
}

TEST(LocalBuckets, ClockGoingBackwardsAddsNoTokens) {
  local_buckets b(16);
  const policy p{"user", 1.0, 1};
  ASSERT_TRUE(b.take(p, "k", t0 + 10s).allowed);
  EXPECT_FALSE(b.take(p, "k", t0).allowed);
  EXPECT_FALSE(b.take(p, "k", t0 + 10s + 999ms).allowed);
  EXPECT_TRUE(b.take(p, "k", t0 + 11s).allowed);
}

TEST(LocalBuckets, MemoryIsBoundedByDroppingTheLeastRecentlyUsedBucket) {
  local_buckets b(3);
  const policy p{"ip", 0.001, 1};  // effectively no refill during the test
  ASSERT_TRUE(b.take(p, "a", t0).allowed);
  ASSERT_TRUE(b.take(p, "b", t0).allowed);
  ASSERT_TRUE(b.take(p, "c", t0).allowed);
  EXPECT_FALSE(b.take(p, "a", t0).allowed);  // touches "a": "b" is now the oldest
  ASSERT_TRUE(b.take(p, "d", t0).allowed);   // evicts "b"
  EXPECT_EQ(b.size(), 3u);
  EXPECT_FALSE(b.take(p, "a", t0).allowed);  // kept
  EXPECT_FALSE(b.take(p, "c", t0).allowed);  // kept
  EXPECT_TRUE(b.take(p, "b", t0).allowed);   // forgotten: starts full again
  for (int i = 0; i < 1000; ++i) b.take(p, "flood-" + std::to_string(i), t0);
  EXPECT_EQ(b.size(), 3u);
}

TEST(LocalBuckets, ZeroCapacityTableIsRejected) {
  EXPECT_THROW(local_buckets(0), std::invalid_argument);
}

}  // namespace
}  // namespace mc::gateway::ratelimit
